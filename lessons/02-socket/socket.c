/* Lesson 02: socket() in C, the call the Java lab mirrors.
 * Build and run (Linux or macOS):  cc -o socket socket.c && ./socket
 * It creates one socket of each kind the lesson's table lists and prints each descriptor. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_ether.h>
#endif

/* tag::one[] */
static int make(int domain, int type, int protocol, const char *what)
{
    int sockfd = socket(domain, type, protocol);   /* 0: the default protocol of the domain and type */
    if (sockfd == -1) {
        /* The C program learns of failure from the return value -1; errno says why. */
        fprintf(stderr, "%s: fail to socket: %s\n", what, strerror(errno));
        return -1;
    }
    printf("%-22s sockfd = %d\n", what, sockfd);
    return sockfd;
}
/* end::one[] */

int main(void)
{
    /* tag::all[] */
    int fds[] = {
        make(AF_INET,  SOCK_STREAM, 0, "AF_INET   SOCK_STREAM"),   /* TCP over IPv4 */
        make(AF_INET6, SOCK_STREAM, 0, "AF_INET6  SOCK_STREAM"),   /* TCP over IPv6 */
        make(AF_UNIX,  SOCK_STREAM, 0, "AF_UNIX   SOCK_STREAM"),   /* a local stream */
        make(AF_INET,  SOCK_DGRAM,  0, "AF_INET   SOCK_DGRAM"),    /* UDP over IPv4 */
        make(AF_INET6, SOCK_DGRAM,  0, "AF_INET6  SOCK_DGRAM"),    /* UDP over IPv6 */
        make(AF_UNIX,  SOCK_DGRAM,  0, "AF_UNIX   SOCK_DGRAM"),    /* local datagrams */
        /* Raw sockets have no default protocol: name one. Without root: "Operation not permitted". */
        make(AF_INET,  SOCK_RAW, IPPROTO_ICMP, "AF_INET   SOCK_RAW"),
#ifdef __linux__
        make(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL), "AF_PACKET SOCK_RAW"),  /* whole frames; root too */
#endif
    };
    /* end::all[] */
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (fds[i] != -1) {
            close(fds[i]);
        }
    }
    return 0;
}
