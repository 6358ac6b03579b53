package tcplab.lab09;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lab 09: Lab 06's frame server, hardened against clients that are slow on purpose, that never read, and against
 * the stalls of small writes.
 *
 * <p>The protocol is Lab 06's: every frame a client sends gets {@link Frames#reply} as an answer, written with
 * {@link Frames#write} (which writes a frame in two pieces); a client that closes between frames is answered with a
 * close. What is new are two deadlines and two socket options, on every accepted connection:
 * <ul>
 *   <li>a <b>request deadline</b>, {@link Limits#request()}: a whole frame must have arrived within it, counted
 *       from the start of the conversation (for the first frame) and from the end of the previous reply (for each
 *       later one). A client that sends a byte now and then, and so never lets a read time out, is cut off when the
 *       deadline passes; so is a client that says nothing at all.</li>
 *   <li>a <b>write deadline</b>, {@link Limits#write()}: a reply that is not written within it (the client does not
 *       read, and the buffers between it and us are full) ends the conversation: a watchdog closes the socket, and
 *       the blocked write throws.</li>
 *   <li>{@code TCP_NODELAY} (no Nagle stall between a reply's two pieces) and {@code SO_KEEPALIVE} (the kernel
 *       probes a connection that has been idle for long, and ends it when the peer has vanished).</li>
 * </ul>
 * A client that went wrong (it reset, left in the middle of a frame, overran either deadline) costs one line in the
 * log that names its address and port; the others notice nothing.
 *
 * <p>{@link #start}, {@code serve()}, {@link #stop} and {@link #close} are Lab 06's: copy yours (or Lab 06's
 * reference, {@code ./tcplab solution 06}), and end {@code close()} with {@code watchdog.shutdownNow()}. Then build
 * the rest in this order (Lesson 09; the section names are in brackets):
 * <ol>
 *   <li>{@code readBefore(client, in, deadline)}: a whole frame, with {@code setSoTimeout(remaining)} recomputed
 *       before each read ("A deadline, not a timeout").</li>
 *   <li>{@code reply(client, out, text)}: the write under the watchdog ("A peer that never reads").</li>
 *   <li>{@code converse(client)}: Lab 06's, with the two options set first and its loop on {@code readBefore} and
 *       {@code reply} ("Nagle and the delayed ACK", "Keepalive").</li>
 * </ol>
 */
public final class FrameServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Limits limits;
    private final PrintStream log;
    /** Accepts, and only accepts. */
    private final Thread serving;
    /** Runs each conversation on a thread of its own. */
    private final ExecutorService conversations;
    /** Closes the socket of a reply that overruns the write deadline; one daemon thread for the whole server. */
    private final ScheduledExecutorService watchdog;
    /** The accepted sockets of the conversations in progress: {@link #close} must be able to reach every one. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Set by {@link #close}: the conversations in progress are being ended on purpose, not going wrong. */
    private volatile boolean closing;

    private FrameServer(ServerSocket listener, Limits limits, PrintStream log) {
        this.listener = listener;
        this.limits = limits;
        this.log = log;
        this.serving = new Thread(this::serve, "frame-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
        this.conversations = Threads.perTaskExecutor("frame-conversation");
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "frame-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds a listener to {@code host:port} (port 0: the system picks one), starts the accept loop on the server's
     * thread (the daemon thread the constructor makes) and returns at once. {@code limits} bounds every request
     * and every reply (see the class comment). {@code log} gets exactly one line for each client that went wrong
     * (it reset, left in the middle of a frame, did not deliver a frame within {@code limits.request()}, or did not
     * take a reply within {@code limits.write()}), naming the client's address and port, and nothing else: a client
     * that says goodbye, {@link #stop} and {@link #close} are not problems.
     *
     * @throws IOException if it cannot listen there (the port is in use, {@code host} does not resolve or is not
     *     an address of this machine); nothing is left open and no thread is left running then
     * @throws IllegalArgumentException if {@code port} is not in 0..65535
     */
    public static FrameServer start(String host, int port, Limits limits, PrintStream log) throws IOException {
        throw new UnsupportedOperationException(
                "TODO: Lab 06's start: bind a ServerSocket to host:port, make a FrameServer with it, start its thread");
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The accept loop, on the server's own thread (Lab 06's): it hands every client to {@code conversations} and
     * goes straight back to accept(). When {@link #stop} has closed the listener, it shuts {@code conversations}
     * down (no new ones; those in progress go on) and returns.
     */
    private void serve() {
        throw new UnsupportedOperationException(
                "TODO: Lab 06's serve: accept, conversations.execute(() -> converse(client)), again; shutdown()");
    }

    // tag::todo[]
    /**
     * One conversation, on a thread of its own: {@code TCP_NODELAY} and {@code SO_KEEPALIVE} on, then frames and
     * replies until the client closes; then this side closes too. Each frame must arrive within
     * {@code limits.request()} of the conversation's start or of the previous reply. A client that goes wrong (an
     * IOException) costs one log line that names it, unless {@code closing} says close() ended it.
     */
    private void converse(Socket client) {
        throw new UnsupportedOperationException(
                "TODO: Lab 06's converse: NODELAY and KEEPALIVE first, then readBefore(a new deadline), reply");
    }

    /**
     * Reads one whole frame that must be complete before {@code deadline} (a {@link System#nanoTime()} value) and
     * returns its text, or {@code null} if the client closed cleanly before the frame's first byte. Before every
     * read the socket's timeout is set to the time that is left, so the frame as a whole is bounded, however its
     * bytes trickle in.
     *
     * @throws SocketTimeoutException if the deadline passes first
     * @throws EOFException if the client closed in the middle of a frame
     */
    private String readBefore(Socket client, InputStream in, long deadline) throws IOException {
        throw new UnsupportedOperationException(
                "TODO: read a whole frame, with client.setSoTimeout(the time left) before every read");
    }

    /**
     * Writes one reply with {@link Frames#write}, under the watchdog: if the write has not returned within
     * {@code limits.write()}, the watchdog closes the socket, which ends the blocked write with an exception (a
     * {@code SocketException}: "Socket closed"). Whatever happens, the alarm is cancelled when the write is over,
     * so that it never closes the connection later.
     *
     * @throws IOException if the write fails, also when the watchdog closed the socket
     */
    private void reply(Socket client, OutputStream out, String text) throws IOException {
        throw new UnsupportedOperationException(
                "TODO: schedule closing the client on the watchdog, Frames.write, cancel the alarm (finally)");
    }
    // end::todo[]

    /**
     * Stops taking new clients (Lab 06's): closes the listener, and only the listener. The conversations in
     * progress run to their ends (each within its deadlines); then their threads and the server's thread end.
     */
    public void stop() {
        throw new UnsupportedOperationException(
                "TODO: Lab 06's stop: close the listener, and only the listener");
    }

    /**
     * Stops taking new clients, ends every conversation in progress too, and waits up to a second for the server's
     * thread and the conversations' threads to end (Lab 06's), then ends the watchdog's thread. If the calling
     * thread is interrupted meanwhile, it stops waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException(
                "TODO: Lab 06's close: closing, stop, close `open`, await (keep an interrupt), watchdog.shutdownNow()");
    }

    /** Closes a socket on purpose: it is unusable either way, and nobody could act on an error here. */
    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // See above.
        }
    }

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
     * The program {@code FrameServer <ip> <port>} (Lab 06's, with this lab's limits: 30 s for a request, 10 s for
     * a reply): listens on {@code ip:port} (port 0: the system picks one), prints
     * {@code listening on <ip>:<port> (Ctrl-D stops it)} with the port it got (an IPv6 address in brackets,
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
            server = start(ip.getHostAddress(), port, PROGRAM_LIMITS, err);
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
    private static final Limits PROGRAM_LIMITS = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(10));

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: an IPv6 address in brackets, so its colons stay readable. */
    private static String show(InetAddress ip, int port) {
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
