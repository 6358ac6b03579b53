/* Lesson 02: the source's first example, written again: create one TCP socket over IPv4 and print its descriptor.
 * Build and run:  cc -o sockfd sockfd.c && ./sockfd */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* tag::prototype[] */
int socket(int domain, int type, int protocol);   /* from <sys/socket.h>: a descriptor, or -1 */
/* end::prototype[] */

int main(void)
{
    /* tag::main[] */
    int sockfd = socket(AF_INET, SOCK_STREAM, 0);
    if (sockfd == -1) {
        perror("fail to socket");   /* your words, ": ", then what errno says */
        exit(1);
    }
    printf("sockfd = %d\n", sockfd);
    close(sockfd);
    /* end::main[] */
    return 0;
}
