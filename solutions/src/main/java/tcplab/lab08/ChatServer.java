package tcplab.lab08;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Lab 08: a chat room on one thread, with a {@link Selector}.
 *
 * <p>The protocol, in lines of UTF-8 text, each ended by {@code \n} (a {@code \r} just before it is dropped, so
 * {@code \r\n} works too). Clients are numbered {@code #1}, {@code #2}, … in the order the server accepts them.
 * <ul>
 *   <li>A client that connects gets {@code * you are #N}; every other client gets {@code * #N joined}.</li>
 *   <li>Every line a client sends goes to every OTHER client as {@code #N: <the line>}, its bytes as they came.</li>
 *   <li>A client that leaves (it closes, resets, or is dropped) is announced to the others: {@code * #N left}.</li>
 *   <li>A line holds at most {@link #MAX_LINE} bytes before its {@code \n} (a {@code \r} there included). A client
 *       that sends more without a {@code \n} is dropped.</li>
 *   <li>What waits to be sent to one client is at most {@link #OUTPUT_LIMIT} bytes (beyond what the kernel holds).
 *       A client whose next message does not fit any more (it does not read) is dropped; the others are never
 *       held up by it.</li>
 * </ul>
 * Dropping a client closes its connection and writes one line to the log: {@code #N dropped: <why>}. Nothing else
 * goes to the log.
 *
 * <p>Build it in this order (Lesson 08; the section names are in brackets):
 * <ol>
 *   <li>{@link #start} and {@code serve()}: the selector loop ("Readiness: a Selector").</li>
 *   <li>{@code accept()}, {@code read(client)}: lines out of each client's own buffer ("A buffer per
 *       connection").</li>
 *   <li>{@code send(to, message)} and {@code write(client)}: the output buffer and OP_WRITE ("Writes are partial
 *       too").</li>
 *   <li>{@code leave(client)}, {@link #stop} and {@link #close} ("Closing, and cancelled keys").</li>
 * </ol>
 */
public final class ChatServer implements AutoCloseable {

    /** The most bytes a line may hold before its {@code \n}. */
    public static final int MAX_LINE = 1024;
    /** The most bytes that may wait in one client's output buffer. */
    public static final int OUTPUT_LIMIT = 64 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final PrintStream log;
    /** The one thread that runs the selector loop, and the only one that touches the channels and buffers. */
    private final Thread serving;
    /** The clients connected now, in the order they came. Only the server's thread uses it. */
    private final List<Client> clients = new ArrayList<>();
    /** The number of the last client accepted. */
    private int lastId;
    /** Set by {@link #stop}: the server's thread closes the listener. */
    private volatile boolean stopping;
    /** Set by {@link #close}: the server's thread closes everything and ends. */
    private volatile boolean closing;

    /** One client: its number, its channel and key, and its own two buffers. */
    private static final class Client {
        final int id;
        final SocketChannel channel;
        SelectionKey key;
        /** Bytes read, not yet a whole line (write mode). */
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE + 1);
        /** Bytes waiting to be sent to this client (write mode: put() appends). */
        final ByteBuffer out = ByteBuffer.allocate(OUTPUT_LIMIT);

        Client(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    private ChatServer(Selector selector, ServerSocketChannel listener, PrintStream log) {
        this.selector = selector;
        this.listener = listener;
        this.log = log;
        this.serving = new Thread(this::serve, "chat-server");
        this.serving.setDaemon(true);             // a forgotten server must not keep the JVM alive
    }

    /**
     * Opens a selector and a listener bound to {@code host:port} (port 0: the system picks one), registers the
     * listener for OP_ACCEPT, starts the server's thread and returns at once.
     *
     * @throws IOException if it cannot listen there (the port is in use, {@code host} is not an address of this
     *     machine); nothing is left open and no thread is left running then
     * @throws IllegalArgumentException if {@code port} is not in 0..65535
     */
    public static ChatServer start(String host, int port, PrintStream log) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.bind(new InetSocketAddress(host, port));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            closeQuietly(selector);
            throw e;
        }
        var server = new ChatServer(selector, listener, log);
        server.serving.start();
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return listener.socket().getLocalPort();
    }

    // tag::serve[]
    /**
     * The selector loop, on the server's thread. It runs until {@link #close}, or, once {@link #stop} has closed
     * the listener, until the last client has left; then it closes every channel and the selector.
     */
    private void serve() {
        try {
            while (true) {
                if (stopping) {
                    listener.close();             // here, on the selecting thread; the next select() lets it go
                }
                if (closing || !listener.isOpen() && clients.isEmpty()) {
                    return;                       // closed, or stopped with nobody left: the finally cleans up
                }
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;                 // a client dropped earlier in this round
                    }
                    Client client = (Client) key.attachment();   // null for the listener's key
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else if (key.isReadable()) {
                            read(client);
                        } else {
                            write(client);        // not readable, so writable (the next round reads)
                        }
                    } catch (IOException e) {
                        leave(client);            // it reset or broke; a failed accept() has no client: no-op
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // the selector itself failed: nothing to serve with
        } finally {
            for (Client client : clients) {
                closeQuietly(client.channel);
            }
            closeQuietly(listener);
            closeQuietly(selector);               // deregisters every channel: their closes take effect now
        }
    }
    // end::serve[]

    /** A client is waiting: accept it, welcome it, tell the others. */
    private void accept() throws IOException {
        SocketChannel channel = listener.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        Client client = new Client(++lastId, channel);
        client.key = channel.register(selector, SelectionKey.OP_READ, client);
        clients.add(client);
        send(client, ascii("* you are #" + client.id + "\n"));
        broadcast(client, ascii("* #" + client.id + " joined\n"));
    }

    // tag::read[]
    /** The client's key was readable: read, and relay every whole line in its buffer to the others. */
    private void read(Client client) throws IOException {
        if (client.channel.read(client.in) == -1) {
            leave(client);                        // end of stream: the client has gone
            return;
        }
        ByteBuffer in = client.in;
        in.flip();
        int start = 0;
        for (int i = 0; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                byte[] prefix = ascii("#" + client.id + ": ");
                byte[] message = new byte[prefix.length + end - start + 1];
                System.arraycopy(prefix, 0, message, 0, prefix.length);
                in.get(start, message, prefix.length, end - start);
                message[message.length - 1] = '\n';
                broadcast(client, message);
                start = i + 1;
            }
        }
        in.position(start);
        in.compact();                             // keep the start of a line not yet whole
        if (!in.hasRemaining()) {
            log.println("#" + client.id + " dropped: a line longer than " + MAX_LINE + " bytes");
            leave(client);
        }
    }
    // end::read[]

    /** Sends {@code message} to every client but {@code from} (null: to all). */
    private void broadcast(Client from, byte[] message) {
        for (Client to : List.copyOf(clients)) {  // a copy: send() may drop a client, which changes the list
            if (to == from) {
                continue;                         // never back to its sender
            }
            if (to.channel.isOpen()) {            // not dropped meanwhile, by this very broadcast
                send(to, message);
            }
        }
    }

    // tag::send[]
    /** Puts {@code message} in the client's output buffer and asks for OP_WRITE; drops the client if it is full. */
    private void send(Client to, byte[] message) {
        if (message.length > to.out.remaining()) {
            log.println("#" + to.id + " dropped: " + OUTPUT_LIMIT + " bytes waiting, and it does not read");
            leave(to);
            return;
        }
        to.out.put(message);
        to.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /** The client's key was writable: send what the kernel takes; stop asking for OP_WRITE once all is sent. */
    private void write(Client client) throws IOException {
        client.out.flip();
        client.channel.write(client.out);
        client.out.compact();                     // what was not taken moves to the front, in write mode again
        if (client.out.position() == 0) {
            client.key.interestOps(SelectionKey.OP_READ);
        }
    }
    // end::send[]

    /** The client has gone (or is dropped): close it, forget it, tell the others. Once only (null: nothing). */
    private void leave(Client client) {
        if (!clients.remove(client)) {
            return;
        }
        closeQuietly(client.channel);             // cancels its key too
        broadcast(null, ascii("* #" + client.id + " left\n"));
    }

    // tag::stop[]
    /**
     * Stops taking new clients: the server's thread closes the listener at once (stop() wakes it up and returns).
     * The clients connected go on chatting; once the last has left, the server's thread ends.
     */
    public void stop() {
        stopping = true;
        selector.wakeup();                        // the thread may be in select(): make it look at the flag
    }

    /**
     * Ends everything: the server's thread closes every connection (each client reads the end of stream), the
     * listener and the selector, and ends. close() waits up to a second for that. If the calling thread is
     * interrupted meanwhile, it stops waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            awaitStopped(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
    // end::stop[]

    /** Waits up to {@code limit} for the server's thread to end; true if it has. */
    public boolean awaitStopped(Duration limit) throws InterruptedException {
        serving.join(Math.max(1, limit.toMillis()));   // join(0) would wait forever
        return !serving.isAlive();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Closing on purpose: an exception says only that it is unusable, which it is either way. */
    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // See above.
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The program {@code ChatServer <ip> <port>}: listens on {@code ip:port} (port 0: the system picks one), prints
     * {@code listening on <ip>:<port> (Ctrl-D stops it)} and serves until standard input ends. Then it stops
     * listening, prints {@code stopped listening; waiting up to 10 s for the clients to leave}, gives them up to
     * 10 s, closes and returns 0. The log is {@code err}.
     *
     * <p>Exit codes, the kit's convention (Lesson 02): 0 when it served until its input ended; 1 when it cannot
     * listen, with one line on {@code err} that names the address and port; 2 for a usage error (not two
     * arguments, an {@code <ip>} that is not an IP address, a {@code <port>} that is not a number from 0 to 65535),
     * with a line holding {@code Usage: ChatServer <ip> <port>} on {@code err} and nothing on {@code out}.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        InetAddress ip;
        int port;
        try {
            ip = InetAddress.getByName(args[0]);
            port = Integer.parseInt(args[1]);
        } catch (UnknownHostException | NumberFormatException e) {
            err.println("ChatServer: \"" + String.join(" ", args) + "\" is not <ip> <port>. " + USAGE);
            return 2;
        }
        if (port < 0 || port > 65535) {
            err.println("ChatServer: \"" + args[1] + "\" is not a port number from 0 to 65535. " + USAGE);
            return 2;
        }
        String host = ip.getHostAddress();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        ChatServer server;
        try {
            server = start(host, port, err);
        } catch (IOException e) {
            err.println("ChatServer: cannot listen on " + shown + ":" + port + ": " + e.getMessage());
            return 1;
        }
        try (server) {
            out.println("listening on " + shown + ":" + server.port() + " (Ctrl-D stops it)");
            in.transferTo(OutputStream.nullOutputStream());
            server.stop();
            out.println("stopped listening; waiting up to 10 s for the clients to leave");
            server.awaitStopped(Duration.ofSeconds(10));
        }
        return 0;
    }

    private static final String USAGE = "Usage: ChatServer <ip> <port>";
}
