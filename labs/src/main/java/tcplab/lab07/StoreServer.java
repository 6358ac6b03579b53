package tcplab.lab07;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lab 07: a key-value store that clients reach over TCP, one length-prefixed message per request and per reply
 * ({@link Messages}: a 4-byte big-endian length, then the body).
 *
 * <p>A request's body is UTF-8 text, one of three commands, written in capitals, with single spaces between words:
 * <ul>
 *   <li>{@code PUT <key> <value>}: stores the value under the key (replacing any value it had) and answers
 *       {@code OK};</li>
 *   <li>{@code GET <key>}: answers {@code VALUE <value>}, or {@code NOT_FOUND} if the key has no value;</li>
 *   <li>{@code DEL <key>}: removes the key and answers {@code OK}, or {@code NOT_FOUND} if it had no value.</li>
 * </ul>
 * A key is one or more characters, none of them a space; a value is everything after the space that follows the
 * key (spaces included; it may be empty). Keys and values are text, not arbitrary bytes: a body is decoded as
 * UTF-8 and every reply is encoded as UTF-8, whatever the platform's default charset. Anything else (an empty
 * body, an unknown or lower-case command, a missing key, a GET or DEL with more than a key) is answered with
 * {@code ERROR <reason>} and the conversation goes on. Every client sees the same store, and each one gets its
 * replies in the order of its requests.
 *
 * <p>A length below 0 or above {@link Messages#MAX} breaks the framing itself (where would the next message
 * start?): the server answers it with one {@code ERROR <reason>} and closes that connection, and only that one.
 *
 * <p>The concurrency is Lab 06's: a thread per conversation from {@link Threads#perTaskExecutor}, an accept loop
 * that only accepts ({@code serve()}), {@link #stop} and {@link #close}, all written out for you. Build the rest
 * in this order (Lesson 07; the section names are in brackets): {@link Messages} first; then {@link #start} (as
 * in Lab 06), {@code converse(client)} ("The lab") and {@code answer(request)} ("The store's protocol").
 */
public final class StoreServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final PrintStream log;
    /** Accepts, and only accepts. */
    private final Thread serving;
    /** Runs each conversation on a thread of its own. */
    private final ExecutorService conversations;
    /** The accepted sockets of the conversations in progress: {@link #close} must be able to reach every one. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** The store every conversation shares: a concurrent map, since many threads read and write it at once. */
    private final Map<String, String> store = new ConcurrentHashMap<>();
    /** Set by {@link #close}: the conversations in progress are being ended on purpose, not going wrong. */
    private volatile boolean closing;

    private StoreServer(ServerSocket listener, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.log = log;
        this.serving = new Thread(this::serve, "store-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
        this.conversations = Threads.perTaskExecutor("store-conversation");
    }

    /**
     * Binds a listener to {@code host:port} (port 0: the system picks one), starts the accept loop on the server's
     * thread (the daemon thread the constructor makes) and returns at once. {@code readTimeout} bounds every read
     * from a client. {@code log} gets exactly one line for each client that went wrong (it reset, left in the
     * middle of a message, sent a length out of range, or said nothing for {@code readTimeout}), naming the
     * client's address and port, and nothing else: a client that says goodbye, a request answered with
     * {@code ERROR} for its words, {@link #stop} and {@link #close} are not problems.
     *
     * @throws IOException if it cannot listen there (the port is in use, {@code host} does not resolve or is not
     *     an address of this machine); nothing is left open and no thread is left running then
     * @throws IllegalArgumentException if {@code port} is not in 0..65535
     */
    public static StoreServer start(String host, int port, Duration readTimeout, PrintStream log)
            throws IOException {
        throw new UnsupportedOperationException(
                "TODO: as in Lab 06: bind a ServerSocket to host:port, make a StoreServer with it, start its thread");
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    // tag::serve[]
    /**
     * The accept loop, on the server's own thread: it hands every client to {@code conversations} and goes straight
     * back to accept(). When {@link #stop} has closed the listener, it shuts {@code conversations} down (no new
     * ones; those in progress go on) and returns.
     */
    private void serve() {
        try {
            while (true) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    return;                       // stop() closed the listener: the normal way out
                }
                conversations.execute(() -> converse(client));
            }
        } finally {
            conversations.shutdown();             // or awaitStopped() could never say the conversations are over
        }
    }
    // end::serve[]

    // tag::converse[]
    /**
     * One conversation, on a thread of its own: a reply for every request, in order, until the client closes; then
     * this side closes too. A length out of range gets one {@code ERROR} reply, and then the connection closes. A
     * client that goes wrong (an IOException, the length out of range included) costs one log line that names it,
     * unless {@code closing} says close() ended it.
     */
    private void converse(Socket client) {
        throw new UnsupportedOperationException("TODO: Lab 06's converse, with Messages instead of Frames: a reply "
                + "for every request; a length out of range gets one ERROR reply, and then the connection closes");
    }
    // end::converse[]

    // tag::answer[]
    /** The reply to one request (the class comment lists the commands): never null, never above MAX bytes. */
    private String answer(String request) {
        throw new UnsupportedOperationException(
                "TODO: split the request into the command, the key and the value; PUT, GET, DEL, else ERROR");
    }
    // end::answer[]

    /**
     * Stops taking new clients: closes the listener, and only the listener. The conversations in progress run to
     * their ends; then their threads and the server's thread end.
     */
    public void stop() {
        closeQuietly(listener);
    }

    // tag::close[]
    /**
     * Stops taking new clients, ends every conversation in progress too, and waits up to a second for the server's
     * thread and the conversations' threads to end. If the calling thread is interrupted meanwhile, it stops
     * waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
        closing = true;                           // first, so a conversation that starts now sees it
        stop();
        for (Socket client : open) {
            closeQuietly(client);                 // its blocked read (or write) throws, and its thread ends
        }
        try {
            awaitStopped(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // whoever interrupted us still needs to know
        }
    }
    // end::close[]

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
     * The program {@code StoreServer <ip> <port>}: listens on {@code ip:port} (port 0: the system picks one),
     * prints {@code listening on <ip>:<port> (Ctrl-D stops it)} with the port it got (an IPv6 address in brackets,
     * {@code [::1]:<port>}), and serves until standard input ends (Ctrl-D). Then it stops listening, prints
     * {@code stopped listening; waiting up to 10 s for the conversations in progress to end}, gives them up to
     * 10 s, closes and returns 0. The server's log (one line per client that went wrong) is {@code err}; a
     * server started by the program gives each client 60 s between two messages.
     *
     * <p>Exit codes, the kit's convention (Lesson 02): 0 when it served until its input ended; 1 when it cannot
     * listen (the port is in use, the address is not one of this machine's), with one line on {@code err} that
     * names the address and port; 2 for a usage error (not two arguments, an {@code <ip>} that is neither an IP
     * address nor a name of one, a {@code <port>} that is not a number from 0 to 65535), with a line holding
     * {@code Usage: StoreServer <ip> <port>} on {@code err} and nothing on {@code out}.
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
            err.println("StoreServer: \"" + args[0] + "\" is not an IP address. " + USAGE);
            return 2;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            err.println("StoreServer: \"" + args[1] + "\" is not a port number from 0 to 65535. " + USAGE);
            return 2;
        }
        StoreServer server;
        try {
            server = start(ip.getHostAddress(), port, Duration.ofSeconds(60), err);
        } catch (IOException e) {
            err.println("StoreServer: cannot listen on " + show(ip, port) + ": " + e.getMessage());
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

    private static final String USAGE = "Usage: StoreServer <ip> <port>";

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: an IPv6 address in brackets, so its colons stay readable. */
    private static String show(InetAddress ip, int port) {
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
