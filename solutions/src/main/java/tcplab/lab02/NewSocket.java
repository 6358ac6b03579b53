package tcplab.lab02;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import tcplab.kit.Inspector;

/**
 * Lab 02, the reference: C's {@code socket(domain, type, 0)}, in Java.
 */
public final class NewSocket {

    private NewSocket() {}

    /**
     * Opens a new, unbound, unconnected socket of {@code domain} and {@code type}, as
     * {@code socket(domain, type, 0)} does in C; refuses the pairs the JDK cannot open, saying why.
     */
    public static NetworkChannel open(Domain domain, Type type) throws IOException {
        // Refuse first, so that nothing is opened for a pair we cannot serve.
        if (domain == Domain.PACKET) {
            throw new UnsupportedOperationException("Java cannot open " + domain.cName() + " sockets (" + type.cName()
                    + "): the JDK has no packet sockets; reading whole link-layer frames needs root or CAP_NET_RAW "
                    + "and is Linux-only, so it is not portable");
        }
        if (type == Type.RAW) {
            throw new UnsupportedOperationException("Java cannot open " + type.cName() + " sockets (" + domain.cName()
                    + "): the JDK has no raw sockets; they need root or CAP_NET_RAW and behave differently on every "
                    + "system, so they are not portable");
        }
        if (domain == Domain.UNIX && type == Type.DGRAM) {
            throw new UnsupportedOperationException("Java cannot open AF_UNIX/SOCK_DGRAM sockets: the JDK API has "
                    + "UNIX domain stream channels (SocketChannel) but no UNIX datagram channels");
        }
        ProtocolFamily family = switch (domain) {
            case UNIX -> StandardProtocolFamily.UNIX;
            case INET -> StandardProtocolFamily.INET;
            case INET6 -> StandardProtocolFamily.INET6;
            case PACKET -> throw new AssertionError("refused above");
        };
        return type == Type.STREAM ? SocketChannel.open(family) : DatagramChannel.open(family);
    }

    /** The program: {@code <domain> <type>}; prints {@code sockfd = N} and the channel's kind. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Domain domain;
        Type type;
        try {
            if (args.length != 2) {
                throw new IllegalArgumentException("expected 2 arguments, got " + args.length);
            }
            domain = Domain.parse(args[0]);
            type = Type.parse(args[1]);
        } catch (IllegalArgumentException e) {
            // One line: what to type, and what was wrong with what was typed.
            err.println("Usage: NewSocket <domain> <type>, e.g. inet stream (" + e.getMessage() + ")");
            return 2;
        }

        Set<Inspector.Descriptor> before = Inspector.descriptors();
        NetworkChannel channel;
        try {
            channel = open(domain, type);
        } catch (UnsupportedOperationException | IOException e) {
            // C's perror("fail to socket") followed by exit(1).
            err.println("fail to socket: " + e.getMessage());
            return 1;
        }
        try (channel) {
            if (Inspector.available()) {
                // The first channel of a JVM can bring a helper socket of the JDK's own, opened just before
                // ours: ours is the last one.
                List<Inspector.Descriptor> opened = Inspector.openedSince(before);
                out.println("sockfd = " + opened.get(opened.size() - 1).fd());
            } else {
                out.println("sockfd: hidden by the JDK, which never shows descriptor numbers ("
                        + Inspector.unavailableReason() + ")");
            }
            out.println("type = " + (channel instanceof SocketChannel ? "SocketChannel" : "DatagramChannel")
                    + " (" + domain.cName() + ", " + type.cName() + ")");
        }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }
}
