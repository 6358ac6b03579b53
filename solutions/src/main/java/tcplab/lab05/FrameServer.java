package tcplab.lab05;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Lab 05: a frame server that serves its clients one after another and knows how to close.
 *
 * <p>Each client may send as many frames as it likes; every frame gets {@link Frames#reply} as an answer. When the
 * client closes (a clean end of stream between frames), the server closes its side too, so nothing is left in
 * CLOSE_WAIT, and accepts the next client. A client that resets, stops in the middle of a frame or says nothing
 * for {@code readTimeout} costs one line in the log, never the server.
 *
 * <p>Build it in this order (Lesson 05; the section names are in brackets):
 * <ol>
 *   <li>{@link #start}: bind a listener, create the server, start its thread, return at once ("The lab").</li>
 *   <li>{@code serve()}: the accept loop, one conversation at a time ("Stopping a thread that waits in
 *       accept()").</li>
 *   <li>{@code converse(client)}: frames until the client closes, then close your side ("End of stream",
 *       "CLOSE_WAIT: the forgotten close", "A serial server's life").</li>
 *   <li>{@link #stop}: close the listener only; {@link #close}: stop, and end the conversation in progress
 *       too ("Closing the listener").</li>
 * </ol>
 */
public final class FrameServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final PrintStream log;
    private final Thread serving;
    /** The accepted socket of the conversation in progress, or null: {@link #close} must be able to reach it. */
    private volatile Socket current;
    /** Set by {@link #close}: the conversation in progress is being ended on purpose, not going wrong. */
    private volatile boolean closing;

    private FrameServer(ServerSocket listener, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.log = log;
        this.serving = new Thread(this::serve, "frame-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
    }

    /**
     * Binds a listener to {@code host:port} (port 0: the system picks one), starts serving on the server's thread
     * (the daemon thread the constructor makes) and returns at once. {@code readTimeout} bounds every read from a
     * client. {@code log} gets exactly one line for each client that went wrong (it reset, left in the middle of a
     * frame, or said nothing for {@code readTimeout}), naming the client's address and port, and nothing else:
     * a client that says goodbye, {@link #stop} and {@link #close} are not problems.
     *
     * @throws IOException if it cannot listen there (the port is in use, {@code host} does not resolve or is not
     *     an address of this machine); nothing is left open then
     * @throws IllegalArgumentException if {@code port} is not in 0..65535
     */
    public static FrameServer start(String host, int port, Duration readTimeout, PrintStream log)
            throws IOException {
        var listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        var server = new FrameServer(listener, readTimeout, log);
        server.serving.start();
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The accept loop, on the server's own thread. It ends when {@link #stop} has closed the listener. */
    private void serve() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;                           // stop() closed the listener: the normal way out
            }
            converse(client);
        }
    }

    /**
     * One conversation: frames and replies until the client closes; then this side closes too. A client that goes
     * wrong (an IOException) costs one log line that names it, unless {@code closing} says close() ended it.
     */
    private void converse(Socket client) {
        String who = String.valueOf(client.getRemoteSocketAddress());
        current = client;
        try (client) {
            if (closing) {
                return;                           // close() came between accept and here
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String text;
            while ((text = Frames.read(in)) != null) {
                Frames.write(out, Frames.reply(text));
            }
        } catch (IOException e) {
            if (!closing) {
                log.println(who + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            current = null;
        }
    }

    /**
     * Stops taking new clients: closes the listener, and only the listener. The conversation in progress, if any,
     * runs to its end; then the server's thread ends.
     */
    public void stop() {
        closeQuietly(listener);
    }

    /**
     * Stops taking new clients, ends the conversation in progress too, and waits up to a second for the server's
     * thread to end. If the calling thread is interrupted meanwhile, it stops waiting and keeps its interrupt
     * status.
     */
    @Override
    public void close() {
        closing = true;
        stop();
        Socket client = current;
        if (client != null) {
            closeQuietly(client);
        }
        try {
            awaitStopped(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // whoever interrupted us still needs to know
        }
    }

    /**
     * Closes a socket on purpose. Its close() declares an IOException, but the socket is unusable either way, and
     * neither a client nor the caller of stop() or close() could do anything about it: nothing to report.
     */
    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // See above.
        }
    }

    /** Waits up to {@code limit} for the server's thread to end; true if it has, false if it still runs. */
    public boolean awaitStopped(Duration limit) throws InterruptedException {
        serving.join(Math.max(1, limit.toMillis()));   // join(0) would wait forever
        return !serving.isAlive();
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The program {@code FrameServer <ip> <port>}: listens on {@code ip:port} (port 0: the system picks one),
     * prints {@code listening on <ip>:<port> (Ctrl-D stops it)} with the port it got (an IPv6 address in brackets,
     * {@code [::1]:<port>}), and serves until standard input ends (Ctrl-D). Then it stops listening, prints {@code stopped listening; waiting up to 10 s for the
     * conversation in progress to end}, gives that conversation up to 10 s, closes and returns 0. The server's log
     * (one line per client that went wrong) is {@code err}.
     *
     * <p>Exit codes, the kit's convention (Lesson 02): 0 when it served until its input ended; 1 when it cannot
     * listen (the port is in use, the address is not one of this machine's), with one line on {@code err} that
     * names the address and port; 2 for a usage error (not two arguments, an {@code <ip>} that is neither an IP
     * address nor a name of one, a {@code <port>} that is not a number from 0 to 65535), with a line holding
     * {@code Usage: FrameServer <ip> <port>} on {@code err} and nothing on {@code out}.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(args[0]);
        } catch (UnknownHostException e) {
            err.println("FrameServer: \"" + args[0] + "\" is not an IP address. " + USAGE);
            return 2;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            err.println("FrameServer: \"" + args[1] + "\" is not a port number from 0 to 65535. " + USAGE);
            return 2;
        }
        FrameServer server;
        try {
            server = start(ip.getHostAddress(), port, Duration.ofSeconds(60), err);
        } catch (IOException e) {
            err.println("FrameServer: cannot listen on " + show(ip, port) + ": " + e.getMessage());
            return 1;
        }
        try (server) {
            out.println("listening on " + show(ip, server.port()) + " (Ctrl-D stops it)");
            in.transferTo(OutputStream.nullOutputStream());
            server.stop();
            out.println("stopped listening; waiting up to 10 s for the conversation in progress to end");
            server.awaitStopped(Duration.ofSeconds(10));
        }
        return 0;
    }

    private static final String USAGE = "Usage: FrameServer <ip> <port>";

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: an IPv6 address in brackets, so its colons stay readable. */
    private static String show(InetAddress ip, int port) {
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
