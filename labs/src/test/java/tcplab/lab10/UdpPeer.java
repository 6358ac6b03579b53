package tcplab.lab10;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The check's scripted UDP server on 127.0.0.1: it records every datagram (bytes, sender, time of arrival) and
 * answers as its script says. Nothing it does waits on a clock, except what a script schedules on purpose.
 */
final class UdpPeer implements AutoCloseable {

    /** One datagram that came, and when ({@link System#nanoTime()}). */
    record Got(byte[] data, SocketAddress from, long nanos) {
        int id() {
            return data.length >= 4 ? ByteBuffer.wrap(data).getInt() : -1;
        }

        String text() {
            return data.length >= 4 ? new String(data, 4, data.length - 4, StandardCharsets.UTF_8) : "";
        }
    }

    /** What the server does with a datagram: {@code copy} counts the datagrams with the same bytes (1 = first). */
    interface Script {
        void on(Got got, int copy, UdpPeer peer) throws IOException;
    }

    /** The lesson's server: the same id, then the text and " *_*". */
    static final Script ECHO = (got, copy, peer) -> peer.send(reply(got.id(), got.text() + " *_*"), got.from());

    /** A server that reads and never answers. */
    static final Script SILENT = (got, copy, peer) -> { };

    private static final byte[] MARKER = "tcplab: marker".getBytes(StandardCharsets.UTF_8);

    private final DatagramSocket socket;
    private final Script script;
    private final List<Got> got = new ArrayList<>();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "udp-peer-later");
        t.setDaemon(true);
        return t;
    });
    private volatile CountDownLatch marker = new CountDownLatch(1);

    UdpPeer(Script script) throws IOException {
        this.script = script;
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Thread t = new Thread(this::serve, "udp-peer");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            var packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                continue;
            }
            byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
            if (Arrays.equals(data, MARKER)) {
                marker.countDown();
                continue;
            }
            var g = new Got(data, packet.getSocketAddress(), System.nanoTime());
            int copy;
            synchronized (this) {
                got.add(g);
                copy = (int) got.stream().filter(o -> Arrays.equals(o.data(), data)).count();
            }
            try {
                script.on(g, copy, this);
            } catch (IOException e) {
                // the client is gone: nothing to answer
            }
        }
    }

    void send(byte[] data, SocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    /** Sends {@code data} to {@code to} after {@code delay}, on the peer's own scheduler thread. */
    void sendLater(byte[] data, SocketAddress to, Duration delay) {
        later.schedule(() -> {
            try {
                send(data, to);
            } catch (IOException e) {
                // closed: the check is over
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Every datagram that came so far. Call {@link #drained} first when the client has just finished: datagrams it
     * sent may still be in the socket's queue.
     */
    synchronized List<Got> got() {
        return List.copyOf(got);
    }

    /**
     * Sends a marker datagram from a socket of the check's own and waits until the server has read it: every
     * datagram sent before the call is then in {@link #got()} (loopback delivers in order into one queue).
     */
    void drained() throws IOException, InterruptedException {
        marker = new CountDownLatch(1);
        try (var s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.send(new DatagramPacket(MARKER, MARKER.length, address()));
        }
        if (!marker.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the check's UDP server did not see its own marker within 5 s");
        }
    }

    static byte[] reply(int id, String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(id).put(bytes).array();
    }

    static byte[] request(int id, String text) {
        return reply(id, text);
    }

    @Override
    public void close() {
        later.shutdownNow();
        socket.close();
    }
}
