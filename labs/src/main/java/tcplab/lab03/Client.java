package tcplab.lab03;

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
 *   <li>{@link #run}: the program around it. Every failure is ONE plain line on {@code err} and a non-zero exit
 *       code, never a stack trace ("When things go wrong").</li>
 * </ol>
 * Text is UTF-8 everywhere, and you say so every time ("Text is bytes: say UTF-8").
 */
public final class Client {

    /** Every message is exactly this many bytes on the wire. */
    static final int FRAME_SIZE = 128;

    /** How long {@link #main} waits for the handshake. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** How long {@link #main} waits for the reply. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private Client() {}

    // tag::main[]
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** The program, with the default read timeout. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, READ_TIMEOUT);
    }
    // end::main[]

    /**
     * The program; returns its exit code. Fewer than two arguments: print {@code Usage: client <ip> <port>} on
     * {@code err} and return 1. Otherwise read one line from {@code in}, {@link #exchange} it (with
     * {@link #CONNECT_TIMEOUT} and {@code readTimeout}) and print {@code from server: <text>} on {@code out}.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Duration readTimeout)
            throws Exception {
        throw new UnsupportedOperationException("TODO: usage line, read one line (UTF-8), exchange it, print");
    }

    /**
     * The 128-byte frame for {@code text}: its UTF-8 bytes, then NULs. A text longer than 127 bytes in UTF-8
     * (count bytes, not characters) does not fit: throw an {@link IllegalArgumentException} that says so.
     */
    static byte[] frame(String text) {
        throw new UnsupportedOperationException("TODO: text's UTF-8 bytes, padded with NULs to 128");
    }

    /** The text of a frame: its bytes up to the first NUL (or all of them), decoded as UTF-8. */
    static String text(byte[] frame) {
        throw new UnsupportedOperationException("TODO: decode the bytes before the first NUL");
    }

    /**
     * Reads exactly 128 bytes, however many reads that takes. If the stream ends first, throw an
     * {@link java.io.EOFException} whose message says how many bytes came.
     */
    static byte[] readFrame(InputStream in) throws IOException {
        throw new UnsupportedOperationException("TODO: read until you have all 128 bytes");
    }

    /**
     * Connects to {@code host:port}, sends {@code text} as one frame, reads one frame and returns its text.
     * Gives up connecting after {@code connectTimeout} and waiting for bytes after {@code readTimeout}. A text that
     * does not fit is refused before anything is sent. Closes the socket whatever happens.
     */
    static String exchange(String host, int port, String text, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        throw new UnsupportedOperationException("TODO: connect, write one frame, read one frame");
    }
}
