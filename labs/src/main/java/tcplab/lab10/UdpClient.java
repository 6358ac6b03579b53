package tcplab.lab10;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Lab 10: a request/response client over UDP that stays correct when datagrams are lost, duplicated or late.
 *
 * <pre>
 *   cc -o udp_echo lessons/10-udp/udp_echo.c &amp;&amp; ./udp_echo 127.0.0.1 5555      (one terminal)
 *   ./tcplab run 10 127.0.0.1 5555       (another; type lines, Ctrl-D ends)
 *   hello *_*
 * </pre>
 *
 * <p>The protocol, both ways one datagram of at most {@link #MAX_DATAGRAM} bytes: a <b>request</b> is a 4-byte
 * big-endian id, then the text's UTF-8 bytes (at most 508); the <b>reply</b> is the same 4-byte id, then the
 * answer's UTF-8 bytes (the lesson's servers answer {@code text + " *_*"}). A client's ids are 1, 2, 3, …: one per
 * {@link #ask}, the same id on every attempt of that ask (lesson: "A request/response protocol over UDP").
 *
 * <p>Work in this order; {@code ./tcplab check 10} follows it.
 * <ol>
 *   <li>The constructor, then {@link #ask} with one attempt: send, receive, decode.</li>
 *   <li>Retries with backoff, and replies whose id is not the current one dropped ("Loss, duplicates, late
 *       replies").</li>
 *   <li>{@link #run}: the program around it, with the kit's exit codes (lesson 02).</li>
 * </ol>
 */
public final class UdpClient implements AutoCloseable {

    /** The largest datagram of this protocol, either way: a 4-byte id and at most 508 bytes of UTF-8 text. */
    public static final int MAX_DATAGRAM = 512;

    /** How long {@link #main}'s first attempt waits for its reply. */
    static final Duration TIMEOUT = Duration.ofMillis(500);

    /** How many datagrams {@link #main} sends for one request before it gives up. */
    static final int ATTEMPTS = 5;

    // tag::fields[]
    private DatagramSocket socket;  // connected to the server
    private Duration timeout;       // how long the first attempt waits
    private int attempts;           // how many times one request is sent, at most
    private int nextId = 1;         // the id of the next ask
    // end::fields[]

    /**
     * Opens a UDP socket on a port the system picks and connects it to {@code server}: from then on the kernel
     * delivers only the server's datagrams to it, and a "port unreachable" from the server's host comes back as a
     * {@link java.net.PortUnreachableException} from {@code receive}. Keeps {@code timeout} and {@code attempts}
     * (at least 1) for {@link #ask}.
     */
    public UdpClient(InetSocketAddress server, Duration timeout, int attempts) throws IOException {
        throw new UnsupportedOperationException("TODO: open a DatagramSocket, connect it, keep the settings");
    }

    // tag::todo[]
    /**
     * Sends {@code text} as the next request and returns the answer of its reply.
     * <ul>
     *   <li>A text of more than 508 bytes in UTF-8 is refused with an {@link IllegalArgumentException} before
     *       anything is sent (and uses no id).</li>
     *   <li>Attempt 1 sends the request and waits up to {@code timeout} for a reply with its id; attempt k waits
     *       twice as long as attempt k - 1 ({@code timeout * 2^(k-1)}), counted from its own send. Replies with
     *       another id (a duplicate or a late reply to an earlier request), and datagrams of fewer than 4 bytes, are
     *       dropped, and the wait goes on until the same deadline: they do not make it longer.</li>
     *   <li>A reply is read whole: a buffer of {@link #MAX_DATAGRAM} bytes, and the answer is the bytes after the
     *       id, as many as the datagram held, decoded as UTF-8.</li>
     *   <li>After {@code attempts} sends without a reply, throw a {@link java.net.SocketTimeoutException} whose
     *       message says how many attempts were made: {@code no reply after 5 attempts}. That is
     *       {@code timeout * (2^attempts - 1)} after the first send.</li>
     *   <li>Any other failure (a {@link java.net.PortUnreachableException}, a closed socket) is the
     *       {@link IOException} it raises.</li>
     * </ul>
     */
    public String ask(String text) throws IOException {
        throw new UnsupportedOperationException("TODO: send the request, wait with backoff, check the id");
    }
    // end::todo[]

    /** Closes the socket. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO: close the socket");
    }

    public static void main(String[] args) throws Exception {
        // Text goes out as UTF-8 too, whatever charset the platform gives System.out and System.err.
        var out = new PrintStream(System.out, true, UTF_8);
        var err = new PrintStream(System.err, true, UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** The program, with {@link #TIMEOUT} and {@link #ATTEMPTS}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, TIMEOUT, ATTEMPTS);
    }

    /**
     * The program; returns its exit code, the kit's convention (lesson 02).
     * <ul>
     *   <li><b>2</b>, a usage error, found before anything is sent: not exactly two arguments {@code <ip> <port>},
     *       an {@code <ip>} that is neither an IP address nor a name of one, a port that is not a whole number
     *       from 1 to 65535. A line containing {@code Usage: UdpClient <ip> <port>} on {@code err}, nothing on
     *       {@code out}.</li>
     *   <li><b>0</b>: every line of {@code in} (UTF-8) was asked with a {@code UdpClient} made with
     *       {@code timeout} and {@code attempts}, in order, and each answer printed on {@code out}, one line
     *       each.</li>
     *   <li><b>1</b>, a failure at run time: no reply after all attempts, a port unreachable, a line too long to
     *       send, {@code in} that cannot be read. The answers before it are printed; then ONE plain line on
     *       {@code err} that names the server ({@code <ip>:<port>}) and says what happened; never a stack
     *       trace.</li>
     * </ul>
     * The client's socket is closed before {@code run} returns, whatever happened.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Duration timeout,
            int attempts) throws Exception {
        throw new UnsupportedOperationException("TODO: usage, then ask every line and print the answers");
    }
}
