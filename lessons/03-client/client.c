/*
 * client.c -- the TCP client of TCP Lab, Lesson 03.
 *
 * It talks the lab's frame protocol: one message is exactly FRAME_SIZE (128)
 * bytes, the text first and NUL bytes after it. The client connects, reads one
 * line from stdin, sends it as one frame, reads one frame back and prints it.
 *
 *   cc -Wall -Wextra -O2 -o client client.c
 *   ./client 127.0.0.1 5555
 */
// tag::includes[]
#include <arpa/inet.h>   /* inet_addr, htons */
#include <netinet/in.h>  /* struct sockaddr_in */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>  /* socket, connect, send, recv */
#include <sys/types.h>
#include <unistd.h>      /* close */

#define FRAME_SIZE 128
// end::includes[]

int main(int argc, char *argv[])
{
    // tag::usage[]
    if (argc != 3) {
        fprintf(stderr, "Usage: %s <ip> <port>\n", argv[0]);
        return 2;                             /* 2: a usage error (the kit's convention) */
    }
    // end::usage[]

    // tag::socket[]
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    // end::socket[]

    // tag::connect[]
    struct sockaddr_in server;
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr.s_addr = inet_addr(argv[1]);          /* "127.0.0.1" -> 4 bytes, network order */
    server.sin_port = htons((unsigned short) atoi(argv[2])); /* host order -> network order */

    /* connect() sends the SYN and waits for the handshake to finish. It does
     * not create a new socket: fd itself becomes the connected socket. */
    if (connect(fd, (struct sockaddr *) &server, sizeof server) == -1) {
        perror("connect");
        close(fd);
        return 1;
    }
    // end::connect[]

    // tag::readline[]
    /* Room for 127 bytes of text, the '\n', and fgets' own terminating NUL.
     * A longer line does not fit, and that is how we notice it. */
    char line[FRAME_SIZE + 1] = "";
    if (fgets(line, sizeof line, stdin) == NULL) {
        line[0] = '\0';                       /* empty input: send an empty text */
    }
    size_t len = strcspn(line, "\n");         /* strip the newline only if there is one */
    int had_newline = line[len] == '\n';
    line[len] = '\0';
    if (len > FRAME_SIZE - 1 || (!had_newline && !feof(stdin))) {
        fprintf(stderr, "line too long: a frame holds at most %d bytes of text\n",
                FRAME_SIZE - 1);
        close(fd);
        return 1;
    }
    // end::readline[]

    // tag::send[]
    /* Always send the whole 128-byte buffer: the text, then NULs. */
    char frame[FRAME_SIZE];
    memset(frame, 0, sizeof frame);
    memcpy(frame, line, len);

    size_t sent = 0;
    while (sent < FRAME_SIZE) {
        /* flags 0: block until the kernel has taken (some of) the bytes */
        ssize_t n = send(fd, frame + sent, FRAME_SIZE - sent, 0);
        if (n == -1) {
            perror("send");
            close(fd);
            return 1;
        }
        sent += (size_t) n;
    }
    // end::send[]

    // tag::recv[]
    /* The source calls recv() once and hopes all 128 bytes came together.
     * TCP is a byte stream: one send on the other side can arrive as several
     * recv()s here. So we loop until we hold the whole frame, and treat
     * 0 (the peer closed) and -1 (an error) as failures. */
    char reply[FRAME_SIZE + 1];
    memset(reply, 0, sizeof reply);           /* reply[FRAME_SIZE] stays NUL for printf */
    size_t got = 0;
    while (got < FRAME_SIZE) {
        ssize_t n = recv(fd, reply + got, FRAME_SIZE - got, 0);
        if (n == -1) {
            perror("recv");
            close(fd);
            return 1;
        }
        if (n == 0) {
            fprintf(stderr, "server closed the connection after %zu of %d bytes\n",
                    got, FRAME_SIZE);
            close(fd);
            return 1;
        }
        got += (size_t) n;
    }
    // end::recv[]

    // tag::print[]
    printf("from server: %s\n", reply);       /* %s stops at the first NUL */
    close(fd);
    return 0;
    // end::print[]
}
