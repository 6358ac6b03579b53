// Lesson 01: watch a byte stream. Open with `./tcplab jshell 01`; everything here prints what it finds.
import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.*;
import tcplab.kit.*;

// tag::connect[]
// A server socket on loopback; port 0 lets the system pick a free port.
var listener = new ServerSocket();
listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
listener.setSoTimeout(2000);                      // accept() gives up after 2 s instead of waiting forever

var client = new Socket();
client.connect(listener.getLocalSocketAddress(), 2000);
var server = listener.accept();                   // the handshake is done already; accept() just picks it up
server.setSoTimeout(2000);                        // and so does every read on it
System.out.println("client " + client.getLocalSocketAddress() + " -> server " + server.getLocalSocketAddress());
// end::connect[]

// tag::wait-for[]
// Waits until the kernel holds `count` unread bytes for `s` (available() asks it), so nothing here depends on luck.
void waitFor(Socket s, int count) throws Exception {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (s.getInputStream().available() < count && System.nanoTime() < deadline) {
        Thread.sleep(5);
    }
}
// end::wait-for[]

// tag::two-writes[]
var toServer = client.getOutputStream();
toServer.write("Hello, ".getBytes(StandardCharsets.UTF_8));  // write number one: 7 bytes
toServer.write("world!".getBytes(StandardCharsets.UTF_8));   // write number two: 6 bytes
waitFor(server, 13);

byte[] buffer = new byte[1024];
int n = server.getInputStream().read(buffer);     // one read
System.out.println("two writes, one read of " + n + " bytes: "
        + new String(buffer, 0, n, StandardCharsets.UTF_8));
// end::two-writes[]

// tag::small-reads[]
toServer.write("one write, 19 bytes".getBytes(StandardCharsets.UTF_8));
waitFor(server, 19);

byte[] small = new byte[5];                       // a buffer smaller than what was written
var pieces = new ArrayList<String>();
int got = 0;
while (got < 19) {
    int r = server.getInputStream().read(small);  // at most 5 bytes per read
    pieces.add(new String(small, 0, r, StandardCharsets.UTF_8));
    got += r;
}
System.out.println("one write, " + pieces.size() + " reads: " + pieces);
// end::small-reads[]

// tag::inspect[]
Inspector.show(listener);                         // the listening socket: LISTEN
Inspector.show(client);                           // the client's end of the connection: ESTABLISHED
listener.close();                                 // no new connections now; this one lives on
System.out.println("listener closed");
Inspector.show(server);                           // the server's end, same port as the listener: ESTABLISHED
// end::inspect[]

// tag::end-of-stream[]
client.close();                                   // the client's close() sends FIN
int last = server.getInputStream().read(buffer);
System.out.println("after the client closed, read returned " + last);   // -1: the end of the stream
server.close();
// end::end-of-stream[]

// tag::datagrams[]
var loopback = InetAddress.getLoopbackAddress();
var receiver = new DatagramSocket(new InetSocketAddress(loopback, 0));
var sender = new DatagramSocket(new InetSocketAddress(loopback, 0));
receiver.setSoTimeout(2000);

for (String word : List.of("Hello, ", "world!")) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    sender.send(new DatagramPacket(b, b.length, receiver.getLocalSocketAddress()));   // one send, one datagram
}
for (int i = 0; i < 2; i++) {
    var packet = new DatagramPacket(new byte[65_535], 65_535);
    receiver.receive(packet);                     // one receive, one whole datagram
    System.out.println("datagram " + (i + 1) + ": " + packet.getLength() + " bytes: "
            + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
}
Inspector.show(receiver);                         // UDP has no connection, so no ESTABLISHED: UNCONNECTED
sender.close();
receiver.close();
// end::datagrams[]

// tag::udp-flow[]
// UDP's call flow with channels: the server binds and receives, learning who sent (recvfrom); it answers that
// address (sendto). The client never binds or connects: its first send() gives it a port.
var udpServer = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));        // socket + bind
var udpClient = DatagramChannel.open();                                                  // socket, nothing else
udpClient.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), udpServer.getLocalAddress());   // sendto

var in = ByteBuffer.allocate(65_535);
SocketAddress from = udpServer.receive(in);                  // recvfrom: the datagram and the sender's address
System.out.println("server got " + in.position() + " bytes from " + from);
udpServer.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)), from);         // sendto: the answer

in.clear();
SocketAddress replier = udpClient.receive(in);               // the client's recvfrom
System.out.println("client got \"" + new String(in.array(), 0, in.position(), StandardCharsets.UTF_8)
        + "\" from " + replier);
udpClient.close();
udpServer.close();
// end::udp-flow[]
