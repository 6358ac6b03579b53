/*
 * fork_server.c: Lesson 06's frame server in its oldest form, one process per client.
 *
 * It listens on [ip] [port] and serves every client at once with the frame protocol of Lessons 03 to 05: each
 * 128-byte frame (the text, then NUL bytes) is answered with the text followed by " *_*" in a 128-byte frame,
 * until the client closes. The parent only accepts; each child talks to one client and exits.
 *
 *   cc -Wall -Wextra -O2 -o fork_server fork_server.c
 *   ./fork_server 127.0.0.1 0        (port 0: the kernel picks a free port; the program prints which)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define FRAME 128

/* Reads exactly n bytes; returns n, 0 at a clean end of stream before the first byte, -1 otherwise. */
static ssize_t read_frame(int fd, char *buf, size_t n)
{
    size_t have = 0;
    while (have < n) {
        ssize_t got = recv(fd, buf + have, n - have, 0);
        if (got <= 0) {
            return (got == 0 && have == 0) ? 0 : -1;
        }
        have += (size_t) got;
    }
    return (ssize_t) n;
}

/* One conversation: frames and replies until the client closes. */
static void converse(int fd)
{
    char frame[FRAME], both[FRAME + 8], reply[FRAME];
    /* Every recv() waits at most a minute, as the Java server's reads (its readTimeout): a silent client is dropped. */
    struct timeval limit = { .tv_sec = 60, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    while (read_frame(fd, frame, FRAME) == FRAME) {
        frame[FRAME - 1] = '\0';
        snprintf(both, sizeof both, "%s *_*", frame);   /* then cut to 127 bytes, NUL-padded */
        memset(reply, 0, FRAME);
        memcpy(reply, both, strnlen(both, FRAME - 1));
        if (send(fd, reply, FRAME, 0) != FRAME) {
            break;
        }
    }
}

int main(int argc, char const *argv[])
{
    if (argc != 3) {
        fprintf(stderr, "Usage: %s <ip> <port>\n", argv[0]);
        return 2;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "Usage: %s <ip> <port>\n", argv[0]);
        return 2;
    }
    int listenfd = socket(AF_INET, SOCK_STREAM, 0);
    if (listenfd == -1 || bind(listenfd, (struct sockaddr *) &addr, sizeof addr) == -1
            || listen(listenfd, 10) == -1) {
        perror("fail to listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listenfd, (struct sockaddr *) &addr, &len);
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);

    // tag::fork[]
    signal(SIGCHLD, SIG_IGN);             /* children that exit are reaped by the kernel: no zombies */
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd == -1) {
            perror("fail to accept");
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {                   /* the child: one client, then exit */
            close(listenfd);              /* the listener is the parent's business */
            converse(connfd);
            close(connfd);
            _exit(0);
        }
        if (pid == -1) {
            perror("fail to fork");
        }
        close(connfd);                    /* the parent's copy: or the connection never ends */
    }
    // end::fork[]
}
