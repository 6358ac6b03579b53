package tcplab.kit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bad network between one UDP client and one server, on loopback: it drops, duplicates and delays datagrams (a
 * delayed datagram is overtaken by the ones after it: reordering), in both directions.
 *
 * <p>The client sends to {@link #address()}; the relay forwards to the server from a socket of its own and sends the
 * server's datagrams back to the client (the address the client's first datagram came from). Every decision is
 * deterministic from the seed: it depends on the seed, the direction, the datagram's bytes and how many copies of
 * those same bytes went that way before, never on timing or on the order of other datagrams. The same seed gives
 * the same fate to the same request however a program's retries interleave, and a failure message can say what
 * happened: {@link #story()} reads "request #3 → server: dropped, dropped, delivered".
 */
public final class LossyUdpRelay implements AutoCloseable {

    /** How bad one direction is: probabilities from 0 to 1, and the longest delay of a delayed datagram. */
    public record Faults(double drop, double duplicate, double delay, Duration maxDelay) {
        public static final Faults NONE = new Faults(0, 0, 0, Duration.ZERO);
    }

    private static final int MAX = 65_535;

    private final long seed;
    private final Faults toServer;
    private final Faults toClient;
    private final Function<byte[], String> label;
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final ScheduledExecutorService later;
    private final Map<String, Integer> copies = new HashMap<>();
    private final Map<String, List<String>> fates = new LinkedHashMap<>();
    private volatile SocketAddress client;

    private LossyUdpRelay(InetSocketAddress server, long seed, Faults toServer, Faults toClient,
            Function<byte[], String> label) throws IOException {
        this.seed = seed;
        this.toServer = toServer;
        this.toClient = toClient;
        this.label = label;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        front = new DatagramSocket(new InetSocketAddress(loopback, 0));
        try {
            back = new DatagramSocket(new InetSocketAddress(loopback, 0));
            back.connect(server);
        } catch (IOException | RuntimeException e) {
            front.close();
            throw e;
        }
        later = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relay-delays"));
    }

    /**
     * Starts a relay to {@code server}. {@code label} names a datagram in the record ("request #3", "reply #3");
     * datagrams with the same label and direction are told apart by their bytes.
     */
    public static LossyUdpRelay start(InetSocketAddress server, long seed, Faults toServer, Faults toClient,
            Function<byte[], String> label) throws IOException {
        var relay = new LossyUdpRelay(server, seed, toServer, toClient, label);
        daemon(() -> relay.pump(relay.front, true), "relay-to-server").start();
        daemon(() -> relay.pump(relay.back, false), "relay-to-client").start();
        return relay;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Where the client sends its datagrams. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private void pump(DatagramSocket from, boolean towardsServer) {
        byte[] buffer = new byte[MAX];
        while (!from.isClosed()) {
            var packet = new DatagramPacket(buffer, buffer.length);
            try {
                from.receive(packet);
            } catch (IOException e) {
                if (from.isClosed()) {
                    return;
                }
                continue; // e.g. the server's port unreachable: the datagram is lost, as on a network
            }
            byte[] data = Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset()
                    + packet.getLength());
            if (towardsServer) {
                client = packet.getSocketAddress();
            }
            forward(data, towardsServer);
        }
    }

    private void forward(byte[] data, boolean towardsServer) {
        Faults faults = towardsServer ? toServer : toClient;
        String key = (towardsServer ? ">" : "<") + java.util.HexFormat.of().formatHex(data);
        int copy;
        synchronized (this) {
            copy = copies.merge(key, 1, Integer::sum);
        }
        // One generator per (seed, direction, bytes, copy): the same datagram meets the same fate on every run.
        var random = new SplittableRandom(mix(mix(mix(seed) ^ key.hashCode()) + copy));
        String name = label.apply(data) + (towardsServer ? " → server" : " → client");
        if (random.nextDouble() < faults.drop()) {
            note(name, "dropped");
            return;
        }
        boolean twice = random.nextDouble() < faults.duplicate();
        long delay = random.nextDouble() < faults.delay() && faults.maxDelay().toMillis() > 0
                ? 1 + random.nextInt((int) faults.maxDelay().toMillis()) : 0;
        note(name, (delay > 0 ? "delayed " + delay + " ms" : "delivered") + (twice ? " twice" : ""));
        Runnable send = () -> {
            send(data, towardsServer);
            if (twice) {
                send(data, towardsServer);
            }
        };
        if (delay == 0) {
            send.run();
        } else {
            try {
                later.schedule(send, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the relay is closed: the datagram is lost with it
            }
        }
    }

    /** A 64-bit mixer (MurmurHash3's finalizer): nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private void send(byte[] data, boolean towardsServer) {
        try {
            if (towardsServer) {
                back.send(new DatagramPacket(data, data.length));
            } else if (client != null) {
                front.send(new DatagramPacket(data, data.length, client));
            }
        } catch (IOException e) {
            // closed, or the server is gone: a lost datagram
        }
    }

    private synchronized void note(String name, String fate) {
        fates.computeIfAbsent(name, k -> new ArrayList<>()).add(fate);
    }

    /** What the relay did, one line per datagram name in the order they first came: "request #3 → server: …". */
    public synchronized List<String> story() {
        var lines = new ArrayList<String>();
        fates.forEach((name, list) -> lines.add(name + ": " + String.join(", ", list)));
        return lines;
    }

    /** The fates of the datagrams named {@code name} ("request #3 → server"), in order; empty if none came. */
    public synchronized List<String> fatesOf(String name) {
        return List.copyOf(fates.getOrDefault(name, List.of()));
    }

    @Override
    public void close() {
        later.shutdownNow();
        front.close();
        back.close();
    }

    /** For a closed relay's sockets: {@code true} once both are closed. */
    public boolean isClosed() {
        return front.isClosed() && back.isClosed();
    }
}
