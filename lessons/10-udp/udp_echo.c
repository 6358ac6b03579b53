/*
 * Lesson 10: the UDP server of Lab 10's protocol, in C.
 *
 *   cc -Wall -Wextra -O2 -o udp_echo lessons/10-udp/udp_echo.c && ./udp_echo 127.0.0.1 0
 *
 * A request is one datagram: a 4-byte big-endian id, then UTF-8 text. The reply is one datagram: the same id, the
 * same text, then " *_*" (cut to 512 bytes, the protocol's largest datagram). No connection, no accept(), no
 * thread per client: one socket, one loop, and every datagram carries the address to answer.
 *
 * Exit codes as in the Java labs: 2 for a usage error, 1 when the socket cannot be bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM 512

int main(int argc, char *argv[])
{
    if (argc != 3) {
        fprintf(stderr, "Usage: udp_echo <ip> <port>\n");
        return 2;
    }
    char *end;
    long port = strtol(argv[2], &end, 10);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    if (*argv[2] == '\0' || *end != '\0' || port < 0 || port > 65535
            || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "udp_echo: bad address or port. Usage: udp_echo <ip> <port>\n");
        return 2;
    }
    addr.sin_port = htons((unsigned short) port);

    // tag::socket[]
    int fd = socket(AF_INET, SOCK_DGRAM, 0);          /* SOCK_DGRAM: UDP, datagrams, no connection */
    if (fd < 0 || bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        fprintf(stderr, "udp_echo: cannot bind %s:%ld: %s\n", argv[1], port, strerror(errno));
        return 1;
    }
    // end::socket[]
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *) &addr, &len);  /* the port the system picked, for port 0 */
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);

    // tag::loop[]
    char buf[MAX_DATAGRAM];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof from;
        /* One recvfrom is one whole datagram (cut to the buffer), and says who sent it. */
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fromlen);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("udp_echo: recvfrom");
            return 1;
        }
        if (n < 4) {
            continue;                                  /* no id: not a request, nothing to answer */
        }
        size_t room = sizeof buf - (size_t) n;         /* the id and text stay as they came */
        memcpy(buf + n, " *_*", room < 4 ? room : 4);
        n += room < 4 ? (ssize_t) room : 4;
        /* One sendto is one datagram, to the address recvfrom gave; a lost one is the client's to retry. */
        if (sendto(fd, buf, (size_t) n, 0, (struct sockaddr *) &from, fromlen) < 0) {
            perror("udp_echo: sendto");
        }
    }
    // end::loop[]
}
