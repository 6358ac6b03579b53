package tcplab.lab08;

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
import java.util.Iterator;

/**
 * Lab 06's frame server on ONE thread: a {@link Selector} tells the thread which sockets are ready, and the thread
 * never blocks on any one of them (Lesson 08, "The worked example"). Every frame a client sends is answered with
 * {@link Frames#reply}, byte for byte what Lab 06's {@code FrameServer} answers; a client that closes is closed. It
 * prints nothing per conversation: {@code ./tcplab bench 08} measures it against {@code epoll_server.c}.
 *
 * <p>Each connection has two buffers of its own, and is in one of two states: reading (interested in OP_READ, its
 * {@code out} empty) or writing (interested in OP_WRITE only, its {@code out} holding replies the kernel has not
 * taken yet). A client that sends faster than it reads is therefore not read again until it has taken its replies.
 */
public final class SelectorFrameServer {

    /** Room for 64 frames: a read may bring at most 64 whole frames, whose 64 replies then fit in {@code out}. */
    private static final int BUFFER = 64 * Frames.FRAME_SIZE;

    // tag::connection[]
    /** One connection's own state: never shared, since bytes of two clients must never mix. */
    private static final class Connection {
        /** Bytes read and not yet a whole frame (write mode: the next read appends). */
        final ByteBuffer in = ByteBuffer.allocate(BUFFER);
        /** Replies not yet taken by the kernel (read mode while there are some: the next write takes from it). */
        final ByteBuffer out = ByteBuffer.allocate(BUFFER);
    }
    // end::connection[]

    private SelectorFrameServer() {}

    // tag::loop[]
    /** Serves on the calling thread until {@code stop} is requested and the selector is woken up. */
    private static void serve(Selector selector, ServerSocketChannel listener, Stop stop) throws IOException {
        listener.register(selector, SelectionKey.OP_ACCEPT);
        while (!stop.requested) {
            selector.select();                          // blocks until some key is ready (or wakeup())
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();                         // or the selector hands it to us again, ready or not
                try {
                    if (key.isAcceptable()) {
                        accept(selector, listener);
                    } else if (key.isReadable()) {
                        read(key);
                    } else if (key.isWritable()) {
                        write(key);
                    }
                } catch (IOException e) {
                    close(key);                         // this client went wrong (a reset): the others go on
                }
            }
        }
    }
    // end::loop[]

    private static void accept(Selector selector, ServerSocketChannel listener) throws IOException {
        SocketChannel client = listener.accept();       // null if another thread took it; not here, but cheap
        if (client != null) {
            client.configureBlocking(false);            // a channel must be non-blocking to be registered
            client.register(selector, SelectionKey.OP_READ, new Connection());
        }
    }

    // tag::read[]
    /** The key was readable: take what the kernel has, answer every whole frame, keep the rest for later. */
    private static void read(SelectionKey key) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        Connection c = (Connection) key.attachment();
        if (client.read(c.in) == -1) {                  // end of stream: the client has said all it will say
            close(key);
            return;
        }
        c.in.flip();                                    // now read mode: from the first byte kept to the last read
        byte[] frame = new byte[Frames.FRAME_SIZE];
        while (c.in.remaining() >= Frames.FRAME_SIZE) {
            c.in.get(frame);
            c.out.put(Frames.frame(Frames.reply(Frames.text(frame))));
        }
        c.in.compact();                                 // keep a partial frame's bytes; back to write mode
        c.out.flip();
        write(key);
    }
    // end::read[]

    // tag::write[]
    /** Gives the kernel as much of {@code out} as it takes; waits for OP_WRITE only while some is left. */
    private static void write(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        ((SocketChannel) key.channel()).write(c.out);   // may take only part of it: the rest stays in out
        if (c.out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);     // stop reading this client until it takes its replies
        } else {
            c.out.clear();
            key.interestOps(SelectionKey.OP_READ);      // all sent: OP_WRITE now would be ready forever
        }
    }
    // end::write[]

    /** Closes the client's channel, which also cancels its key: the selector forgets it at its next select(). */
    private static void close(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // The channel is unusable either way, and nobody is there to be told.
        }
    }

    /** Set by the thread that watches standard input, which then wakes the selector up. */
    private static final class Stop {
        volatile boolean requested;
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The program {@code SelectorFrameServer <ip> <port>}, the same as Lab 06's {@code FrameServer}: listens on
     * {@code ip:port} (port 0: the system picks one), prints {@code listening on <ip>:<port> (Ctrl-D stops it)},
     * serves until standard input ends, then closes every connection and the listener, prints {@code stopped} and
     * returns 0. Exit codes, the kit's convention: 1 when it cannot listen, 2 for a usage error (a line holding
     * {@code Usage: SelectorFrameServer <ip> <port>} on {@code err}).
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        InetAddress ip;
        int port;
        try {
            if (args.length != 2) {
                throw new IllegalArgumentException();
            }
            ip = InetAddress.getByName(args[0]);
            port = Integer.parseInt(args[1]);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException | UnknownHostException e) {   // NumberFormatException is one too
            err.println("Usage: SelectorFrameServer <ip> <port>");
            return 2;
        }
        try (Selector selector = Selector.open(); ServerSocketChannel listener = ServerSocketChannel.open()) {
            try {
                listener.bind(new InetSocketAddress(ip, port), 1024);   // a deep backlog: bursts of connects
            } catch (IOException e) {
                err.println("SelectorFrameServer: cannot listen on " + ip.getHostAddress() + ":" + port + ": "
                        + e.getMessage());
                return 1;
            }
            listener.configureBlocking(false);
            String host = ip.getHostAddress();
            out.println("listening on " + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + listener.socket().getLocalPort() + " (Ctrl-D stops it)");
            Stop stop = new Stop();
            Thread watcher = new Thread(() -> {
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // An input that fails has ended too.
                }
                stop.requested = true;
                selector.wakeup();                      // made for this: ends the select() another thread is in
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
            serve(selector, listener, stop);
            for (SelectionKey key : selector.keys()) {
                close(key);                             // every client, and the listener too
            }
        }
        out.println("stopped");
        return 0;
    }
}
