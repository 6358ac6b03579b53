package tcplab.lab06;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lab 06: Lab 05's frame server, serving many clients at once.
 *
 * <p>The protocol is Lab 05's: every frame a client sends gets {@link Frames#reply} as an answer; a client that
 * closes between frames is answered with a close; one that resets, stops in the middle of a frame or says nothing
 * for {@code readTimeout} costs one line in the log. What is new: each conversation runs on a thread of its own
 * (from {@link Threads#perTaskExecutor}: a virtual thread on JDK 21 and newer, a platform thread on JDK 17), so a
 * slow, silent or stuck client never holds up the others, and the accept loop only accepts.
 *
 * <p>Build it in this order (Lesson 06; the section names are in brackets). Your Lab 05 code is the start of it:
 * <ol>
 *   <li>{@link #start}: as in Lab 05 ("The lab").</li>
 *   <li>{@code serve()}: accept, hand the client to {@code conversations}, accept again; once the listener is
 *       closed, shut {@code conversations} down and return ("A thread per connection").</li>
 *   <li>{@code converse(client)}: Lab 05's, with the client kept in {@code open} instead of {@code current}
 *       ("Shared state").</li>
 *   <li>{@link #stop}: close the listener only; {@link #close}: stop, and close every connection in {@code open}
 *       too ("Stopping a concurrent server").</li>
 * </ol>
 */
public final class FrameServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final PrintStream log;
    /** Accepts, and only accepts. */
    private final Thread serving;
    /** Runs each conversation on a thread of its own. */
    private final ExecutorService conversations;
    /** The accepted sockets of the conversations in progress: {@link #close} must be able to reach every one. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Set by {@link #close}: the conversations in progress are being ended on purpose, not going wrong. */
    private volatile boolean closing;

    private FrameServer(ServerSocket listener, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.log = log;
        this.serving = new Thread(this::serve, "frame-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
        this.conversations = Threads.perTaskExecutor("frame-conversation");
    }

    /**
     * Binds a listener to {@code host:port} (port 0: the system picks one), starts the accept loop on the server's
     * thread (the daemon thread the constructor makes) and returns at once. {@code readTimeout} bounds every read
     * from a client. {@code log} gets exactly one line for each client that went wrong (it reset, left in the
     * middle of a frame, or said nothing for {@code readTimeout}), naming the client's address and port, and
     * nothing else: a client that says goodbye, {@link #stop} and {@link #close} are not problems.
     *
     * @throws IOException if it cannot listen there (the port is in use, {@code host} does not resolve or is not
     *     an address of this machine); nothing is left open and no thread is left running then
     * @throws IllegalArgumentException if {@code port} is not in 0..65535
     */
    public static FrameServer start(String host, int port, Duration readTimeout, PrintStream log)
            throws IOException {
        throw new UnsupportedOperationException(
                "TODO: as in Lab 05: bind a ServerSocket to host:port, make a FrameServer with it, start its thread");
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    // tag::todo[]
    /**
     * The accept loop, on the server's own thread: it hands every client to {@code conversations} and goes straight
     * back to accept(). When {@link #stop} has closed the listener, it shuts {@code conversations} down (no new
     * ones; those in progress go on) and returns.
     */
    private void serve() {
        throw new UnsupportedOperationException(
                "TODO: accept, conversations.execute(() -> converse(client)), accept again; at the end: shutdown()");
    }

    /**
     * One conversation, on a thread of its own: frames and replies until the client closes; then this side closes
     * too. A client that goes wrong (an IOException) costs one log line that names it, unless {@code closing} says
     * close() ended it.
     */
    private void converse(Socket client) {
        throw new UnsupportedOperationException(
                "TODO: Lab 05's converse, with the client added to `open` (and removed at the end) instead of `current`");
    }

    /**
     * Stops taking new clients: closes the listener, and only the listener. The conversations in progress run to
     * their ends; then their threads and the server's thread end.
     */
    public void stop() {
        throw new UnsupportedOperationException("TODO: close the listener, and only the listener");
    }

    /**
     * Stops taking new clients, ends every conversation in progress too, and waits up to a second for the server's
     * thread and the conversations' threads to end. If the calling thread is interrupted meanwhile, it stops
     * waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException(
                "TODO: set closing, stop, close every socket in `open`, await the threads (keep an interrupt)");
    }
    // end::todo[]

    /**
     * Waits up to {@code limit} for the server's thread to end and then for {@code conversations} to be shut down
     * with no conversation left; true if both happened in time, false if something still runs.
     */
    public boolean awaitStopped(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        serving.join(Math.max(1, limit.toMillis()));   // join(0) would wait forever
        return !serving.isAlive()
                && conversations.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The program {@code FrameServer <ip> <port>}: listens on {@code ip:port} (port 0: the system picks one),
     * prints {@code listening on <ip>:<port> (Ctrl-D stops it)} with the port it got (an IPv6 address in brackets,
     * {@code [::1]:<port>}), and serves until standard input ends (Ctrl-D). Then it stops listening, prints
     * {@code stopped listening; waiting up to 10 s for the conversations in progress to end}, gives them up to
     * 10 s, closes and returns 0. The server's log (one line per client that went wrong) is {@code err}.
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
            out.println("stopped listening; waiting up to 10 s for the conversations in progress to end");
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
