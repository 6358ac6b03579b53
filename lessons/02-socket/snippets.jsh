// Lesson 02: creating a socket. Open with `./tcplab jshell 02`; every snippet prints what it shows.
import java.net.*;
import java.nio.*;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import tcplab.kit.*;

// tag::open-each[]
// One channel for each (domain, type) pair the JDK can open. Nothing is bound or connected yet.
SocketChannel tcp4 = SocketChannel.open(StandardProtocolFamily.INET);     // AF_INET,  SOCK_STREAM
SocketChannel tcp6 = SocketChannel.open(StandardProtocolFamily.INET6);    // AF_INET6, SOCK_STREAM
SocketChannel local = SocketChannel.open(StandardProtocolFamily.UNIX);    // AF_UNIX,  SOCK_STREAM
DatagramChannel udp4 = DatagramChannel.open(StandardProtocolFamily.INET); // AF_INET,  SOCK_DGRAM
DatagramChannel udp6 = DatagramChannel.open(StandardProtocolFamily.INET6);// AF_INET6, SOCK_DGRAM
for (Channel c : List.of(tcp4, tcp6, local, udp4, udp6)) {
    System.out.println(c.getClass().getSimpleName() + "  open=" + c.isOpen() + "  " + c);
}
// end::open-each[]

// tag::side-by-side[]
// The source's example in Java: the type is the class, the domain the argument, and protocol 0 is implied.
try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET)) {
    System.out.println("opened " + channel);
}   // closed here on every way out; a failure would have been an IOException, not -1
// end::side-by-side[]

// tag::opened-since[]
// Java never shows the descriptor number, but the kernel has one: compare /proc/self/fd before and after.
Set<Inspector.Descriptor> before = Inspector.descriptors();
SocketChannel fresh = SocketChannel.open(StandardProtocolFamily.INET);
List<Inspector.Descriptor> mine = Inspector.openedSince(before);
System.out.println("new socket descriptors: " + mine);
System.out.println(mine.isEmpty() ? "sockfd: hidden (" + Inspector.unavailableReason() + ")"
        : "sockfd = " + mine.get(mine.size() - 1).fd());
fresh.close();
System.out.println("after close(): " + Inspector.openedSince(before));
// end::opened-since[]

// tag::kernel-view[]
// What /proc/net/tcp says about a TCP socket: nothing until it listens or connects.
ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
listener.bind(new InetSocketAddress("127.0.0.1", 0));
System.out.println("listener:           " + Inspector.describe(listener));

SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
System.out.println("fresh socket:       " + Inspector.describe(client));
client.bind(new InetSocketAddress("127.0.0.1", 0));
System.out.println("bound, unconnected: " + Inspector.describe(client));
client.connect(listener.getLocalAddress());
System.out.println("connected:          " + Inspector.describe(client));

// The same with no protocol family: a dual-stack IPv6 socket, listed in tcp6 as ::ffff:127.0.0.1.
SocketChannel dual = SocketChannel.open();
dual.connect(listener.getLocalAddress());
System.out.println("open() with no family, connected: " + Inspector.describe(dual));

// The raw lines of the kernel's tables for the listener's port: addresses and ports in hexadecimal.
String hexPort = String.format(":%04X", ((InetSocketAddress) listener.getLocalAddress()).getPort());
for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
    if (!Files.isReadable(Path.of(table))) {
        System.out.println(table + ": " + Inspector.unavailableReason());
        continue;
    }
    Files.readAllLines(Path.of(table)).stream().filter(line -> line.contains(hexPort))
            .forEach(line -> System.out.println(table + ": " + line.strip().substring(0, Math.min(100, line.strip().length()))));
}
// end::kernel-view[]

// tag::udp-view[]
// A UDP socket is listed as soon as it is bound: it has no connection to wait for.
System.out.println("udp4 fresh: " + Inspector.describe(udp4));
udp4.bind(new InetSocketAddress("127.0.0.1", 0));
System.out.println("udp4 bound: " + Inspector.describe(udp4));
udp4.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), udp4.getLocalAddress());
DatagramPacket packet = new DatagramPacket(new byte[64], 64);
udp4.socket().setSoTimeout(1000);   // a receive that can never wait forever
udp4.socket().receive(packet);
System.out.println("udp4 sent itself: " + packet.getSocketAddress() + " -> "
        + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
// end::udp-view[]

// tag::unix-file[]
// An AF_UNIX socket's address is a path, and binding it creates a file of type socket.
Path dir = Files.createTempDirectory("lesson02");
Path path = dir.resolve("demo.sock");
local.bind(UnixDomainSocketAddress.of(path));
System.out.println("bound to " + local.getLocalAddress() + "; is it a regular file? " + Files.isRegularFile(path)
        + "; does it exist? " + Files.exists(path));
local.close();
Files.delete(path);   // closing does not remove the file: a later bind to the same path would fail
Files.delete(dir);
// end::unix-file[]

// tag::refusals[]
// What the JDK offers as protocol families: no PACKET, and no type RAW anywhere in the API.
System.out.println("protocol families: " + Arrays.toString(StandardProtocolFamily.values()));
try {
    DatagramChannel.open(StandardProtocolFamily.UNIX);   // AF_UNIX, SOCK_DGRAM
} catch (UnsupportedOperationException e) {
    System.out.println("UNIX datagram channel: " + e);
}
// end::refusals[]

// tag::close-all[]
for (Channel c : List.of(tcp4, tcp6, udp4, udp6, client, dual, listener)) {
    c.close();
}
System.out.println("all closed; sockets still open since the start of the section: " + Inspector.openedSince(before));
// end::close-all[]
