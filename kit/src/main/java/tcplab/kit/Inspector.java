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
        var rows = new ArrayList<Row>();
        rows.addAll(read("/proc/net/tcp", "tcp", true));
        rows.addAll(read("/proc/net/tcp6", "tcp6", true));
        return rows;
    }

    /** Every UDP row, IPv4 and IPv6. */
    public static List<Row> udp() {
        var rows = new ArrayList<Row>();
        rows.addAll(read("/proc/net/udp", "udp", false));
        rows.addAll(read("/proc/net/udp6", "udp6", false));
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
        return tcp().stream().filter(r -> ours.contains(r.inode())).toList();
    }

    /** This process's sockets listening on {@code port} (another process may use the same number elsewhere). */
    public static List<Row> ownListeners(int port) {
        return ownTcp().stream().filter(r -> r.local().getPort() == port && r.state().equals("LISTEN")).toList();
    }

    /** The rows of one end of a connection: local port {@code localPort}, remote port {@code remotePort}. */
    public static List<Row> tcpRowsBetween(int localPort, int remotePort) {
        return tcp().stream().filter(r -> r.local().getPort() == localPort && r.remote().getPort() == remotePort)
                .toList();
    }

    /** The TCP rows whose local or remote port is {@code port}: both ends of a loopback connection show up. */
    public static List<Row> tcpRowsFor(int port) {
        return tcp().stream().filter(r -> r.local().getPort() == port || r.remote().getPort() == port).toList();
    }

    /** The states of the TCP rows whose local port is {@code port}, e.g. [LISTEN] or [ESTABLISHED, TIME_WAIT]. */
    public static List<String> tcpStatesAt(int localPort) {
        return tcp().stream().filter(r -> r.local().getPort() == localPort).map(Row::state).toList();
    }

    /** The row for a descriptor's inode, if the socket is bound or connected (a fresh socket has no row yet). */
    public static Optional<Row> row(long inode) {
        return Stream.concat(tcp().stream(), udp().stream()).filter(r -> r.inode() == inode).findFirst();
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

    private static List<Row> read(String file, String protocol, boolean tcp) {
        var rows = new ArrayList<Row>();
        if (Boolean.TRUE.equals(PRETENDING.get())) {
            return rows;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                int code = Integer.parseInt(f[3], 16);
                String state = tcp ? (code < TCP_STATES.length ? TCP_STATES[code] : "?")
                        : (code == 1 ? "ESTABLISHED" : "UNCONNECTED");
                rows.add(new Row(protocol, address(f[1]), address(f[2]), state, Long.parseLong(f[9])));
            }
        } catch (IOException | RuntimeException e) {
            return rows;
        }
        return rows;
    }

    /** Parses "0100007F:1F90": the address is in the kernel's byte order, 32 bits at a time. */
    static InetSocketAddress address(String field) {
        String[] parts = field.split(":");
        String hex = parts[0];
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field, e);
        }
    }
}
