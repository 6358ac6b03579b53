package tcplab.lab04;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Lab 04: the source tutorial's server, in Java. Lesson 04 explains every step ("The server in Java, call by
 * call"); the protocol is the one from lesson 03: a message is one 128-byte frame, the text's UTF-8 bytes and then
 * NUL bytes.
 *
 * <p>{@code Server <ip> <port>} does this, once:
 * <ol>
 *   <li>binds a listening socket to {@code <ip>:<port>} (that address only, never the wildcard) with a backlog of
 *       {@link #BACKLOG}; prints {@code listening on <address>:<port>} with the address and the port it REALLY got
 *       (so port 0 is useful), the address as {@code getHostAddress()} writes it and in brackets when it is IPv6
 *       ({@code listening on 127.0.0.1:5555}, {@code listening on [0:0:0:0:0:0:0:1]:5555}); then flushes
 *       {@code out} (whoever started the server waits for that line, and {@code out} may be buffered);</li>
 *   <li>accepts one client and prints {@code ip:<client address>, port:<client port>}: the client's end, not the
 *       server's, the address as {@code getHostAddress()} writes it, no brackets;</li>
 *   <li>reads one frame and prints {@code from client: <text>}, the text being {@code text(readFrame(in))};</li>
 *   <li>then sends {@code frame(reply(text))} back on the accepted socket;</li>
 *   <li>closes the accepted socket, then the listener, and returns 0.</li>
 * </ol>
 * Exit codes follow the kit's convention (lesson 02), and no socket is left open whatever happens.
 * <ul>
 *   <li>2, a usage error: not exactly two arguments; an {@code <ip>} that {@code InetAddress.getByName} cannot
 *       turn into an address ({@code ::zz}, {@code nosuchhost.invalid}); a port that is not a number from 0 to
 *       65535. A line containing {@code Usage: Server <ip> <port>} on {@code err}, nothing on {@code out}.</li>
 *   <li>1, the network or the client said no: the port is in use (the line names the address and the port); no
 *       client within {@code acceptTimeout}; the client left before its frame was whole (the line says how many
 *       bytes came) or reset the connection; no byte for {@code readTimeout}; the reply could not be sent. ONE
 *       plain line on {@code err}, never a stack trace.</li>
 * </ul>
 *
 * <p>Grade it with {@code ./tcplab check 04}; run it by hand with {@code ./tcplab run 04 127.0.0.1 0}.
 */
public final class Server {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    /** What the server appends to the client's text. */
    public static final String SMILE = " *_*";

    /** How many finished connections may wait for accept, as in the source's {@code listen(sockfd, 10)}. */
    public static final int BACKLOG = 10;

    // A person running the server by hand gets time to start a client; the checks pass much shorter limits.
    static final Duration ACCEPT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private Server() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** The program with generous time limits, as a person would run it. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, ACCEPT_TIMEOUT, READ_TIMEOUT);
    }

    /**
     * The program (see the class comment). {@code accept} waits at most {@code acceptTimeout} for a client
     * ({@code ServerSocket.setSoTimeout} before it), and each read of the frame at most {@code readTimeout} for
     * its next bytes ({@code Socket.setSoTimeout} on the accepted socket before reading): a client that says
     * nothing, or stops in the middle of its frame, is given up after {@code readTimeout}. "Waiting, but not
     * forever" in the lesson.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err,
                          Duration acceptTimeout, Duration readTimeout) throws Exception {
        throw new UnsupportedOperationException("TODO: check the arguments, bind and listen, print where, accept one "
                + "client, read its frame, send the reply, close both sockets");
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
     * The answer to {@code text}: the text followed by {@link #SMILE}, cut so that its UTF-8 form fits in 127 bytes
     * (a C peer needs the closing NUL), and never in the middle of a character.
     */
    public static String reply(String text) {
        throw new UnsupportedOperationException("TODO: text + SMILE, at most 127 UTF-8 bytes, whole characters only");
    }
}
