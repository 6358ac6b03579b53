package tcplab.lab02;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tcplab.kit.Inspector;

/** Small tools the lab 02 checks share: probing the machine, moving one datagram, watching printed lines. */
final class Probe02 {

    private static Boolean ipv6Loopback;

    private Probe02() {}

    /** True when this machine can bind TCP and UDP sockets to ::1 (some containers have no IPv6 at all). */
    static synchronized boolean hasIpv6Loopback() {
        if (ipv6Loopback == null) {
            try (var tcp = ServerSocketChannel.open(StandardProtocolFamily.INET6);
                 var udp = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                tcp.bind(new InetSocketAddress(ipv6(), 0));
                udp.bind(new InetSocketAddress(ipv6(), 0));
                ipv6Loopback = true;
            } catch (IOException | UnsupportedOperationException e) {
                ipv6Loopback = false;
            }
        }
        return ipv6Loopback;
    }

    static InetAddress ipv4() {
        return address("127.0.0.1");
    }

    static InetAddress ipv6() {
        return address("::1");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(literal, e);
        }
    }

    /**
     * Makes sure the JDK's own helper sockets exist before a check counts descriptors: on JDK 25 the first
     * channel of a JVM brings one along.
     */
    static void warmUp() throws IOException {
        SocketChannel.open(StandardProtocolFamily.INET).close();
        DatagramChannel.open(StandardProtocolFamily.INET).close();
    }

    /** Receives one datagram on {@code channel} (left non-blocking), or null when none came within {@code limit}. */
    static String receive(DatagramChannel channel, Duration limit, SocketAddress[] from) throws IOException {
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            long end = System.nanoTime() + limit.toNanos();
            ByteBuffer buffer = ByteBuffer.allocate(1500);
            while (System.nanoTime() < end) {
                selector.select(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                SocketAddress sender = channel.receive(buffer);
                if (sender != null) {
                    from[0] = sender;
                    buffer.flip();
                    key.cancel();
                    return StandardCharsets.UTF_8.decode(buffer).toString();
                }
            }
            key.cancel();
            return null;
        }
    }

    /** A line the program printed, and the socket descriptors the process had open at that moment. */
    record Printed(String line, Set<Inspector.Descriptor> openThen) {}

    /**
     * Standard output for a program run that notes, for each complete line, which socket descriptors were open
     * while it was printed: "sockfd = N" must name a socket that was open right then.
     */
    static final class Watching extends OutputStream {
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<Printed> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            all.write(b);
            if (b == '\n') {
                lines.add(new Printed(line.toString(StandardCharsets.UTF_8).strip(), Inspector.descriptors()));
                line.reset();
            } else {
                line.write(b);
            }
        }

        synchronized List<Printed> lines() {
            return List.copyOf(lines);
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /** Descriptors as a learner reads them, {@code [fd 5, fd 7]}: the inode numbers say nothing to a learner. */
    static String fds(java.util.Collection<Inspector.Descriptor> descriptors) {
        return descriptors.stream().sorted().map(d -> "fd " + d.fd())
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /**
     * A program's stderr with its stack traces cut short: the exception line and the frames of the lab's own code
     * stay, the frames of the kit, the JDK and the thread (which differ from one JDK to the next) become one line.
     */
    static String shortStackTraces(String err) {
        var sb = new StringBuilder();
        boolean skipping = false;
        for (String line : err.split("\n", -1)) {
            boolean frame = line.matches("^\\s+at .*") || line.matches("^\\s+\\.\\.\\. \\d+ more$");
            if (frame && !line.contains("tcplab.lab")) {
                if (!skipping) {
                    sb.append("\tat ... (frames of the kit and the JDK)\n");
                }
                skipping = true;
                continue;
            }
            skipping = false;
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
