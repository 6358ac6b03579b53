/*
 * deadline_server.c: Lesson 06's thread-per-client frame server, hardened as Lesson 09 hardens Lab 09's.
 *
 * Each frame must arrive whole within <request_ms> of the conversation's start or of the previous reply (poll()
 * with the time that is left, before every recv), each reply must be taken within <write_ms> (SO_SNDTIMEO), and
 * every accepted socket has TCP_NODELAY and SO_KEEPALIVE on (with Linux's TCP_KEEPIDLE where it exists).
 *
 *   cc -Wall -Wextra -O2 -pthread -o deadline_server deadline_server.c
 *   ./deadline_server 127.0.0.1 0 5000 5000
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define FRAME 128

static int request_ms;
static int write_ms;

/* Milliseconds on a clock that never jumps: the C twin of System.nanoTime(). */
static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// tag::readbefore[]
/*
 * Reads exactly n bytes before `deadline` (a now_ms() value): returns n, 0 at a clean end of stream before the
 * first byte, -1 for an error, an end in the middle, or a deadline that passed. poll() waits at most the time
 * that is LEFT, recomputed before every recv: a peer that trickles a byte now and then cannot stretch it.
 */
static ssize_t read_before(int fd, char *buf, size_t n, long long deadline)
{
    size_t have = 0;
    while (have < n) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            return -1;                     /* the deadline passed: no whole frame in time */
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = poll(&p, 1, (int) left);
        if (ready == 0) {
            return -1;                     /* nothing came in the time left */
        }
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        ssize_t got = recv(fd, buf + have, n - have, 0);
        if (got <= 0) {
            return (got == 0 && have == 0) ? 0 : -1;
        }
        have += (size_t) got;
    }
    return (ssize_t) n;
}
// end::readbefore[]

// tag::options[]
/* The options Lab 09 sets on every accepted socket, and the write bound C has built in. */
static int harden(int fd)
{
    int on = 1;
    struct timeval w = { .tv_sec = write_ms / 1000, .tv_usec = (write_ms % 1000) * 1000 };
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == -1
            || setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == -1
            || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &w, sizeof w) == -1) {   /* a blocked send gives up */
        return -1;
    }
#ifdef TCP_KEEPIDLE
    int idle = 60, interval = 10, count = 5;   /* probe after 60 s idle, every 10 s, give up after 5 */
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == -1
            || setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval) == -1
            || setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count) == -1) {
        return -1;
    }
#endif
    return 0;
}
// end::options[]

/* One conversation, on a thread of its own; the descriptor comes in the pointer-sized argument. */
static void *converse(void *arg)
{
    int fd = (int) (intptr_t) arg;
    char frame[FRAME], both[FRAME + 8], reply[FRAME];
    if (harden(fd) == 0) {
        while (read_before(fd, frame, FRAME, now_ms() + request_ms) == FRAME) {
            frame[FRAME - 1] = '\0';
            snprintf(both, sizeof both, "%s *_*", frame);
            memset(reply, 0, FRAME);
            memcpy(reply, both, strnlen(both, FRAME - 1));
            /* SO_SNDTIMEO: a send blocked for write_ms returns -1 with EAGAIN; the conversation ends. */
            if (send(fd, reply, FRAME, MSG_NOSIGNAL) != FRAME) {
                break;
            }
        }
    }
    close(fd);
    return NULL;
}

int main(int argc, char const *argv[])
{
    if (argc != 5 || atoi(argv[3]) <= 0 || atoi(argv[4]) <= 0) {
        fprintf(stderr, "Usage: %s <ip> <port> <request_ms> <write_ms>\n", argv[0]);
        return 2;
    }
    request_ms = atoi(argv[3]);
    write_ms = atoi(argv[4]);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "Usage: %s <ip> <port> <request_ms> <write_ms>\n", argv[0]);
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
        pthread_detach(thread);
    }
}
