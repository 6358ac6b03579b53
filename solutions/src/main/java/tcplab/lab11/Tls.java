package tcplab.lab11;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Lab 11, the program: {@code Tls client <host> <port> <text>} or {@code Tls server <ip> <port>}.
 *
 * <p>{@link #main} takes its certificates from the JDK's default context ({@code SSLContext.getDefault()}), which
 * reads the standard {@code javax.net.ssl.keyStore} / {@code javax.net.ssl.trustStore} properties; the checks call
 * {@link #run} with a context of their own.
 */
public final class Tls {

    /** How long the client waits for the connection and for each read. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long the server waits for a client's next bytes. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE = "Usage: Tls client <host> <port> <text> | Tls server <ip> <port>";

    private Tls() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err, SSLContext.getDefault()));
    }

    // tag::run[]
    /**
     * The program. {@code client <host> <port> <text>}: {@link TlsClient#exchange} with {@link #TIMEOUT}, prints
     * the reply's text on {@code out} and returns 0. {@code server <ip> <port>}: {@link TlsServer#start} with
     * {@link #READ_TIMEOUT} and {@code err} as its log, prints {@code listening on <ip>:<port> (Ctrl-D stops it)}
     * with the port it got, serves until {@code in} ends, closes the server and returns 0.
     *
     * <p>Exit codes, the kit's convention (Lesson 02): 1 when the network or the peer says no (refused, timed out,
     * a handshake that fails: a certificate that is not trusted, has expired or is for another name; a port in
     * use), with ONE plain line on {@code err} holding the exception's message, never a stack trace; 2 for a usage
     * error (not {@code client} or {@code server}, the wrong number of arguments for it, a port that is not a
     * number from 0 to 65535 (1 to 65535 for the client), a server {@code <ip>} that is not an address), with a
     * line holding {@code Usage: Tls client <host> <port> <text> | Tls server <ip> <port>} on {@code err} and
     * nothing on {@code out}.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, SSLContext context)
            throws Exception {
        boolean client = args.length == 4 && args[0].equals("client");
        boolean server = args.length == 3 && args[0].equals("server");
        if (!client && !server) {
            err.println(USAGE);
            return 2;
        }
        int port = port(args[2], client ? 1 : 0);
        if (port < 0) {
            err.println("Tls: \"" + args[2] + "\" is not a port number. " + USAGE);
            return 2;
        }
        if (client) {
            try {
                out.println(TlsClient.exchange(args[1], port, args[3], context, TIMEOUT));
                return 0;
            } catch (IOException e) {
                err.println("Tls: no reply from " + args[1] + ":" + port + ": " + e.getMessage());
                return 1;
            }
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(args[1]);
        } catch (UnknownHostException e) {
            err.println("Tls: \"" + args[1] + "\" is not an IP address. " + USAGE);
            return 2;
        }
        TlsServer running;
        try {
            running = TlsServer.start(ip.getHostAddress(), port, context, READ_TIMEOUT, err);
        } catch (IOException e) {
            err.println("Tls: cannot listen on " + ip.getHostAddress() + ":" + port + ": " + e.getMessage());
            return 1;
        }
        try (running) {
            out.println("listening on " + ip.getHostAddress() + ":" + running.port() + " (Ctrl-D stops it)");
            in.transferTo(OutputStream.nullOutputStream());
        }
        return 0;
    }
    // end::run[]

    /** The port in {@code text} if it is a number from {@code lowest} to 65535, else -1. */
    private static int port(String text, int lowest) {
        try {
            int port = Integer.parseInt(text);
            return port >= lowest && port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
