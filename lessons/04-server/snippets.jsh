// Lesson 04: the server side. Everything here uses loopback, port 0 and timeouts: nothing blocks for long.
import java.net.*;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import tcplab.kit.*;

// tag::wildcard[]
// §4.2's bind example in Java: INADDR_ANY is the wildcard address, and Java puts every number in network order.
var any = new InetSocketAddress(0);                 // no address given: the wildcard (port 0 here, not 8080)
System.out.println("new InetSocketAddress(0): " + any + ", wildcard? " + any.getAddress().isAnyLocalAddress());
try (var everywhere = new ServerSocket()) {
    everywhere.bind(any, 10);
    Inspector.show(everywhere);                     // tcp6 *:PORT → *:* LISTEN: every address, IPv4 and IPv6
}
// What htons(5555) and htonl(INADDR_LOOPBACK) produce, with Java's own big-endian ("network order") buffers:
var wire = java.nio.ByteBuffer.allocate(6);         // a ByteBuffer is big-endian unless told otherwise
wire.putShort((short) 5555).put(InetAddress.getByName("127.0.0.1").getAddress());
System.out.println("port 5555 and 127.0.0.1 in network order: "
        + java.util.HexFormat.ofDelimiter(" ").formatHex(wire.array()));
// end::wildcard[]

// tag::bind[]
// socket() + bind() + listen() in Java: open a ServerSocketChannel, then bind it with a backlog.
var listener = ServerSocketChannel.open();
listener.bind(new InetSocketAddress("127.0.0.1", 0), 10);   // port 0: the kernel picks a free port
int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
System.out.println("listening on port " + port);
Inspector.show(listener);                                    // fd N: tcp6 [::ffff:127.0.0.1]:PORT → *:* LISTEN
// end::bind[]

// tag::accept[]
// A client connects. The kernel finishes the handshake on its own; accept() only takes the connection off the queue.
var client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
var accepted = listener.accept();                            // a NEW channel, just for this client
System.out.println("client side:   " + client.getLocalAddress() + " → " + client.getRemoteAddress());
System.out.println("accepted side: " + accepted.getLocalAddress() + " → " + accepted.getRemoteAddress());
Inspector.tcpRowsFor(port).forEach(System.out::println);     // LISTEN, and two ESTABLISHED rows: one per end
// end::accept[]

// tag::who[]
// Who is calling? The accepted socket knows the client's address and port.
Socket s = accepted.socket();
System.out.println("toString():       " + s.getInetAddress());                 // "/127.0.0.1": note the slash
System.out.println("getHostAddress(): " + s.getInetAddress().getHostAddress()); // "127.0.0.1"
System.out.println("getPort():        " + s.getPort() + " (the client's port)");
System.out.println("getLocalPort():   " + s.getLocalPort() + " (the server's port, same as the listener's)");
// end::who[]

// tag::in-use[]
// A second listener on the same address and port: bind fails, whatever SO_REUSEADDR says.
try (var second = ServerSocketChannel.open()) {
    System.out.println("SO_REUSEADDR on a new ServerSocketChannel: " + second.getOption(StandardSocketOptions.SO_REUSEADDR));
    second.bind(new InetSocketAddress("127.0.0.1", port));
    System.out.println("bound?! (not on Linux)");
} catch (BindException e) {
    System.out.println("BindException: " + e.getMessage());       // Address already in use
}
// end::in-use[]

// tag::timeout[]
// accept() with a time limit: ServerSocket.setSoTimeout. Nobody else connects, so it gives up after 300 ms.
try (var timed = new ServerSocket()) {
    timed.bind(new InetSocketAddress("127.0.0.1", 0), 10);
    timed.setSoTimeout(300);
    timed.accept();
} catch (SocketTimeoutException e) {
    System.out.println("SocketTimeoutException: " + e.getMessage()); // Accept timed out
}
// end::timeout[]

// tag::backlog[]
// What the backlog limits: finished connections waiting for accept(). Backlog 1 here, and nobody ever accepts.
try (var small = new ServerSocket()) {
    small.bind(new InetSocketAddress("127.0.0.1", 0), 1);
    var waiting = new java.util.ArrayList<Socket>();
    for (int i = 1; i <= 4; i++) {
        var c = new Socket();
        waiting.add(c);
        try {
            c.connect(small.getLocalSocketAddress(), 300);
            System.out.println("connection " + i + ": connected, though nobody called accept()");
        } catch (SocketTimeoutException e) {
            System.out.println("connection " + i + ": " + e.getMessage() + " (the queue is full; the SYN was dropped)");
        }
    }
    waiting.forEach(Sockets::closeAll);
}
// end::backlog[]

// tag::close[]
// Closing: the accepted channel ends this connection; the listener stops taking new ones.
accepted.close();
var buf = java.nio.ByteBuffer.allocate(16);
System.out.println("client reads after the server closed: " + client.read(buf));   // -1: end of stream
client.close();
listener.close();
Inspector.tcpRowsFor(port).forEach(System.out::println);     // only TIME_WAIT is left, on the side that closed first
// end::close[]

// tag::lab[]
// Your lab, from here: its methods are public, and ./tcplab jshell 04 puts your classes on the class path.
// A method you have not written yet throws its TODO, which this block prints.
try {
    System.out.println("reply(\"hi\"): " + tcplab.lab04.Server.reply("hi"));
    byte[] frame = tcplab.lab04.Server.frame(tcplab.lab04.Server.reply("hi"));
    System.out.print("frame(reply(\"hi\")): " + frame.length + " bytes\n" + Hex.dump(frame, "  "));
    var twoFrames = new java.io.ByteArrayInputStream(java.util.Arrays.copyOf(frame, 2 * 128));
    byte[] first = tcplab.lab04.Server.readFrame(twoFrames);
    System.out.println("text(readFrame(in)): " + tcplab.lab04.Server.text(first) + ", "
            + twoFrames.available() + " bytes left for the next frame");
} catch (UnsupportedOperationException todo) {
    System.out.println("not written yet: " + todo.getMessage());
}
// end::lab[]
