package tcplab.lab02;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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

    /**
     * One in-process run of the learner's program: its exit code (null when run() threw or was not written),
     * what it printed on each stream, and what it threw. Unlike {@code ProgramRun}, an exception that run() lets
     * out is kept, so that a check can say what to do about it.
     */
    record Run(List<String> args, Integer exitCode, String out, String err, Throwable thrown) {

        boolean hasStackTrace() {
            return err.lines().anyMatch(l -> l.startsWith("\tat ") || l.matches("^\\s+at \\S+\\(.*"));
        }

        /** The run as a learner reads it in a failure message, stack traces cut to the lab's own frames. */
        String describe() {
            return (thrown == null ? "exit code " + exitCode
                            : "run() let out " + thrown.getClass().getName()
                                    + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage())
                                    + "\nat " + tcplab.kit.LabCode.where(thrown.getStackTrace()))
                    + "\nstdout: " + (out.isEmpty() ? "(nothing)" : tcplab.kit.Transcript.quote(out))
                    + "\nstderr: " + (err.isEmpty() ? "(nothing)" : tcplab.kit.Transcript.quote(shortStackTraces(err)));
        }
    }

    /** Runs the learner's program in-process with {@code args}, its standard output going to {@code out}. */
    static Run run(String doing, Duration limit, Watching out, String... args) {
        var err = new ByteArrayOutputStream();
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            var outcome = tcplab.kit.LabCode.outcome(doing, limit,
                    () -> NewSocket.run(args.clone(), InputStream.nullInputStream(), outStream, errStream));
            return new Run(List.of(args), outcome.value(), out.text(), err.toString(StandardCharsets.UTF_8),
                    outcome.thrown());
        }
    }

    /** Like {@link #run(String, Duration, Watching, String...)}, with a standard output of its own. */
    static Run run(String doing, Duration limit, String... args) {
        return run(doing, limit, new Watching(), args);
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
            // The lab's own frames stay; the check's (this class, the checks) go with the kit's and the JDK's.
            boolean labs = line.contains("tcplab.lab") && !line.contains("Probe02") && !line.contains("Checks.");
            if (frame && !labs) {
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
