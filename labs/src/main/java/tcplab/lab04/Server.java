package tcplab.lab04;

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
 *   <li>binds a listening socket to {@code <ip>:<port>} with a backlog of {@link #BACKLOG} and prints
 *       {@code listening on <ip>:<port>} with the port it REALLY got (so port 0 is useful);</li>
 *   <li>accepts one client and prints {@code ip:<client address>, port:<client port>};</li>
 *   <li>reads one frame and prints {@code from client: <text>};</li>
 *   <li>sends {@code reply(text)} back as a frame;</li>
 *   <li>closes the accepted socket, then the listener, and returns 0.</li>
 * </ol>
 * When something goes wrong it prints ONE plain line on {@code err} (never a stack trace) and returns non-zero:
 * 2 for a usage error (wrong number of arguments, an address that is not an IP address, a port that is not a number
 * from 0 to 65535: say "usage" in that line), 1 when the network says no (the port is in use: name the address and
 * port; no client within {@code acceptTimeout}; the client left before sending a whole frame: say how many bytes
 * came; no whole frame within {@code readTimeout}).
 *
 * <p>Grade it with {@code ./tcplab check 04}; run it by hand with {@code ./tcplab run 04 127.0.0.1 0}.
 */
public final class Server {

    /** One message on the wire: the text's UTF-8 bytes, then NULs up to 128 bytes. */
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
     * The program (see the class comment). Wait at most {@code acceptTimeout} for a client and at most
     * {@code readTimeout} for its frame: {@code ServerSocket.setSoTimeout} before {@code accept},
     * {@code Socket.setSoTimeout} before reading ("Waiting, but not forever" in the lesson).
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err,
                          Duration acceptTimeout, Duration readTimeout) throws Exception {
        throw new UnsupportedOperationException("TODO: check the arguments, bind and listen, print where, accept one "
                + "client, read its frame, send the reply, close both sockets");
    }

    /** The 128-byte frame for {@code text}: its UTF-8 bytes, then NULs. Text longer than 127 bytes is an error. */
    public static byte[] frame(String text) {
        throw new UnsupportedOperationException("TODO: the text's UTF-8 bytes, padded with NULs to 128 bytes");
    }

    /**
     * Reads one whole frame, however the bytes arrive (one read may bring fewer than 128), and returns its text up
     * to the first NUL, decoded as UTF-8.
     *
     * @throws java.io.EOFException if the stream ends before 128 bytes came; its message says how many came
     */
    public static String readFrame(InputStream in) throws java.io.IOException {
        throw new UnsupportedOperationException("TODO: read until you have 128 bytes, then take the text up to NUL");
    }

    /**
     * The answer to {@code text}: the text followed by {@link #SMILE}, cut so that its UTF-8 form fits in 127 bytes
     * (a C peer needs the closing NUL), and never in the middle of a character.
     */
    public static String reply(String text) {
        throw new UnsupportedOperationException("TODO: text + SMILE, at most 127 UTF-8 bytes, whole characters only");
    }
}
