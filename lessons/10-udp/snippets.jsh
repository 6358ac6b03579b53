// Lesson 10: UDP done properly. Every socket here is on loopback, at a port the system picks, and every receive
// has a timeout: nothing blocks for good.

import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;

// tag::flow[]
// The server: a socket and a bind, then receive. No listen(), no accept(): nobody connects.
var server = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
server.setSoTimeout(2000);
// The client: a socket, and a send to an address. The first send binds it to a port the system picks.
var client = new DatagramSocket();
client.setSoTimeout(2000);
byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
client.send(new DatagramPacket(hello, hello.length, server.getLocalSocketAddress()));   // sendto()

var request = new DatagramPacket(new byte[512], 512);
server.receive(request);                                                              // recvfrom()
System.out.println("server got " + request.getLength() + " bytes from " + request.getSocketAddress());
byte[] answer = "hello *_*".getBytes(StandardCharsets.UTF_8);
server.send(new DatagramPacket(answer, answer.length, request.getSocketAddress()));    // back to the sender

var reply = new DatagramPacket(new byte[512], 512);
client.receive(reply);
System.out.println("client got " + new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
// end::flow[]

// tag::boundaries[]
// Three sends are three datagrams, and three receives get them one by one: never two run together, never half.
for (String s : List.of("one", "two", "three")) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(b, b.length, server.getLocalSocketAddress()));
}
for (int i = 0; i < 3; i++) {
    var p = new DatagramPacket(new byte[512], 512);
    server.receive(p);
    System.out.println("receive " + (i + 1) + ": " + p.getLength() + " bytes, \""
            + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8) + "\"");
}
// end::boundaries[]

// tag::truncation[]
// A datagram bigger than the buffer is cut to the buffer, and the rest is gone: the next receive gets the NEXT
// datagram, not the rest of this one.
byte[] long1 = "a datagram of forty bytes, give or take!".getBytes(StandardCharsets.UTF_8);
client.send(new DatagramPacket(long1, long1.length, server.getLocalSocketAddress()));
client.send(new DatagramPacket(hello, hello.length, server.getLocalSocketAddress()));
var small = new DatagramPacket(new byte[10], 10);
server.receive(small);
System.out.println("sent " + long1.length + " bytes, got " + small.getLength() + ": \""
        + new String(small.getData(), 0, small.getLength(), StandardCharsets.UTF_8) + "\"");
server.receive(small);
System.out.println("next receive: \"" + new String(small.getData(), 0, small.getLength(), StandardCharsets.UTF_8)
        + "\"");
// end::truncation[]

// tag::largest[]
// 65,535 bytes of IPv4 packet, minus 20 of IP header and 8 of UDP header: 65,507 bytes of payload at most.
var big = new DatagramPacket(new byte[65_507], 65_507, server.getLocalSocketAddress());
client.send(big);
var whole = new DatagramPacket(new byte[65_535], 65_535);
server.receive(whole);
System.out.println("65,507 bytes: sent, and received as " + whole.getLength());
try {
    client.send(new DatagramPacket(new byte[65_508], 65_508, server.getLocalSocketAddress()));
} catch (IOException e) {
    System.out.println("65,508 bytes: " + e);
}
// end::largest[]

// tag::unreachable[]
// A port where nothing listens: bind a socket to learn a free port, then close it.
var gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
var nobody = gone.getLocalSocketAddress();
gone.close();

var unconnected = new DatagramSocket();
unconnected.setSoTimeout(500);
unconnected.send(new DatagramPacket(hello, hello.length, nobody));
try {
    unconnected.receive(new DatagramPacket(new byte[512], 512));
} catch (IOException e) {
    System.out.println("unconnected: " + e);          // the ICMP error is not reported: just a timeout
}

var connected = DatagramChannel.open();
connected.connect(nobody);                            // no packet: the kernel notes the peer's address
connected.write(ByteBuffer.wrap(hello));
try {
    connected.read(ByteBuffer.allocate(512));
} catch (IOException e) {
    System.out.println("connected: " + e);            // at once, not after a timeout
}
unconnected.close();
connected.close();
// end::unreachable[]

// tag::channel[]
// DatagramChannel, closer to C: receive() is recvfrom() and returns the sender, send() is sendto().
var ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
var peer = DatagramChannel.open();
peer.send(ByteBuffer.wrap(hello), ch.getLocalAddress());
var buf = ByteBuffer.allocate(512);
SocketAddress from = ch.receive(buf);                 // blocking (the default): the datagram is already there
buf.flip();
System.out.println(buf.remaining() + " bytes from " + from);
ch.close();
peer.close();
// end::channel[]

// tag::relay[]
// The kit's bad network: a relay that drops 50 % of what goes to the server (deterministic from the seed 7).
var drop = new tcplab.kit.LossyUdpRelay.Faults(0.5, 0, 0, Duration.ZERO);
var relay = tcplab.kit.LossyUdpRelay.start((InetSocketAddress) server.getLocalSocketAddress(), 7, drop,
        tcplab.kit.LossyUdpRelay.Faults.NONE, b -> "\"" + new String(b, StandardCharsets.UTF_8) + "\"");
server.setSoTimeout(300);
for (String s : List.of("a", "b", "c", "d", "e", "f")) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(b, b.length, relay.address()));
}
var got = new ArrayList<String>();
try {
    while (true) {
        var p = new DatagramPacket(new byte[512], 512);
        server.receive(p);
        got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
    }
} catch (SocketTimeoutException e) {
    System.out.println("sent a to f, the server got " + got);
}
relay.story().forEach(System.out::println);
relay.close();
// end::relay[]

client.close();
server.close();
