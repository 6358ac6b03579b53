package tcplab.lab02;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.NetworkChannel;

/**
 * Lab 02: C's {@code socket(domain, type, 0)}, in Java.
 *
 * <p>Build two things (the lesson explains both: "Each domain and type, in Java" and "What Java cannot open"):
 *
 * <ol>
 *   <li>{@link #open}: open the channel that matches a (domain, type) pair, or refuse a pair Java cannot open with
 *       an {@link UnsupportedOperationException} whose message says <em>why</em>.</li>
 *   <li>{@link #run}: the program {@code ./tcplab run 02 inet stream}, which opens one socket and prints its
 *       descriptor number like the C example prints {@code sockfd = N} (section "The program: sockfd = N").</li>
 * </ol>
 */
public final class NewSocket {

    private NewSocket() {}

    // tag::open[]
    /**
     * Opens a new, unbound, unconnected socket of {@code domain} and {@code type}, as
     * {@code socket(domain, type, 0)} does in C.
     *
     * <ul>
     *   <li>STREAM in UNIX, INET and INET6: a {@link java.nio.channels.SocketChannel} of that protocol family.</li>
     *   <li>DGRAM in INET and INET6: a {@link java.nio.channels.DatagramChannel} of that protocol family.</li>
     *   <li>Anything else (PACKET, RAW, UNIX datagrams): nothing is opened; throw an
     *       {@link UnsupportedOperationException} whose message names the domain and the type asked for (by enum
     *       name, C name or plain word: INET, AF_INET or IPv4; DGRAM, SOCK_DGRAM or datagram) and says why Java
     *       cannot, in at least three words of its own ("Java cannot open", "not supported" and "socket" do not
     *       count).</li>
     * </ul>
     *
     * @return the open channel; the caller closes it
     * @throws IOException if the system refuses to create the socket (C's -1 and errno)
     */
    public static NetworkChannel open(Domain domain, Type type) throws IOException {
        // end::open[]
        throw new UnsupportedOperationException("TODO: open the channel for " + domain + "/" + type
                + ", or refuse the pair with a message that says why");
    }

    /**
     * The program. Arguments: {@code <domain> <type>}, e.g. {@code inet stream} ({@link Domain#parse} and
     * {@link Type#parse} read them). Its exit codes are the kit's, the same in every lab (lesson 02, "Exit codes").
     *
     * <ul>
     *   <li>Opens the socket with {@link #open} and, while it is open, prints to {@code out}
     *       {@code sockfd = N}, where N is the descriptor number the kernel gave it: on Linux
     *       {@code tcplab.kit.Inspector} finds it (take {@code Inspector.descriptors()} before opening and
     *       {@code Inspector.openedSince(before)} after). Where {@code Inspector.available()} is false, print one
     *       line that starts with {@code sockfd:} and says the JDK hides the number instead.</li>
     *   <li>Then one line {@code type = X}, where X is the channel's kind ({@code SocketChannel} or
     *       {@code DatagramChannel}), then closes the socket and returns 0.</li>
     *   <li>Not exactly two arguments, or a word {@code parse} rejects: nothing on {@code out}, a line containing
     *       {@code Usage: NewSocket <domain> <type>} on {@code err}, return 2.</li>
     *   <li>A socket that cannot be opened (a pair Java cannot open, or the system says no): nothing on
     *       {@code out}, one line on {@code err}: {@code fail to socket: } and the message of the exception (no
     *       stack trace), return 1.</li>
     * </ul>
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        throw new UnsupportedOperationException("TODO: parse <domain> <type>, open the socket, print sockfd = N");
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }
}
