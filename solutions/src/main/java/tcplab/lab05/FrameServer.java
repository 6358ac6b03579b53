package tcplab.lab05;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    /** Set by {@link #close}: the conversation in progress is being ended on purpose. */
    private volatile boolean closing;

    private FrameServer(ServerSocket listener, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.log = log;
        this.serving = new Thread(this::serve, "frame-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
    }

    /**
     * Binds a listener to {@code host:port} (port 0: the system picks one), starts serving on a background thread
     * and returns at once. {@code readTimeout} bounds every read from a client; {@code log} gets one line per
     * client that went wrong.
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
                if (!listener.isClosed()) {
                    log.println("accept failed, server ends: " + e.getMessage());
                }
                return;                           // stop() closed the listener: the normal way out
            }
            converse(client);
        }
    }

    /** One conversation: frames and replies until the client closes; then this side closes too. */
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

    /** Stops taking new clients. The conversation in progress, if any, runs to its end. */
    public void stop() {
        try {
            listener.close();
        } catch (IOException e) {
            log.println("closing the listener: " + e.getMessage());
        }
    }

    /** Stops taking new clients and ends the conversation in progress too. */
    @Override
    public void close() {
        closing = true;
        stop();
        Socket client = current;
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                log.println("closing the client: " + e.getMessage());
            }
        }
        try {
            awaitStopped(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code limit} for the server's thread to end; true if it has. */
    public boolean awaitStopped(Duration limit) throws InterruptedException {
        serving.join(Math.max(1, limit.toMillis()));   // join(0) would wait forever
        return !serving.isAlive();
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** {@code <ip> <port>}: serves until standard input ends (Ctrl-D) or the program is killed (Ctrl-C). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 2) {
            err.println("Usage: FrameServer <ip> <port>");
            return 1;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            err.println("not a port number: " + args[1]);
            return 1;
        }
        try (FrameServer server = start(args[0], port, Duration.ofSeconds(60), err)) {
            out.println("listening on " + args[0] + ":" + server.port() + " (Ctrl-D stops it)");
            in.transferTo(OutputStream.nullOutputStream());
            server.stop();
            out.println("stopped listening; waiting up to 10 s for the conversation in progress to end");
            server.awaitStopped(Duration.ofSeconds(10));
        }
        return 0;
    }
}
