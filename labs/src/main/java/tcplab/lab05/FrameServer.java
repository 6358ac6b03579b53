package tcplab.lab05;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
        throw new UnsupportedOperationException(
                "TODO: bind a ServerSocket to host:port, make a FrameServer with it, start its thread, return it");
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    // tag::todo[]
    /** The accept loop, on the server's own thread. It ends when {@link #stop} has closed the listener. */
    private void serve() {
        throw new UnsupportedOperationException(
                "TODO: accept clients one at a time and converse with each; return once the listener is closed");
    }

    /** One conversation: frames and replies until the client closes; then this side closes too. */
    private void converse(Socket client) {
        throw new UnsupportedOperationException(
                "TODO: reply to each frame until Frames.read returns null, then close; log problems in one line");
    }

    /** Stops taking new clients. The conversation in progress, if any, runs to its end. */
    public void stop() {
        throw new UnsupportedOperationException("TODO: close the listener, and only the listener");
    }

    /** Stops taking new clients and ends the conversation in progress too. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO: stop, close the current client's socket, await the thread");
    }
    // end::todo[]

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
