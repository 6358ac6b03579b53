package tcplab.lab04;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The source tutorial's server (§四), in Java: listen on {@code <ip> <port>}, accept one client, read its 128-byte
 * frame, answer with the text and {@code " *_*"}, close the connection and then the listener.
 */
public final class Server {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    /** What the server appends to the client's text. */
    public static final String SMILE = " *_*";

    /** How many finished connections may wait for accept, as in the source's {@code listen(sockfd, 10)}. */
    public static final int BACKLOG = 10;

    static final Duration ACCEPT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static final String USAGE = "Usage: Server <ip> <port>";

    private Server() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** The program with generous time limits, as a person would run it. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, ACCEPT_TIMEOUT, READ_TIMEOUT);
    }

    /** The program: 0 when one client was served, 2 for a usage error, 1 when the network or the client said no. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err,
                          Duration acceptTimeout, Duration readTimeout) throws Exception {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(args[0]);
        } catch (UnknownHostException e) {
            err.println("Server: \"" + args[0] + "\" is not an IP address (" + USAGE + ")");
            return 2;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            err.println("Server: port \"" + args[1] + "\" is not a number from 0 to 65535 (" + USAGE + ")");
            return 2;
        }
        var wanted = new InetSocketAddress(ip, port);

        try (var listener = new ServerSocket()) {
            try {
                listener.bind(wanted, BACKLOG);
            } catch (IOException e) {
                err.println("Server: cannot listen on " + show(wanted) + ": " + e.getMessage());
                return 1;
            }
            out.println("listening on " + show((InetSocketAddress) listener.getLocalSocketAddress()));
            out.flush(); // whoever started us waits for this line, and out may be buffered

            listener.setSoTimeout(millis(acceptTimeout));
            Socket client;
            try {
                client = listener.accept();
            } catch (SocketTimeoutException e) {
                err.println("Server: no client came within " + acceptTimeout.toMillis() + " ms");
                return 1;
            }
            try (client) {
                return serve(client, out, err, readTimeout);
            }
        }
    }

    /** One conversation with an accepted client, on the accepted socket (never the listener). */
    private static int serve(Socket client, PrintStream out, PrintStream err, Duration readTimeout)
            throws IOException {
        out.println("ip:" + client.getInetAddress().getHostAddress() + ", port:" + client.getPort());
        client.setSoTimeout(millis(readTimeout));
        String text;
        try {
            text = text(readFrame(client.getInputStream()));
        } catch (SocketTimeoutException e) {
            err.println("Server: gave up: no bytes from the client for " + readTimeout.toMillis() + " ms");
            return 1;
        } catch (EOFException e) {
            err.println("Server: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Server: reading from the client failed: " + e.getMessage());
            return 1;
        }
        out.println("from client: " + text);
        try {
            // A socket's own stream has no buffer: write sends at once, and there is nothing to flush.
            client.getOutputStream().write(frame(reply(text)));
        } catch (IOException e) {
            err.println("Server: sending the reply failed: " + e.getMessage());
            return 1;
        }
        return 0;
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

    /** The answer to {@code text}: the text and {@code " *_*"}, cut to 127 bytes at a character boundary. */
    public static String reply(String text) {
        byte[] whole = (text + SMILE).getBytes(UTF_8);
        if (whole.length <= FRAME_SIZE - 1) {
            return text + SMILE;
        }
        int end = FRAME_SIZE - 1;
        while ((whole[end] & 0xC0) == 0x80) {
            // whole[end] continues a character that began earlier: cut before that character instead. getBytes
            // gives well-formed UTF-8, so a character's first byte comes at most 3 bytes back.
            end--;
        }
        return new String(whole, 0, end, UTF_8);
    }

    private static String show(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
