package tcplab.kit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator of {@code ./tcplab bench}: one thread, one {@link Selector}, many connections, speaking the
 * 128-byte frame protocol of Lessons 03 to 06 (a frame out, its reply back: the text and {@code " *_*"},
 * NUL-padded). Every reply is compared byte for byte with the one expected (a wrong reply, a reply missing because
 * the server closed, counts as an error: a failed run, not a fast one), and every round trip's time from the
 * frame's write to its reply's last byte goes into an HdrHistogram.
 *
 * <p>It runs as its own JVM (so that it can be pinned to its own core, and has the JIT the CLI's own JVM turns
 * down), started by {@code BenchCommand}. On stdout it says {@code measuring} and {@code measured} as the measured
 * time begins and ends (so that the server's CPU time can be read over the same time; after {@code measured} it
 * waits for a line on stdin before it closes anything), then its result line, {@link Result#line()}.
 *
 * <ul>
 *   <li>{@code load}: each connection keeps {@code depth} frames in flight (1: ping-pong, a frame, its reply, the
 *       next frame), flat out, first for the warm-up (not counted), then for the measured time.</li>
 *   <li>{@code hold}: each connection sends one frame a second, the connections' beats spread evenly over the
 *       second; at the end every connection must still be open with every reply received.</li>
 * </ul>
 * The generator's own CPU time over the measured time is part of the result: near 100 % of its core, it, not the
 * server, was the limit.
 */
public final class LoadGenerator {

    public static final int FRAME = 128;
    private static final byte[] SUFFIX = " *_*".getBytes(StandardCharsets.US_ASCII);

    /**
     * What one run measured. {@code connected} of {@code wanted} connections were made (each one not made is an
     * error); {@code lost} of those broke or were closed by the server before the end; {@code late} counts the
     * beats of {@code hold} skipped because the previous reply was over a second late. Latencies in microseconds;
     * {@code cpu} is the generator's share of one core.
     */
    public record Result(int wanted, int connected, long roundTrips, double seconds, long errors, int lost, long late,
            double p50, double p99, double p999, double max, double cpu, String firstError) {

        public double perSecond() {
            return seconds > 0 ? roundTrips / seconds : 0;
        }

        /** The line the generator prints, its first error last; {@link #parse} reads it back. */
        public String line() {
            return String.format(Locale.ROOT,
                    "result wanted=%d connected=%d roundtrips=%d seconds=%.4f errors=%d lost=%d late=%d p50=%.1f "
                            + "p99=%.1f p999=%.1f max=%.1f cpu=%.4f first-error=%s",
                    wanted, connected, roundTrips, seconds, errors, lost, late, p50, p99, p999, max, cpu,
                    firstError == null ? "-" : firstError.replace('\n', ' '));
        }

        public static Result parse(String line) {
            var v = new java.util.HashMap<String, String>();
            int at = line.indexOf(" first-error=");       // the last field, taken whole: it may hold spaces
            v.put("first-error", line.substring(at + " first-error=".length()));
            for (String word : line.substring("result ".length(), at).split(" ")) {
                int eq = word.indexOf('=');
                v.put(word.substring(0, eq), word.substring(eq + 1));
            }
            String first = v.get("first-error");
            return new Result(Integer.parseInt(v.get("wanted")), Integer.parseInt(v.get("connected")),
                    Long.parseLong(v.get("roundtrips")), Double.parseDouble(v.get("seconds")),
                    Long.parseLong(v.get("errors")), Integer.parseInt(v.get("lost")), Long.parseLong(v.get("late")),
                    Double.parseDouble(v.get("p50")),
                    Double.parseDouble(v.get("p99")), Double.parseDouble(v.get("p999")),
                    Double.parseDouble(v.get("max")), Double.parseDouble(v.get("cpu")),
                    "-".equals(first) ? null : first);
        }
    }

    /** One connection: what it sent and when, what it has read of the replies so far. */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer in;
        final long[] sentAt;        // ring: the write time of each frame in flight, oldest first
        long sent;                  // frames written
        long answered;              // replies read (right or wrong)
        boolean open = true;

        Conn(int id, SocketChannel channel, int depth) {
            this.id = id;
            this.channel = channel;
            this.in = ByteBuffer.allocate(FRAME * Math.max(depth, 8));
            this.sentAt = new long[depth];
        }

        long inFlight() {
            return sent - answered;
        }
    }

    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(100), 3);
    private final byte[] scratch = new byte[FRAME];
    private final ByteBuffer out = ByteBuffer.allocate(FRAME * 64);
    private long roundTrips;
    private long errors;
    private int lost;
    private long late;
    private String firstError;
    private boolean recording;
    /** Where the generator says "measuring" and "measured", as the measured time begins and ends. */
    private final PrintStream progress;
    /** After "measured", the generator waits for a line (or the end) here before it closes its connections. */
    private final java.io.InputStream go;

    private LoadGenerator(java.io.InputStream go, PrintStream progress) {
        this.go = go;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * {@code load HOST PORT CONNECTIONS DEPTH WARMUP_MS MEASURE_MS SOURCES} or
     * {@code hold HOST PORT CONNECTIONS 1 WARMUP_MS MEASURE_MS SOURCES}; SOURCES is a comma-separated list of local
     * addresses to connect from, in turn (several loopback addresses: ephemeral ports are not the limit).
     */
    public static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err)
            throws IOException {
        if (args.length != 8 || !(args[0].equals("load") || args[0].equals("hold"))) {
            err.println("Usage: LoadGenerator load|hold HOST PORT CONNECTIONS DEPTH WARMUP_MS MEASURE_MS SOURCES");
            return 2;
        }
        var target = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        int connections = Integer.parseInt(args[3]);
        int depth = Integer.parseInt(args[4]);
        long warmup = Long.parseLong(args[5]);
        long measure = Long.parseLong(args[6]);
        List<InetAddress> sources = new ArrayList<>();
        for (String s : args[7].split(",")) {
            sources.add(InetAddress.getByName(s));
        }
        var generator = new LoadGenerator(in, out);
        Result result = args[0].equals("load")
                ? generator.load(target, connections, depth, warmup, measure, sources)
                : generator.hold(target, connections, warmup, measure, sources);
        out.println(result.line());
        out.flush();
        return 0;
    }

    /** Connections being made at once: enough to hide a crowded server's slow accepts, few enough not to flood it. */
    private static final int CONNECTING_AT_ONCE = 64;

    /**
     * Connects {@code n} channels, up to {@link #CONNECTING_AT_ONCE} at a time (a server with a short backlog drops
     * the SYNs beyond it, and they are sent again a second later), all within 60 s; returns those connected, in
     * the order of their ids, registered for reading.
     */
    private List<Conn> connect(Selector selector, InetSocketAddress target, int n, int depth,
            List<InetAddress> sources) throws IOException {
        Conn[] made = new Conn[n];
        int next = 0;
        int pending = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Selector connecting = Selector.open()) {
            while ((next < n || pending > 0) && System.nanoTime() < deadline) {
                while (next < n && pending < CONNECTING_AT_ONCE) {
                    int i = next++;
                    SocketChannel channel = null;
                    try {
                        channel = SocketChannel.open();
                        channel.configureBlocking(false);
                        channel.bind(new InetSocketAddress(sources.get(i % sources.size()), 0));
                        if (channel.connect(target)) {
                            made[i] = connected(selector, channel, i, depth);
                        } else {
                            channel.register(connecting, SelectionKey.OP_CONNECT, i);
                            pending++;
                        }
                    } catch (IOException e) {
                        error("connection " + i + " of " + n + " could not connect: " + e.getMessage());
                        closeQuietly(channel);
                    }
                }
                connecting.select(100);
                for (SelectionKey key : connecting.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    SocketChannel channel = (SocketChannel) key.channel();
                    key.cancel();
                    pending--;
                    try {
                        channel.finishConnect();
                        made[i] = connected(selector, channel, i, depth);
                    } catch (IOException e) {
                        error("connection " + i + " of " + n + " could not connect: " + e.getMessage());
                        closeQuietly(channel);
                    }
                }
                connecting.selectedKeys().clear();
            }
            connecting.selectNow();                       // the cancelled keys leave the key set
            for (SelectionKey key : connecting.keys()) {
                if (!key.isValid()) {
                    continue;
                }
                error("connection " + key.attachment() + " of " + n + " could not connect within 60 s");
                closeQuietly((SocketChannel) key.channel());
            }
            if (next < n) {
                error((n - next) + " of " + n + " connections not even tried within 60 s");
                errors += n - next - 1;
            }
        }
        List<Conn> conns = new ArrayList<>(n);
        for (Conn c : made) {
            if (c != null) {
                conns.add(c);
            }
        }
        return conns;
    }

    private Conn connected(Selector selector, SocketChannel channel, int id, int depth) throws IOException {
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        var conn = new Conn(id, channel, depth);
        channel.register(selector, SelectionKey.OP_READ, conn);
        return conn;
    }

    private Result load(InetSocketAddress target, int n, int depth, long warmupMs, long measureMs,
            List<InetAddress> sources) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = connect(selector, target, n, depth, sources);
            for (Conn c : conns) {
                for (int k = 0; k < depth; k++) {
                    send(c);
                }
            }
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
            long cpuFrom = 0;
            long now = start;
            if (warmupMs == 0) {
                startRecording();
                cpuFrom = cpuTime();
            }
            while (now < end) {
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis((recording ? end : measureFrom) - now));
                selector.select(waitMs);
                now = System.nanoTime();
                if (!recording && now >= measureFrom) {
                    startRecording();
                    cpuFrom = cpuTime();
                    measureFrom = now;
                }
                var keys = selector.selectedKeys();
                for (SelectionKey key : keys) {
                    Conn c = (Conn) key.attachment();
                    if (readReplies(c, now)) {
                        for (long k = c.inFlight(); k < depth && c.open; k++) {
                            send(c);
                        }
                    } else {
                        key.cancel();
                    }
                }
                keys.clear();
            }
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            progress.println("measured");
            progress.flush();
            go.read();                    // the bench reads the server's CPU time while every connection is open
            double cpu = (cpuTime() - cpuFrom) / 1e9 / seconds;
            int connected = conns.size();
            for (Conn c : conns) {
                closeQuietly(c.channel);
            }
            return result(n, connected, seconds, cpu);
        }
    }

    private Result hold(InetSocketAddress target, int n, long warmupMs, long measureMs, List<InetAddress> sources)
            throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = connect(selector, target, n, 1, sources);
            long beat = TimeUnit.SECONDS.toNanos(1);
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
            long cpuFrom = cpuTime();
            long due = 0;                 // beats sent so far, over all connections; beat k is connection k % size
            long now = start;
            int size = Math.max(1, conns.size());
            if (warmupMs == 0) {
                startRecording();
            }
            while (now < end) {
                long next = start + due * beat / size;
                if (next > now) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now)));
                } else {
                    selector.selectNow();
                }
                now = System.nanoTime();
                if (!recording && now >= measureFrom) {
                    startRecording();
                    cpuFrom = cpuTime();
                    measureFrom = now;
                }
                var keys = selector.selectedKeys();
                for (SelectionKey key : keys) {
                    if (!readReplies((Conn) key.attachment(), now)) {
                        key.cancel();
                    }
                }
                keys.clear();
                while (!conns.isEmpty() && start + due * beat / size <= now) {
                    Conn c = conns.get((int) (due % size));
                    due++;
                    if (!c.open) {
                        continue;
                    }
                    if (c.inFlight() > 0) {
                        late++;       // its reply is over a second late: this beat is skipped, the reply may come
                        continue;
                    }
                    send(c);
                }
            }
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            progress.println("measured");
            progress.flush();
            go.read();                    // the bench reads the server's CPU time while every connection is open
            double cpu = (cpuTime() - cpuFrom) / 1e9 / seconds;
            // The last beats' replies: up to 5 s more for them, then whatever is still missing is lost.
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (conns.stream().anyMatch(c -> c.open && c.inFlight() > 0) && System.nanoTime() < drainEnd) {
                selector.select(50);
                now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!readReplies((Conn) key.attachment(), now)) {
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
            int connected = conns.size();
            for (Conn c : conns) {
                if (c.open && c.inFlight() > 0) {
                    error("connection " + c.id + ": its last reply never came");
                    lost++;
                }
                closeQuietly(c.channel);
            }
            return result(n, connected, seconds, cpu);
        }
    }

    private void startRecording() {
        progress.println("measuring");
        progress.flush();
        recording = true;
        histogram.reset();
        roundTrips = 0;
    }

    private Result result(int wanted, int connected, double seconds, double cpu) {
        double us = 1000.0;
        boolean any = histogram.getTotalCount() > 0;
        return new Result(wanted, connected, roundTrips, seconds, errors, lost, late,
                any ? histogram.getValueAtPercentile(50) / us : 0, any ? histogram.getValueAtPercentile(99) / us : 0,
                any ? histogram.getValueAtPercentile(99.9) / us : 0, any ? histogram.getMaxValue() / us : 0, cpu,
                firstError);
    }

    /** Writes frame number {@code c.sent} of connection {@code c}: the text {@code "c<id> <n>"}, NUL-padded. */
    private void send(Conn c) {
        out.clear();
        int len = text(c.id, c.sent, scratch);
        Arrays.fill(scratch, len, FRAME, (byte) 0);
        out.put(scratch, 0, FRAME).flip();
        c.sentAt[(int) (c.sent % c.sentAt.length)] = System.nanoTime();
        c.sent++;
        try {
            while (out.hasRemaining()) {
                if (c.channel.write(out) == 0) {
                    // 128 bytes never fill a healthy socket's send buffer; a server that stopped reading has.
                    error("connection " + c.id + ": the server stopped reading (send buffer full)");
                    fail(c);
                    return;
                }
            }
        } catch (IOException e) {
            error("connection " + c.id + ": write failed: " + e.getMessage());
            fail(c);
        }
    }

    /**
     * Reads what has arrived on {@code c} and checks every whole reply; false when the connection is finished (the
     * server closed it or reset it: every frame it still owed is an error).
     */
    private boolean readReplies(Conn c, long now) {
        if (!c.open) {
            return false;
        }
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            error("connection " + c.id + ": " + e.getMessage());
            fail(c);
            return false;
        }
        if (n == -1) {
            error("connection " + c.id + ": the server closed the connection with " + c.inFlight()
                    + " replies owed");
            fail(c);
            return false;
        }
        c.in.flip();
        byte[] got = c.in.array();
        int pos = c.in.position();
        while (c.in.limit() - pos >= FRAME) {
            if (c.inFlight() == 0) {
                error("connection " + c.id + ": a reply to a frame never sent");
                pos += FRAME;
                continue;
            }
            long seq = c.answered;
            int len = text(c.id, seq, scratch);
            System.arraycopy(SUFFIX, 0, scratch, len, SUFFIX.length);
            Arrays.fill(scratch, len + SUFFIX.length, FRAME, (byte) 0);
            if (Arrays.equals(got, pos, pos + FRAME, scratch, 0, FRAME)) {
                if (recording) {
                    roundTrips++;
                    histogram.recordValue(Math.min(now - c.sentAt[(int) (seq % c.sentAt.length)],
                            histogram.getHighestTrackableValue()));
                }
            } else {
                error("connection " + c.id + ": reply " + seq + " was not \"" + printable(scratch) + "\" but \""
                        + printable(Arrays.copyOfRange(got, pos, pos + FRAME)) + "\"");
            }
            c.answered++;
            pos += FRAME;
        }
        c.in.position(pos);
        c.in.compact();
        return true;
    }

    private void fail(Conn c) {
        if (c.open) {
            c.open = false;
            lost++;
            errors += c.inFlight();
            closeQuietly(c.channel);
        }
    }

    private void error(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    /** Writes {@code "c<id> <seq>"} in ASCII at the start of {@code into}; returns its length. */
    static int text(int id, long seq, byte[] into) {
        int i = 0;
        into[i++] = 'c';
        i = digits(id, into, i);
        into[i++] = ' ';
        return digits(seq, into, i);
    }

    private static int digits(long value, byte[] into, int at) {
        int len = 1;
        for (long v = value; v >= 10; v /= 10) {
            len++;
        }
        for (int k = at + len - 1; k >= at; k--) {
            into[k] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + len;
    }

    private static String printable(byte[] frame) {
        var sb = new StringBuilder();
        int end = frame.length;
        while (end > 0 && frame[end - 1] == 0) {
            end--;
        }
        for (int i = 0; i < end && sb.length() < 60; i++) {
            int b = frame[i] & 0xFF;
            sb.append(b >= 0x20 && b < 0x7F && b != '"' ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.toString();
    }

    private static long cpuTime() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static void closeQuietly(SocketChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing at the end of a run: nothing to report
        }
    }
}
