package tcplab.lab11;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Lab 11, the server: Lab 04's protocol over TLS, one client after another (Lab 05's serial server, on a thread of
 * its own). Every frame a client sends gets {@link Frames#reply} as an answer, until the client closes.
 *
 * <p>Lesson 11 explains every step ("The server").
 */
public final class TlsServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final PrintStream log;
    /** Accepts, and talks to one client at a time. */
    private final Thread serving;
    /** The client being served, if any: {@link #close} must be able to reach it. */
    private volatile Socket current;
    /** Set by {@link #close}: the conversation in progress is being ended on purpose, not going wrong. */
    private volatile boolean closing;

    private TlsServer(ServerSocket listener, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.log = log;
        this.serving = new Thread(this::serve, "tls-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
    }

    // tag::start[]
    /**
     * Binds a TLS listener made by {@code context} (it holds the server's key and certificate) to
     * {@code host:port} (port 0: the system picks one), starts the accept loop on the server's thread and returns
     * at once. {@code readTimeout} bounds every read from a client, the handshake's included. {@code log} gets
     * exactly one line for each client that went wrong (its handshake failed, as a plain-TCP client's does; it
     * reset, left in the middle of a frame, or said nothing for {@code readTimeout}), naming the client's address
     * and port and what went wrong, and nothing else.
     *
     * @throws IOException if it cannot listen there; nothing is left open and no thread is left running then
     */
    public static TlsServer start(String host, int port, SSLContext context, Duration readTimeout, PrintStream log)
            throws IOException {
        ServerSocket listener = context.getServerSocketFactory().createServerSocket();
        try {
            listener.bind(new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        var server = new TlsServer(listener, readTimeout, log);
        server.serving.start();
        return server;
    }
    // end::start[]

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    // tag::serve[]
    /** The accept loop: one client at a time, until {@link #stop} closes the listener. */
    private void serve() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();       // TCP only: the handshake waits for the first read
            } catch (IOException e) {
                return;                           // stop() closed the listener: the normal way out
            }
            converse(client);
        }
    }

    /**
     * One conversation: the handshake, then frames and replies until the client closes; then this side closes too.
     * A client that goes wrong (an IOException, an SSLException among them) costs one log line that names it.
     */
    private void converse(Socket client) {
        String who = String.valueOf(client.getRemoteSocketAddress());
        current = client;
        try (client) {
            if (closing) {
                return;                           // close() came after accept: it may have missed this socket
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String text;
            while ((text = Frames.read(in)) != null) {   // the first read runs the handshake
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
    // end::serve[]

    /** Stops taking new clients: closes the listener. The conversation in progress runs to its end. */
    public void stop() {
        closeQuietly(listener);
    }

    /**
     * Stops taking new clients, ends the conversation in progress too, and waits up to a second for the server's
     * thread to end. If the calling thread is interrupted meanwhile, it stops waiting and keeps its interrupt status.
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
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code limit} for the server's thread to end; true if it did. */
    public boolean awaitStopped(Duration limit) throws InterruptedException {
        serving.join(Math.max(1, limit.toMillis()));   // join(0) would wait forever
        return !serving.isAlive();
    }

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed on purpose: nothing to report
        }
    }
}
