package tcplab.lab03;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Lab 03: the source's TCP client, in Java.
 *
 * <pre>
 *   ./tcplab run 03 127.0.0.1 5555        then type one line and press Enter
 *   from server: hello *_*
 * </pre>
 *
 * The program connects to {@code <ip> <port>}, reads ONE line from standard input, sends it as one frame, reads
 * one frame back and prints {@code from server: <text>}. A frame is always 128 bytes: the text's UTF-8 bytes,
 * then NUL bytes (lesson: "The frame: 128 bytes, always").
 *
 * <p>Work in this order; {@code ./tcplab check 03} follows it.
 * <ol>
 *   <li>{@link #frame}, {@link #text}: build and take apart a frame ("The frame: 128 bytes, always").</li>
 *   <li>{@link #readFrame}: one write is not one read ("One write is not one read").</li>
 *   <li>{@link #exchange}: connect, write, read ("The whole client, C beside Java").</li>
 *   <li>{@link #run}: the program around it, with the kit's exit codes (lesson 02): 0 when it worked, 1 and ONE
 *       plain line on {@code err} when something failed at run time, 2 and the usage line for bad arguments;
 *       never a stack trace ("When things go wrong").</li>
 * </ol>
 * Text is UTF-8 everywhere, and you say so every time ("Text is bytes: say UTF-8").
 */
public final class Client {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    /** How long {@link #main} waits for the handshake. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** How long {@link #main} waits for the reply. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private Client() {}

    // tag::main[]
    public static void main(String[] args) throws Exception {
        // Text goes out as UTF-8 too, whatever charset the platform gives System.out and System.err.
        var out = new PrintStream(System.out, true, UTF_8);
        var err = new PrintStream(System.err, true, UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** The program, with the default time limits. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, CONNECT_TIMEOUT, READ_TIMEOUT);
    }
    // end::main[]

    /**
     * The program; returns its exit code. {@code <ip>} is an IP address or a host name.
     * <ul>
     *   <li><b>2</b>, a usage error, found before anything else: not exactly two arguments, or a port that is not a
     *       whole number from 1 to 65535. Print a line containing {@code Usage: Client <ip> <port>} on {@code err},
     *       nothing on {@code out}.</li>
     *   <li><b>0</b>: read one line from {@code in} as UTF-8 (input that ends before any line: an empty text),
     *       {@link #exchange} it with {@code connectTimeout} and {@code readTimeout}, and print
     *       {@code from server: <text>} on {@code out}.</li>
     *   <li><b>1</b>, a failure at run time: the line does not fit in a frame (it is input, not an argument),
     *       {@code in} cannot be read, the host is unknown, the connection is refused, connecting or waiting for the
     *       reply times out, the server closes or resets the connection before its whole frame came. Print ONE
     *       plain line on {@code err} saying what happened (with {@code <ip>:<port>} when the connection is
     *       refused, the host when it is unknown, how many bytes came when the reply ends early), nothing on
     *       {@code out}, never a stack trace.</li>
     * </ul>
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Duration connectTimeout,
            Duration readTimeout) throws Exception {
        throw new UnsupportedOperationException("TODO: usage line, read one line (UTF-8), exchange it, print");
    }

    /**
     * The 128-byte frame for {@code text}: its UTF-8 bytes, then NULs. A text longer than 127 bytes in UTF-8
     * (count bytes, not characters; the last byte stays a NUL for a C peer) does not fit: throw an
     * {@link IllegalArgumentException} that says so.
     */
    public static byte[] frame(String text) {
        throw new UnsupportedOperationException("TODO: text's UTF-8 bytes, padded with NULs to 128");
    }

    /** The text of a frame: its bytes up to the first NUL (all of them if there is none), decoded as UTF-8. */
    public static String text(byte[] frame) {
        throw new UnsupportedOperationException("TODO: decode the bytes before the first NUL");
    }

    /**
     * Reads exactly 128 bytes, however many reads that takes, and no byte more (the next bytes belong to the next
     * frame). If the stream ends first, throw an {@link java.io.EOFException} whose message says how many bytes
     * came.
     */
    public static byte[] readFrame(InputStream in) throws IOException {
        throw new UnsupportedOperationException("TODO: read until you have all 128 bytes");
    }

    /**
     * Connects to {@code host:port}, sends {@code text} as one frame, reads one frame and returns its text. A text
     * that does not fit is refused with {@link #frame}'s exception before connecting: no connection, nothing sent. Gives up
     * connecting after {@code connectTimeout}, and waiting for bytes after {@code readTimeout}, with a
     * {@link java.net.SocketTimeoutException}; other failures are the {@link IOException} they raise (refused, unknown
     * host, {@link #readFrame}'s {@link java.io.EOFException}, a reset). Closes the socket whatever happens.
     */
    public static String exchange(String host, int port, String text, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        throw new UnsupportedOperationException("TODO: connect, write one frame, read one frame");
    }
}
