package tcplab.kit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The socket inspector: what the kernel knows about our sockets, read on Linux from {@code /proc}.
 *
 * <p>Java hides the file descriptor that C's {@code socket()} returns, but the kernel still has one. Every entry
 * of {@code /proc/self/fd} that links to {@code socket:[INODE]} is one of this process's sockets, and the same
 * inode appears in {@code /proc/net/tcp} (and {@code tcp6}, {@code udp}, {@code udp6}) with the socket's addresses
 * and state: LISTEN, ESTABLISHED, CLOSE_WAIT, TIME_WAIT… On other systems {@link #available()} is false and every
 * method says it cannot look.
 */
public final class Inspector {

    /** One of this process's socket descriptors: the number C would have printed, and the kernel's inode. */
    public record Descriptor(int fd, long inode) implements Comparable<Descriptor> {
        @Override
        public int compareTo(Descriptor o) {
            return Integer.compare(fd, o.fd);
        }
    }

    /** One row of {@code /proc/net/tcp}-like tables. TIME_WAIT rows belong to no process: their inode is 0. */
    public record Row(String protocol, InetSocketAddress local, InetSocketAddress remote, String state, long inode) {
        @Override
        public String toString() {
            return protocol + " " + text(local) + " → " + text(remote) + " " + state;
        }

        /** An IPv4 address in a {@code tcp6}/{@code udp6} row is a dual-stack socket's: show it as ::ffff:a.b.c.d. */
        private String text(InetSocketAddress a) {
            if (a.getAddress().isAnyLocalAddress() && a.getPort() == 0) {
                return "*:*";   // no peer: a listener, or a datagram socket that is not connected (as netstat shows it)
            }
            String host = a.getAddress().isAnyLocalAddress() ? "*" : a.getAddress().getHostAddress();
            if (protocol.endsWith("6") && !host.contains(":") && !host.equals("*")) {
                host = "::ffff:" + host;
            }
            return (host.contains(":") ? "[" + host.replaceFirst("^0:0:0:0:0:0:0:1$", "::1") + "]" : host) + ":"
                    + a.getPort();
        }
    }

    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
        "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    /**
     * Set by {@link #pretendingUnavailable} for the thread of a check and the threads it starts (the learner's
     * code runs on one of those), so that the branch a lab takes on a system without /proc is graded on Linux too.
     */
    private static final InheritableThreadLocal<Boolean> PRETENDING = new InheritableThreadLocal<>();

    private Inspector() {}

    /** True where the kernel's tables can be read (Linux). */
    public static boolean available() {
        return !Boolean.TRUE.equals(PRETENDING.get())
                && Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** What to tell a learner on a system where the inspector cannot look. */
    public static String unavailableReason() {
        if (Boolean.TRUE.equals(PRETENDING.get())) {
            return "the check switched the socket inspector off, as on a system without /proc";
        }
        return "the socket inspector reads /proc, which only Linux has; on " + System.getProperty("os.name")
                + " use `lsof -i -P` or `netstat -an` to see the same";
    }

    /**
     * Runs {@code code} as if on a system without /proc: on this thread and on every thread it starts meanwhile,
     * {@link #available()} is false and the methods that read the kernel's tables find nothing. For a check of
     * what a lab does where the inspector cannot look.
     */
    public static <T> T pretendingUnavailable(java.util.concurrent.Callable<T> code) throws Exception {
        Boolean was = PRETENDING.get();
        PRETENDING.set(true);
        try {
            return code.call();
        } finally {
            PRETENDING.set(was);
        }
    }

    /** This process's open socket descriptors, lowest first. */
    public static Set<Descriptor> descriptors() {
        Set<Descriptor> result = new TreeSet<>();
        if (!available()) {
            return result;
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:[")) {
                        long inode = Long.parseLong(target.substring(8, target.length() - 1));
                        result.add(new Descriptor(Integer.parseInt(p.getFileName().toString()), inode));
                    }
                } catch (IOException | NumberFormatException gone) {
                    // The descriptor was closed while we listed the folder: it is not open, so skip it.
                }
            });
        } catch (IOException e) {
            return result;
        }
        return result;
    }

    /** The socket descriptors that are open now and were not in {@code before}: what some code just opened. */
    public static List<Descriptor> openedSince(Set<Descriptor> before) {
        var now = new ArrayList<>(descriptors());
        now.removeAll(before);
        return now;
    }

    /** Every TCP row, IPv4 and IPv6. Dual-stack Java sockets are in {@code tcp6}, so both files count. */
    public static List<Row> tcp() {
        return tcp(ALL);
    }

    private static List<Row> tcp(Keep keep) {
        var rows = new ArrayList<Row>();
        rows.addAll(read("/proc/net/tcp", "tcp", true, keep));
        rows.addAll(read("/proc/net/tcp6", "tcp6", true, keep));
        return rows;
    }

    /** Every UDP row, IPv4 and IPv6. */
    public static List<Row> udp() {
        return udp(ALL);
    }

    private static List<Row> udp(Keep keep) {
        var rows = new ArrayList<Row>();
        rows.addAll(read("/proc/net/udp", "udp", false, keep));
        rows.addAll(read("/proc/net/udp6", "udp6", false, keep));
        return rows;
    }

    /**
     * The TCP rows of the sockets this process has open (a closed socket's TIME_WAIT row is not among them): a check
     * that judges what the learner's code left open must not count another program on the machine that happens to
     * use the same port number on another address.
     */
    public static List<Row> ownTcp() {
        Set<Long> ours = new java.util.HashSet<>();
        for (Descriptor d : descriptors()) {
            ours.add(d.inode());
        }
        return tcp((local, remote, inode) -> ours.contains(inode));
    }

    /** This process's sockets listening on {@code port} (another process may use the same number elsewhere). */
    public static List<Row> ownListeners(int port) {
        return ownTcp().stream().filter(r -> r.local().getPort() == port && r.state().equals("LISTEN")).toList();
    }

    /** The rows of one end of a connection: local port {@code localPort}, remote port {@code remotePort}. */
    public static List<Row> tcpRowsBetween(int localPort, int remotePort) {
        return tcp((local, remote, inode) -> local == localPort && remote == remotePort);
    }

    /** The TCP rows whose local or remote port is {@code port}: both ends of a loopback connection show up. */
    public static List<Row> tcpRowsFor(int port) {
        return tcp((local, remote, inode) -> local == port || remote == port);
    }

    /** The states of the TCP rows whose local port is {@code port}, e.g. [LISTEN] or [ESTABLISHED, TIME_WAIT]. */
    public static List<String> tcpStatesAt(int localPort) {
        return tcp((local, remote, inode) -> local == localPort).stream().map(Row::state).toList();
    }

    /** The row for a descriptor's inode, if the socket is bound or connected (a fresh socket has no row yet). */
    public static Optional<Row> row(long inode) {
        Keep itself = (local, remote, found) -> found == inode;
        return Stream.concat(tcp(itself).stream(), udp(itself).stream()).findFirst();
    }

    /**
     * One line about a socket or channel, as a learner would want it: its descriptor and what the kernel says.
     * Accepts {@link NetworkChannel}, {@link Socket}, {@link ServerSocket} and {@link DatagramSocket}.
     */
    public static String describe(Object socket) {
        if (!available()) {
            return "(" + unavailableReason() + ")";
        }
        int port = localPort(socket);
        int remote = remotePort(socket);
        if (port <= 0) {
            return "(not bound yet: the kernel lists a socket in /proc/net/* once it has a port)";
        }
        for (Descriptor d : descriptors()) {
            Optional<Row> row = row(d.inode());
            // Match both ends: an accepted socket shares its local port with the listener that accepted it.
            if (row.isPresent() && row.get().local().getPort() == port
                    && (remote <= 0 ? row.get().remote().getPort() == 0 : row.get().remote().getPort() == remote)) {
                return "fd " + d.fd() + ": " + row.get();
            }
        }
        return "(bound to port " + port + ", but not listed: Linux shows a TCP socket in /proc/net/tcp only once it"
                + " listens or connects)";
    }

    /** Prints {@link #describe} — handy in JShell. */
    public static void show(Object socket) {
        System.out.println(describe(socket));
    }

    /** The peer's port of a connected socket; 0 for a listener, an unconnected socket or a datagram socket. */
    private static int remotePort(Object socket) {
        try {
            if (socket instanceof java.nio.channels.SocketChannel c) {
                return c.getRemoteAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
            } else if (socket instanceof Socket s) {
                return s.isConnected() ? s.getPort() : 0;
            } else if (socket instanceof java.nio.channels.DatagramChannel c) {
                return c.getRemoteAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
            } else if (socket instanceof DatagramSocket s) {
                return Math.max(0, s.getPort());
            }
        } catch (IOException closed) {
            return 0;
        }
        return 0;
    }

    private static int localPort(Object socket) {
        try {
            if (socket instanceof NetworkChannel c) {
                return c.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
            } else if (socket instanceof Socket s) {
                return s.getLocalPort();
            } else if (socket instanceof ServerSocket s) {
                return s.getLocalPort();
            } else if (socket instanceof DatagramSocket s) {
                return s.getLocalPort();
            }
        } catch (IOException closed) {
            return -1;
        }
        throw new IllegalArgumentException("not a socket or channel: " + socket);
    }

    /** Which rows a reading keeps, judged on a row's ports and inode before anything is made of it. */
    private interface Keep {
        boolean row(int localPort, int remotePort, long inode);
    }

    private static final Keep ALL = (local, remote, inode) -> true;

    /**
     * Where each thread reads the tables: kept from one reading to the next. A check may poll the table every 10 ms
     * while the learner's code may have dropped a socket it never closed; what a reading allocates must stay small,
     * or it would bring the collector in, and the collector closes such a socket (the grader's Heap says more).
     */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    /**
     * The rows of one table that {@code keep} keeps. A line reads "sl local remote st tx:rx tr:when retransmits uid
     * timeout inode …"; only the rows kept become objects, so a table full of other programs' and earlier checks'
     * TIME_WAIT rows costs next to nothing.
     */
    private static List<Row> read(String file, String protocol, boolean tcp, Keep keep) {
        var rows = new ArrayList<Row>();
        if (Boolean.TRUE.equals(PRETENDING.get())) {
            return rows;
        }
        byte[] text = BUFFER.get();
        int length = 0;
        try (var in = new java.io.FileInputStream(file)) {
            while (true) {
                if (length == text.length) {
                    text = java.util.Arrays.copyOf(text, text.length * 2);
                    BUFFER.set(text);
                }
                int n = in.read(text, length, text.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException e) {
            return rows;
        }
        int[] starts = new int[10];
        int[] ends = new int[10];
        int line = next(text, 0, length);                      // the first line is the header
        while (line < length) {
            int end = line;
            while (end < length && text[end] != '\n') {
                end++;
            }
            if (fields(text, line, end, starts, ends)) {
                int localColon = colon(text, starts[1], ends[1]);
                int remoteColon = colon(text, starts[2], ends[2]);
                int localPort = (int) number(text, localColon + 1, ends[1], 16);
                int remotePort = (int) number(text, remoteColon + 1, ends[2], 16);
                long inode = number(text, starts[9], ends[9], 10);
                if (localPort >= 0 && remotePort >= 0 && inode >= 0 && keep.row(localPort, remotePort, inode)) {
                    int code = (int) number(text, starts[3], ends[3], 16);
                    String state = tcp ? (code >= 0 && code < TCP_STATES.length ? TCP_STATES[code] : "?")
                            : (code == 1 ? "ESTABLISHED" : "UNCONNECTED");
                    try {
                        rows.add(new Row(protocol, address(text, starts[1], localColon, localPort),
                                address(text, starts[2], remoteColon, remotePort), state, inode));
                    } catch (IllegalArgumentException malformed) {
                        // not a line this reader knows: skip it, as the line without ten fields above
                    }
                }
            }
            line = end + 1;
        }
        return rows;
    }

    /** Where the line after the one at {@code from} begins. */
    private static int next(byte[] text, int from, int length) {
        while (from < length && text[from] != '\n') {
            from++;
        }
        return from + 1;
    }

    /** Finds the first ten space-separated fields of a line; false if it has fewer. */
    private static boolean fields(byte[] text, int from, int to, int[] starts, int[] ends) {
        int at = from;
        for (int i = 0; i < starts.length; i++) {
            while (at < to && text[at] == ' ') {
                at++;
            }
            if (at == to) {
                return false;
            }
            starts[i] = at;
            while (at < to && text[at] != ' ') {
                at++;
            }
            ends[i] = at;
        }
        return true;
    }

    private static int colon(byte[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] == ':') {
                return i;
            }
        }
        return to;
    }

    /** The number written in {@code text[from, to)} in {@code radix}; -1 if it is empty or not one. */
    private static long number(byte[] text, int from, int to, int radix) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text[i], radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** Parses "0100007F:1F90": the address is in the kernel's byte order, 32 bits at a time. */
    static InetSocketAddress address(String field) {
        byte[] text = field.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int colon = colon(text, 0, text.length);
        return address(text, 0, colon, (int) number(text, colon + 1, text.length, 16));
    }

    /** The address whose hexadecimal digits are {@code text[from, colon)}, with its port. */
    private static InetSocketAddress address(byte[] text, int from, int colon, int port) {
        byte[] bytes = new byte[(colon - from) / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = from + (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) (Character.digit(text[at], 16) << 4 | Character.digit(text[at + 1], 16));
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(new String(text, from, colon - from,
                    java.nio.charset.StandardCharsets.US_ASCII), e);
        }
    }
}
