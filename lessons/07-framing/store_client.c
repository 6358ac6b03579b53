/*
 * store_client.c: Lesson 07's client in C. It sends one request to the key-value store of Lab 07 and prints the
 * reply. Every message, both ways, is a 4-byte length in network byte order (htonl on the way out, ntohl on the
 * way in), then that many bytes of body.
 *
 *   cc -Wall -Wextra -O2 -o store_client store_client.c
 *   ./store_client 127.0.0.1 PORT PUT colour blue
 *   ./store_client 127.0.0.1 PORT GET colour
 *
 * Exit codes as in the kit: 0 with a reply printed, 1 when the network or the server said no, 2 for a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX 65536                          /* the largest body, as Messages.MAX */

static unsigned char message[4 + MAX];     /* one message on its way out: length, then body */
static char reply[MAX + 1];                /* one reply's body, and a NUL to print it */

/* Sends all n bytes: send() may take fewer than it is given. Returns 0, or -1 on an error. */
static int send_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t sent = send(fd, p, n, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += sent;
        n -= (size_t) sent;
    }
    return 0;
}

// tag::exactly[]
/*
 * Reads exactly n bytes, however they arrive: recv() returns what has come so far, 1 byte or all of them.
 * Returns n; 0 if the stream ended before the first byte; -1 if it ended in the middle, or on an error.
 */
static ssize_t recv_exactly(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t have = 0;
    while (have < n) {
        ssize_t got = recv(fd, p + have, n - have, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return (got == 0 && have == 0) ? 0 : -1;
        }
        have += (size_t) got;
    }
    return (ssize_t) n;
}
// end::exactly[]

// tag::send[]
/* Sends one message: the length in network byte order, then the body, in one send. */
static int send_message(int fd, const char *body, uint32_t n)
{
    uint32_t length = htonl(n);            /* host order (little-endian on x86 and ARM) to big-endian */
    memcpy(message, &length, 4);
    memcpy(message + 4, body, n);
    return send_all(fd, message, 4 + (size_t) n);
}
// end::send[]

// tag::recv[]
/* Receives one message into reply; returns its length, or -1 (a short stream, or a length above MAX). */
static long recv_message(int fd)
{
    uint32_t length;
    if (recv_exactly(fd, &length, 4) != 4) {
        return -1;
    }
    uint32_t n = ntohl(length);            /* big-endian to host order; unsigned, so "below 0" is "above MAX" */
    if (n > MAX) {
        fprintf(stderr, "store_client: the server sent the length %u, above %d\n", n, MAX);
        return -1;
    }
    if (n > 0 && recv_exactly(fd, reply, n) != (ssize_t) n) {
        return -1;
    }
    reply[n] = '\0';
    return (long) n;
}
// end::recv[]

int main(int argc, char *argv[])
{
    if (argc < 4) {
        fprintf(stderr, "Usage: store_client <ip> <port> <command> [<word>...]\n");
        return 2;
    }
    struct sockaddr_in server;
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    char *end;
    long port = strtol(argv[2], &end, 10);
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "Usage: store_client <ip> <port> <command> [<word>...]\n");
        return 2;
    }
    server.sin_port = htons((uint16_t) port);

    /* The request: the words after the port, joined by single spaces. */
    static char request[MAX + 1];
    size_t used = 0;
    for (int i = 3; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (used + len + (i > 3) > MAX) {
            fprintf(stderr, "store_client: the request is longer than %d bytes\n", MAX);
            return 2;
        }
        if (i > 3) {
            request[used++] = ' ';
        }
        memcpy(request + used, argv[i], len);
        used += len;
    }

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &server, sizeof server) < 0) {
        perror("store_client: connect");
        return 1;
    }
    if (send_message(fd, request, (uint32_t) used) < 0) {
        perror("store_client: send");
        close(fd);
        return 1;
    }
    long n = recv_message(fd);
    close(fd);
    if (n < 0) {
        fprintf(stderr, "store_client: no whole reply from the server\n");
        return 1;
    }
    printf("%s\n", reply);
    return 0;
}
