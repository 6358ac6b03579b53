// Lesson 07: framing a real protocol. Every socket here is on loopback, at a port the system picks, and every
// wait has a limit: nothing blocks for good. Each block prints what it shows.

import java.io.*;
import java.net.*;
import java.nio.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

// tag::pair[]
// A connected pair on loopback: `writer` is the client's end, `reader` the server's accepted end.
Socket[] pair() throws IOException {
    try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        var client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        var accepted = listener.accept();
        accepted.setSoTimeout(3000);               // no read here waits longer than 3 s
        return new Socket[] {client, accepted};
    }
}
// end::pair[]

// tag::glued[]
var glued = pair();
var writer = glued[0].getOutputStream();
writer.write("PUT colour blue".getBytes(StandardCharsets.UTF_8));   // two writes, two "messages" ...
writer.write("GET colour".getBytes(StandardCharsets.UTF_8));
Thread.sleep(200);                                 // (the reader is late, as a busy server is)
byte[] buffer = new byte[1024];
int n = glued[1].getInputStream().read(buffer);    // ... and one read takes both
System.out.println("one read got " + n + " bytes: \"" + new String(buffer, 0, n, StandardCharsets.UTF_8) + "\"");
glued[0].close();
glued[1].close();
// end::glued[]

// tag::split[]
var split = pair();
byte[] big = new byte[1_000_000];
var sender = new Thread(() -> {
    try {
        split[0].getOutputStream().write(big);     // ONE write of a million bytes
        split[0].close();
    } catch (IOException e) {
        System.out.println("sender: " + e);
    }
});
sender.start();
var in = split[1].getInputStream();
byte[] wide = new byte[2_000_000];                 // room for all of it: each read still takes only what has come
var sizes = new ArrayList<Integer>();
int got;
while ((got = in.read(wide)) != -1) {
    sizes.add(got);
}
int total = sizes.stream().mapToInt(Integer::intValue).sum();
System.out.println("one write of " + big.length + " bytes arrived in " + sizes.size() + " reads (" + total
        + " bytes in all); the first ones: " + sizes.subList(0, Math.min(5, sizes.size())));
sender.join();
split[1].close();
// end::split[]

// tag::delimiter[]
// Reads one line of at most `max` bytes (without its '\n'); null at the end of the stream before a line.
String readLine(InputStream in, int max) throws IOException {
    var line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
        if (line.size() == max) {
            throw new ProtocolException("a line longer than " + max + " bytes");
        }
        line.write(b);
    }
    if (b == -1 && line.size() == 0) {
        return null;
    }
    return line.toString(StandardCharsets.UTF_8);
}

var lines = new ByteArrayInputStream(("PUT colour blue\nGET colour\n" + "x".repeat(100) + "\n")
        .getBytes(StandardCharsets.UTF_8));
System.out.println("line 1: " + readLine(lines, 64));
System.out.println("line 2: " + readLine(lines, 64));
try {
    readLine(lines, 64);
} catch (ProtocolException e) {
    System.out.println("line 3: " + e.getMessage());
}
// end::delimiter[]

// tag::order[]
var four = ByteBuffer.allocate(4);
System.out.println("a new ByteBuffer's order: " + four.order() + "; this machine's own: " + ByteOrder.nativeOrder());
four.putInt(300);                                  // 300 = 0x0000012c
System.out.println("putInt(300) writes " + HexFormat.ofDelimiter(" ").formatHex(four.array()));
var bytes = new ByteArrayOutputStream();
new DataOutputStream(bytes).writeInt(300);
System.out.println("DataOutputStream.writeInt(300) writes "
        + HexFormat.ofDelimiter(" ").formatHex(bytes.toByteArray()));
System.out.println("the same 4 bytes read little-endian: "
        + ByteBuffer.wrap(four.array()).order(ByteOrder.LITTLE_ENDIAN).getInt()
        + " = Integer.reverseBytes(300) = " + Integer.reverseBytes(300));
// end::order[]

// tag::prefix[]
// One message: the body's length as 4 big-endian bytes, then the body.
byte[] frame(String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
}

var framed = pair();
var both = new ByteArrayOutputStream();
both.writeBytes(frame("PUT 键 值"));
both.writeBytes(frame("GET 键"));
framed[0].getOutputStream().write(both.toByteArray());   // two messages glued in one write, on purpose
var data = new DataInputStream(framed[1].getInputStream());
for (int i = 1; i <= 2; i++) {
    int length = data.readInt();                   // exactly 4 bytes, big-endian: Java's ntohl
    byte[] body = new byte[length];
    data.readFully(body);                          // exactly `length` bytes, however many reads that takes
    System.out.println("message " + i + ": " + length + " bytes, \"" + new String(body, StandardCharsets.UTF_8) + "\"");
}
framed[0].close();
framed[1].close();
// end::prefix[]

// tag::untrusted[]
int hostile = ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}).getInt();
System.out.println("ff ff ff ff as a Java int: " + hostile + "; as C's uint32_t: " + Integer.toUnsignedLong(hostile));
try {
    byte[] body = new byte[hostile];
} catch (NegativeArraySizeException e) {
    System.out.println("new byte[" + hostile + "]: " + e);
}
int huge = ByteBuffer.wrap(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}).getInt();
System.out.println("7f ff ff ff: " + huge + " bytes, about " + huge / (1 << 20) + " MiB to allocate for one message");
// end::untrusted[]
