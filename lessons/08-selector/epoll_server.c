/*
 * epoll_server.c: Lesson 08's frame server on one thread, with epoll (Linux).
 *
 * The C twin of SelectorFrameServer.java, and the same protocol as lesson 06's servers: every 128-byte frame a
 * client sends is answered with its text and " *_*", cut to 127 bytes at a character boundary, NUL-padded. Every
 * socket is non-blocking; epoll_wait says which ones are ready; each connection keeps its own buffers.
 *
 *   cc -Wall -Wextra -O2 -o epoll_server epoll_server.c
 *   ./epoll_server 127.0.0.1 0
 */
#define _GNU_SOURCE                        /* accept4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define FRAME 128
#define BUFFER (64 * FRAME)                /* a read brings at most 64 whole frames; their replies fit in out */

// tag::connection[]
/* One connection's own state, found again through epoll's data.ptr. */
struct connection {
    int fd;
    char in[BUFFER];                       /* bytes read, not yet a whole frame: in[0 .. inlen) */
    size_t inlen;
    char out[BUFFER];                      /* replies the kernel has not taken yet: out[outpos .. outlen) */
    size_t outpos, outlen;
};
// end::connection[]

/* The reply frame to one frame, byte for byte what the Java servers send. */
static void reply(const char *frame, char *out)
{
    char both[FRAME + 4];
    size_t len = strnlen(frame, FRAME);
    memcpy(both, frame, len);
    memcpy(both + len, " *_*", 4);
    size_t total = len + 4;
    size_t end = total < FRAME - 1 ? total : FRAME - 1;
    while (end < total && end > 0 && ((unsigned char) both[end] & 0xC0) == 0x80) {
        end--;                             /* never cut a character in half: back up to its first byte */
    }
    memset(out, 0, FRAME);
    memcpy(out, both, end);
}

static void drop(int epfd, struct connection *c)
{
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);   /* close() would do it too, unless the fd was duplicated */
    close(c->fd);
    free(c);
}

// tag::write[]
/* Gives the kernel as much of out as it takes; asks for EPOLLOUT only while some is left. */
static int flush_out(int epfd, struct connection *c)
{
    while (c->outpos < c->outlen) {
        ssize_t n = send(c->fd, c->out + c->outpos, c->outlen - c->outpos, MSG_NOSIGNAL);
        if (n == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;                     /* the send buffer is full: the rest waits for EPOLLOUT */
            }
            return -1;                     /* the peer reset or left: MSG_NOSIGNAL made it an error, not SIGPIPE */
        }
        c->outpos += (size_t) n;
    }
    struct epoll_event ev = { .data.ptr = c };
    if (c->outpos < c->outlen) {
        ev.events = EPOLLOUT;              /* stop reading this client until it takes its replies */
    } else {
        c->outpos = c->outlen = 0;
        ev.events = EPOLLIN;               /* all sent: EPOLLOUT now would be ready on every epoll_wait */
    }
    return epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}
// end::write[]

// tag::read[]
/* The socket was readable: take what the kernel has, answer every whole frame, keep the rest for later. */
static int on_readable(int epfd, struct connection *c)
{
    ssize_t n = recv(c->fd, c->in + c->inlen, BUFFER - c->inlen, 0);
    if (n == 0) {
        return -1;                         /* end of stream: the client has said all it will say */
    }
    if (n == -1) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;   /* nothing after all, or a reset */
    }
    c->inlen += (size_t) n;
    size_t used = 0;
    while (c->inlen - used >= FRAME) {
        reply(c->in + used, c->out + c->outlen);
        c->outlen += FRAME;
        used += FRAME;
    }
    memmove(c->in, c->in + used, c->inlen - used);   /* keep a partial frame's bytes at the start */
    c->inlen -= used;
    return flush_out(epfd, c);
}
// end::read[]

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
    int listenfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    if (listenfd == -1 || setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1
            || bind(listenfd, (struct sockaddr *) &addr, sizeof addr) == -1 || listen(listenfd, 1024) == -1) {
        perror("fail to listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listenfd, (struct sockaddr *) &addr, &len);
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);

    int epfd = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };   /* NULL marks the listener */
    if (epfd == -1 || epoll_ctl(epfd, EPOLL_CTL_ADD, listenfd, &ev) == -1) {
        perror("fail to epoll");
        return 1;
    }
    // tag::loop[]
    struct epoll_event ready[256];
    for (;;) {
        int count = epoll_wait(epfd, ready, 256, -1);   /* blocks until some socket is ready */
        if (count == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("fail to epoll_wait");
            return 1;
        }
        for (int i = 0; i < count; i++) {
            struct connection *c = ready[i].data.ptr;
            if (c == NULL) {               /* the listener: accept every waiting client, non-blocking */
                int fd;
                while ((fd = accept4(listenfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
                    c = calloc(1, sizeof *c);
                    struct epoll_event cev = { .events = EPOLLIN, .data.ptr = c };
                    if (c == NULL || (c->fd = fd, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev)) == -1) {
                        close(fd);
                        free(c);
                    }
                }
                continue;                  /* EAGAIN: no one else is waiting (or EMFILE: try again later) */
            }
            int failed = (ready[i].events & (EPOLLERR | EPOLLHUP)) && !(ready[i].events & EPOLLIN);
            if (failed || ((ready[i].events & EPOLLIN) ? on_readable(epfd, c) : flush_out(epfd, c)) == -1) {
                drop(epfd, c);             /* this client is done or went wrong: the others go on */
            }
        }
    }
    // end::loop[]
}
