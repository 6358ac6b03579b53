// Lesson 03: the client. Open with ./tcplab jshell 03, or paste one block at a time.
// Every block prints what it shows; everything runs on 127.0.0.1 with ports the system picks.
import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import tcplab.kit.*;

// tag::server[]
// A server to talk to: the kit plays the source's server. It reads one 128-byte frame and
// answers with the same text plus " *_*", then closes. The transcript records every byte.
// (It waits up to 10 minutes for the frame: take your time between the blocks below.)
var wire = new Transcript();
var server = ScriptedServer.start(wire, c -> {
    var request = c.read(Frame.SIZE, Duration.ofMinutes(10));
    c.send(Frame.of(Frame.text(request.bytes()) + " *_*"));
});
System.out.println("the kit's server listens on " + server.host() + ":" + server.port());
// end::server[]

// tag::connect[]
var socket = new Socket();                                  // socket(AF_INET, SOCK_STREAM, 0)
Inspector.show(socket);                                     // nothing yet: no port, no row in /proc/net/tcp
var serverAddress = new InetSocketAddress("127.0.0.1", server.port());
socket.connect(serverAddress, 2000);                        // connect(): the three-way handshake
Inspector.show(socket);                                     // ESTABLISHED, from a port the kernel picked
System.out.println("local " + socket.getLocalSocketAddress() + " -> remote " + socket.getRemoteSocketAddress());
// end::connect[]

// tag::send[]
byte[] frame = Arrays.copyOf("hello".getBytes(StandardCharsets.UTF_8), 128); // text, then 123 NULs
OutputStream out = socket.getOutputStream();
out.write(new byte[0]);         // a zero-length send: returns at once, nothing goes on the wire
out.write(frame);               // send(fd, buf, 128, 0): blocks until the kernel has taken all 128
out.flush();                    // a no-op for a socket stream, but harmless and a good habit
System.out.println("wrote " + frame.length + " bytes");
// end::send[]

// tag::recv[]
socket.setSoTimeout(2000);                       // a read that waits longer throws SocketTimeoutException
InputStream in = socket.getInputStream();
byte[] reply = in.readNBytes(128);               // loops over read() until 128 bytes or end of stream
System.out.println("got " + reply.length + " bytes, text: " + Frame.text(reply));
// end::recv[]

// tag::eof[]
int after = in.read();            // the server closed after answering: read() says -1 (C's recv says 0)
System.out.println("read() after the server closed returned " + after);
socket.close();
// end::eof[]

// tag::transcript[]
server.close();
System.out.println(wire.render()); // the 0-byte write left no trace; the frame is 128 bytes each way
// end::transcript[]

// tag::same-socket[]
// connect() makes no new socket: the descriptor that socket() made is the one that gets connected.
// (A java.net.Socket opens its descriptor lazily, inside connect; a SocketChannel opens it at once.)
// The listener never calls accept(): the kernel completes the handshake all the same.
try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
    if (Inspector.available()) {
        var before = Inspector.descriptors();
        try (var channel = SocketChannel.open()) {
            System.out.println("after open():    new descriptors " + Inspector.openedSince(before));
            Inspector.show(channel);
            channel.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()));
            System.out.println("after connect(): new descriptors " + Inspector.openedSince(before));
            Inspector.show(channel);
        }
    } else {
        System.out.println(Inspector.unavailableReason());
    }
}
// end::same-socket[]

// tag::pieces[]
// One write is not one read: the server sends its 128 bytes 32 at a time, with pauses.
var dribbler = ScriptedServer.start(new Transcript(),
        c -> c.sendInPieces(Frame.of("hello *_*"), 32, Duration.ofMillis(30)));
try (var s = new Socket()) {
    s.connect(new InetSocketAddress("127.0.0.1", dribbler.port()), 2000);
    s.setSoTimeout(2000);
    byte[] buf = new byte[128];
    int n;
    while ((n = s.getInputStream().read(buf)) != -1) {
        System.out.println("read() returned " + n);
    }
    System.out.println("read() returned -1: the server closed");
}
dribbler.close();
// end::pieces[]

// tag::dontwait[]
// send(..., MSG_DONTWAIT) in Java: a non-blocking SocketChannel. Nobody ever accepts or reads
// here, so the buffers fill up, and then write() takes nothing and returns 0 instead of waiting.
try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
     var channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", listener.getLocalPort()))) {
    channel.configureBlocking(false);
    var chunk = ByteBuffer.allocate(64 * 1024);
    long total = 0;
    int n;
    while ((n = channel.write(chunk.clear())) > 0) {
        total += n;
    }
    System.out.println("the kernel took " + total + " bytes; then write() returned " + n);
}
// end::dontwait[]

// tag::refused[]
// Nobody listens: the peer's kernel answers the SYN with RST, and connect fails at once.
int freePort;
try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
    freePort = probe.getLocalPort();
}                                                  // closed again: now nothing listens there
try (var s = new Socket()) {
    s.connect(new InetSocketAddress("127.0.0.1", freePort), 2000);
} catch (ConnectException e) {
    System.out.println("connect to port " + freePort + ": " + e.getClass().getName() + ": " + e.getMessage());
}
// end::refused[]

// tag::timeout[]
// The server accepts and never says a word: without SO_TIMEOUT this read would wait forever.
var silent = ScriptedServer.start(new Transcript(), c -> c.read(1, Duration.ofSeconds(3)));
try (var s = new Socket()) {
    s.connect(new InetSocketAddress("127.0.0.1", silent.port()), 2000);
    s.setSoTimeout(300);
    s.getInputStream().read();
} catch (SocketTimeoutException e) {
    System.out.println("read: " + e.getClass().getName() + ": " + e.getMessage());
}
silent.close();
// end::timeout[]

// tag::reset[]
// The server aborts (RST instead of FIN): the next read throws instead of returning -1.
var rude = ScriptedServer.start(new Transcript(), c -> {
    c.read(Frame.SIZE, Duration.ofSeconds(2));
    c.reset();
});
try (var s = new Socket()) {
    s.connect(new InetSocketAddress("127.0.0.1", rude.port()), 2000);
    s.setSoTimeout(2000);
    s.getOutputStream().write(Frame.of("hello"));
    s.getInputStream().read();
} catch (SocketException e) {
    System.out.println("read: " + e.getClass().getName() + ": " + e.getMessage());
}
rude.close();
// end::reset[]

// tag::lab[]
// Your lab, from here: its methods are public, and ./tcplab jshell 03 puts your classes on the class path.
// A method you have not written yet throws its TODO, which this block prints.
try {
    byte[] hi = tcplab.lab03.Client.frame("hi");               // 68 69, then 126 NULs
    System.out.print("frame(\"hi\"): " + hi.length + " bytes\n" + Hex.dump(hi, "  "));
    System.out.println("text(frame): " + tcplab.lab03.Client.text(hi));
    var twoFrames = new ByteArrayInputStream(Arrays.copyOf(hi, 2 * 128));
    byte[] first = tcplab.lab03.Client.readFrame(twoFrames);
    System.out.println("readFrame: " + first.length + " bytes, " + twoFrames.available() + " left for the next one");
    try (var kit = ScriptedServer.start(new Transcript(), c -> {
        var request = c.read(Frame.SIZE, Duration.ofSeconds(5));
        c.send(Frame.of(Frame.text(request.bytes()) + " *_*"));
    })) {
        System.out.println("exchange: " + tcplab.lab03.Client.exchange("127.0.0.1", kit.port(), "hi",
                Duration.ofSeconds(2), Duration.ofSeconds(2)));
    }
} catch (UnsupportedOperationException todo) {
    System.out.println("not written yet: " + todo.getMessage());
}
// end::lab[]
