package tcplab.lab03;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reference solution of Lab 03: the source's TCP client in Java.
 *
 * <p>Connects to {@code <ip> <port>}, reads one line from standard input, sends it as one 128-byte frame (UTF-8
 * text, then NULs), reads one 128-byte frame back and prints {@code from server: <text>}.
 */
public final class Client {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    /** How long {@link #main} waits for the handshake. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** How long {@link #main} waits for the reply. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** What a usage error prints (exit code 2). */
    static final String USAGE = "Usage: Client <ip> <port>";

    private Client() {}

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

    /**
     * The program; returns its exit code, by the kit's convention: 2 and the usage line for the wrong number of
     * arguments or a malformed one, 1 and one plain line on {@code err} for a failure at run time, 0 when the reply
     * was printed.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Duration connectTimeout,
            Duration readTimeout) throws Exception {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        String host = args[0];
        int port = parsePort(args[1]);
        if (port == 0) {
            err.println(USAGE + "  (<port> is a whole number from 1 to 65535, not \"" + args[1] + "\")");
            return 2;
        }
        String line;
        try {
            // One line, decoded as UTF-8 whatever the platform's default charset is.
            line = new BufferedReader(new InputStreamReader(in, UTF_8)).readLine();
        } catch (IOException e) {
            err.println("client: cannot read standard input: " + e.getMessage());
            return 1;
        }
        if (line == null) {
            line = ""; // no input at all: like the C client, send an empty text
        }
        String where = host + ":" + port;
        try {
            String reply = exchange(host, port, line, connectTimeout, readTimeout);
            out.println("from server: " + reply);
            return 0;
        } catch (IllegalArgumentException tooLong) {
            err.println("client: " + tooLong.getMessage());
        } catch (ConnectException e) {
            err.println("client: cannot connect to " + where + ": " + e.getMessage());
        } catch (UnknownHostException e) {
            err.println("client: unknown host: " + host);
        } catch (SocketTimeoutException e) {
            err.println("client: " + where + ": gave up waiting (" + e.getMessage() + ")");
        } catch (IOException e) { // readFrame's EOFException ("ended after 50 of 128 bytes"), a reset, ...
            err.println("client: " + where + ": " + e.getMessage());
        }
        return 1;
    }

    /** The 128-byte frame for {@code text}: its UTF-8 bytes, then NULs. Refuses a text of more than 127 bytes. */
    public static byte[] frame(String text) {
        byte[] utf8 = text.getBytes(UTF_8);
        if (utf8.length > FRAME_SIZE - 1) {
            throw new IllegalArgumentException("text too long: " + utf8.length
                    + " bytes in UTF-8, a frame holds at most " + (FRAME_SIZE - 1));
        }
        return Arrays.copyOf(utf8, FRAME_SIZE);
    }

    /** The text of a frame: its bytes up to the first NUL (all 128 if there is none), decoded as UTF-8. */
    public static String text(byte[] frame) {
        int end = 0;
        while (end < frame.length && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, UTF_8);
    }

    /** Reads exactly one frame, however the bytes arrive; an early end of stream is an {@link EOFException}. */
    public static byte[] readFrame(InputStream in) throws IOException {
        byte[] frame = in.readNBytes(FRAME_SIZE);
        if (frame.length < FRAME_SIZE) {
            throw new EOFException("the connection ended after " + frame.length + " of " + FRAME_SIZE
                    + " bytes of a frame");
        }
        return frame;
    }

    /** Connects, sends {@code text} as one frame, reads one frame back and returns its text. */
    public static String exchange(String host, int port, String text, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        byte[] request = frame(text); // refuse before connecting: nothing goes on the wire
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            socket.setSoTimeout(millis(readTimeout));
            // A socket's own stream has no buffer: write hands the bytes to the kernel, nothing to flush.
            socket.getOutputStream().write(request);
            return text(readFrame(socket.getInputStream()));
        }
    }

    /** The port {@code s} names, or 0 (which no server can listen on) when it is not a port number. */
    private static int parsePort(String s) {
        try {
            int port = Integer.parseInt(s);
            return port >= 1 && port <= 65535 ? port : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Socket timeouts are whole milliseconds, and 0 would mean "forever". */
    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
