/*
 * thread_server.c: Lesson 06's frame server with one POSIX thread per client.
 *
 * The same program as fork_server.c, with a thread where that one has a process: the threads share one address
 * space and one descriptor table, so nothing is copied and nothing needs closing twice.
 *
 *   cc -Wall -Wextra -O2 -pthread -o thread_server thread_server.c
 *   ./thread_server 127.0.0.1 0
 */
#include <pthread.h>
#include <stdint.h>
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

// tag::converse[]
/* One conversation, on a thread of its own; the descriptor comes in the pointer-sized argument. */
static void *converse(void *arg)
{
    int fd = (int) (intptr_t) arg;
    char frame[FRAME], both[FRAME + 8], reply[FRAME];   /* this thread's stack: no other thread sees them */
    /* Every recv() waits at most a minute, as the Java server's reads (its readTimeout): a silent client is dropped. */
    struct timeval limit = { .tv_sec = 60, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    while (read_frame(fd, frame, FRAME) == FRAME) {
        frame[FRAME - 1] = '\0';
        snprintf(both, sizeof both, "%s *_*", frame);   /* then cut to 127 bytes, NUL-padded */
        memset(reply, 0, FRAME);
        memcpy(reply, both, strnlen(both, FRAME - 1));
        if (send(fd, reply, FRAME, MSG_NOSIGNAL) != FRAME) {
            break;                         /* MSG_NOSIGNAL: a peer that left is an error here, not a SIGPIPE */
        }
    }
    close(fd);
    return NULL;
}
// end::converse[]

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

    // tag::accept[]
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd == -1) {
            perror("fail to accept");
            continue;
        }
        pthread_t thread;
        int err = pthread_create(&thread, NULL, converse, (void *) (intptr_t) connfd);
        if (err != 0) {
            fprintf(stderr, "fail to pthread_create: %s\n", strerror(err));
            close(connfd);
            continue;
        }
        pthread_detach(thread);            /* nobody joins it: its resources go when it returns */
    }
    // end::accept[]
}
