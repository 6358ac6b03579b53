/*
 * server.c: the TCP Lab version of the source tutorial's server (section 4).
 *
 * It listens on [ip] [port], accepts ONE client, reads one 128-byte frame (the text, then NUL bytes), prints it,
 * sends back the text followed by " *_*" in a 128-byte frame, and closes the connection, then the listener.
 *
 *   cc -Wall -Wextra -O2 -o server server.c
 *   ./server 127.0.0.1 0        (port 0: the kernel picks a free port; the program prints which)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define FRAME 128

int main(int argc, char const *argv[])
{
    // tag::usage[]
    if (argc < 3) {
        fprintf(stderr, "Usage: %s [ip] [port]\n", argv[0]);
        exit(1);
    }
    // end::usage[]

    // tag::socket[]
    int listenfd = socket(AF_INET, SOCK_STREAM, 0);
    if (listenfd == -1) {
        perror("fail to socket");
        exit(1);
    }
    // end::socket[]

    // tag::reuseaddr[]
#ifdef REUSEADDR
    /* Built with -DREUSEADDR: allow bind over a TIME_WAIT that the last run left on this port. */
    int on = 1;
    if (setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1) {
        perror("fail to setsockopt");
        exit(1);
    }
#endif
    // end::reuseaddr[]

    // tag::bind[]
    struct sockaddr_in serveraddr;
    memset(&serveraddr, 0, sizeof serveraddr);
    serveraddr.sin_family = AF_INET;
    serveraddr.sin_addr.s_addr = inet_addr(argv[1]);    /* "127.0.0.1" -> 4 bytes, network order */
    serveraddr.sin_port = htons((unsigned short) atoi(argv[2]));
    if (bind(listenfd, (struct sockaddr *) &serveraddr, sizeof serveraddr) == -1) {
        perror("fail to bind");                          /* e.g. "Address already in use" */
        exit(1);
    }
    // end::bind[]

    // tag::listen[]
    if (listen(listenfd, 10) == -1) {                    /* passive now; up to ~10 finished connections queue */
        perror("fail to listen");
        exit(1);
    }
    // end::listen[]

    // tag::where[]
    /* With port 0 the kernel chose the port during bind: ask it which one (getsockname). */
    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(listenfd, (struct sockaddr *) &bound, &boundlen) == -1) {
        perror("fail to getsockname");
        exit(1);
    }
    printf("listening on %s:%d\n", inet_ntoa(bound.sin_addr), ntohs(bound.sin_port));
    fflush(stdout);                                      /* a pipe is block-buffered: without this, nobody sees it */
    // end::where[]

    // tag::accept[]
    struct sockaddr_in clientaddr;
    socklen_t clientlen = sizeof clientaddr;             /* in: room we have; out: bytes the kernel filled in */
    int acceptfd = accept(listenfd, (struct sockaddr *) &clientaddr, &clientlen);
    if (acceptfd == -1) {
        perror("fail to accept");
        exit(1);
    }
    printf("ip:%s, port:%d\n", inet_ntoa(clientaddr.sin_addr), ntohs(clientaddr.sin_port));
    fflush(stdout);
    // end::accept[]

    // tag::recv[]
    /*
     * The source calls recv() once. TCP is a byte stream: one recv may return fewer than 128 bytes (the frame can
     * arrive in pieces), so a single call can leave half a message unread. Loop until all 128 bytes are here, or
     * the client closes (recv returns 0) or fails (-1).
     */
    char buf[FRAME + 1];
    size_t have = 0;
    while (have < FRAME) {
        ssize_t n = recv(acceptfd, buf + have, FRAME - have, 0);
        if (n == -1) {
            perror("fail to recv");
            close(acceptfd);
            close(listenfd);
            exit(1);
        }
        if (n == 0) {
            fprintf(stderr, "the client left after sending %zu of %d bytes\n", have, FRAME);
            close(acceptfd);
            close(listenfd);
            exit(1);
        }
        have += (size_t) n;
    }
    buf[FRAME] = '\0';                                   /* a frame without any NUL still ends here */
    printf("from client: %s\n", buf);
    fflush(stdout);
    // end::recv[]

    // tag::reply[]
    char answer[FRAME];
    memset(answer, 0, sizeof answer);
    size_t textlen = strlen(buf);
    memcpy(answer, buf, textlen < FRAME - 1 ? textlen : FRAME - 1);
    strncat(answer, " *_*", FRAME - 1 - strlen(answer)); /* keep byte 127 for the closing NUL */
    /* If the cut fell inside a UTF-8 character, drop its leading bytes too (continuation bytes are 10xxxxxx). */
    size_t len = strlen(answer);
    if (len == FRAME - 1 && len > 0) {
        size_t start = len - 1;
        while (start > 0 && ((unsigned char) answer[start] & 0xC0) == 0x80) {
            start--;
        }
        unsigned char lead = (unsigned char) answer[start];
        size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (start + need > len) {
            memset(answer + start, 0, FRAME - start);
        }
    }
    // end::reply[]

    // tag::send[]
    size_t sent = 0;
    while (sent < FRAME) {                               /* send, like recv, may take only part of the buffer */
        ssize_t n = send(acceptfd, answer + sent, FRAME - sent, 0);
        if (n == -1) {
            perror("fail to send");
            close(acceptfd);
            close(listenfd);
            exit(1);
        }
        sent += (size_t) n;
    }
    // end::send[]

    // tag::close[]
    close(acceptfd);                                     /* ends this one connection: the client reads 0 next */
    close(listenfd);                                     /* stops taking new connections */
    return 0;
    // end::close[]
}
