// Lesson 05: closing. Every socket here is on loopback, at a port the system picks, with a read timeout:
// nothing blocks. The kernel's view of each connection comes from the kit's Inspector (Linux only; elsewhere it
// says so, and `netstat -an` or `lsof -i -P` show the same).

import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import tcplab.kit.*;

// tag::tools[]
// Prints the kernel's rows for one port: both ends of a loopback connection show up.
void rows(String moment, int port) {
    System.out.println(moment + ":");
    if (!Inspector.available()) {
        System.out.println("  (" + Inspector.unavailableReason() + ")");
        return;
    }
    for (var row : Inspector.tcpRowsFor(port)) {
        System.out.println("  " + row);
    }
}

// State changes take the kernel a moment: poll for up to a second instead of guessing a sleep.
void settle(int port, String state) throws InterruptedException {
    for (int i = 0; i < 100 && Inspector.available(); i++) {
        if (Inspector.tcpRowsFor(port).stream().anyMatch(r -> r.state().equals(state))) {
            return;
        }
        Thread.sleep(10);
    }
}

// One read with a limit; prints what came back: a byte, -1 (end of stream), or the exception.
String readOne(Socket s) {
    try {
        s.setSoTimeout(1000);
        return "read() = " + s.getInputStream().read();
    } catch (IOException e) {
        return "read() threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
// end::tools[]

// tag::pair[]
var listener = new ServerSocket();
listener.bind(new InetSocketAddress("127.0.0.1", 0));          // bind + listen, port 0: the system picks
listener.setSoTimeout(1000);                                      // accept() gives up after a second
int port = listener.getLocalPort();
var client = new Socket("127.0.0.1", port);
var accepted = listener.accept();
rows("a connected pair", port);
// end::pair[]

// tag::eof[]
client.close();                                  // the client closes first: FIN goes to the server
settle(port, "CLOSE_WAIT");
System.out.println("server: " + readOne(accepted));               // -1: end of stream, C's recv() == 0
rows("after the client's close, before the server's", port);      // FIN_WAIT2 / CLOSE_WAIT
// end::eof[]

// tag::timewait[]
accepted.close();                                // now the server closes too
settle(port, "TIME_WAIT");
rows("after both closed", port);                 // only the client's end is left, in TIME_WAIT
// end::timewait[]

// tag::listener[]
var talking = new Socket("127.0.0.1", port);
var talkingServerSide = listener.accept();
var waiting = new Socket("127.0.0.1", port);      // connected by the kernel, but never accepted: in the backlog
listener.close();                                // close the LISTENER only
rows("after closing the listener", port);
talkingServerSide.getOutputStream().write('!');
System.out.println("established connection still works: " + readOne(talking));
System.out.println("the client waiting in the backlog: " + readOne(waiting));
try (var late = new Socket()) {
    late.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    System.out.println("a new client connected?!");
} catch (IOException e) {
    System.out.println("a new client: " + e.getMessage());
}
for (var s : new Socket[] {talking, talkingServerSide, waiting}) {
    s.close();
}
// end::listener[]

// tag::reset[]
var l2 = new ServerSocket();
l2.bind(new InetSocketAddress("127.0.0.1", 0));
l2.setSoTimeout(1000);
int port2 = l2.getLocalPort();
var rude = new Socket("127.0.0.1", port2);
var victim = l2.accept();
rude.setSoLinger(true, 0);                       // linger 0 seconds: close() sends RST, not FIN
rude.close();
Thread.sleep(50);
System.out.println("the peer of a reset: " + readOne(victim));
try {
    victim.getOutputStream().write(new byte[10]);
} catch (IOException e) {
    System.out.println("writing to a reset connection: " + e.getMessage());
}
rows("after the reset: no TIME_WAIT, no row at all", port2);
victim.close();
// end::reset[]

// tag::brokenpipe[]
var quitter = new Socket("127.0.0.1", port2);
var writer = l2.accept();
quitter.close();                                 // a polite FIN...
settle(port2, "CLOSE_WAIT");
var out = writer.getOutputStream();
try {
    out.write("first".getBytes(StandardCharsets.UTF_8));   // accepted by OUR kernel; the peer's answers RST
    System.out.println("first write after the peer closed: fine (it only went to the kernel)");
    Thread.sleep(50);
    out.write("second".getBytes(StandardCharsets.UTF_8));
    System.out.println("second write: fine?!");
} catch (IOException e) {
    System.out.println("second write: " + e.getMessage());
}
writer.close();
// end::brokenpipe[]

// tag::halfclose[]
var asker = new Socket("127.0.0.1", port2);
var answerer = l2.accept();
asker.getOutputStream().write("question".getBytes(StandardCharsets.UTF_8));
asker.shutdownOutput();                          // C: shutdown(fd, SHUT_WR). FIN, but still reading
var in = answerer.getInputStream();
answerer.setSoTimeout(1000);
String question = new String(in.readAllBytes(), StandardCharsets.UTF_8);   // ends at the FIN: -1
System.out.println("server read " + question + " and then end of stream");
answerer.getOutputStream().write("answer".getBytes(StandardCharsets.UTF_8)); // still allowed to send
answerer.close();
asker.setSoTimeout(1000);
System.out.println("client, after its half-close, reads: "
        + new String(asker.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
asker.close();
// end::halfclose[]

// tag::unread[]
var chatty = new Socket("127.0.0.1", port2);
var deaf = l2.accept();
chatty.getOutputStream().write(new byte[100]);   // 100 bytes the server will never read
Thread.sleep(50);
deaf.close();                                    // C would send RST here; Java 13+ sends FIN first
System.out.println("peer of a close with unread data: " + readOne(chatty));
Thread.sleep(50);
try {
    chatty.getOutputStream().write(1);
    System.out.println("write: fine?!");
} catch (IOException e) {
    System.out.println("but writing then: " + e.getMessage() + " (the RST came right after the FIN)");
}
chatty.close();
// end::unread[]

// tag::descriptors[]
var before = Inspector.descriptors();
var s1 = new Socket("127.0.0.1", port2);
var s2 = l2.accept();
System.out.println("opened since: " + Inspector.openedSince(before));   // two descriptors: one per end
s1.close();
s2.close();
System.out.println("after closing both: " + Inspector.openedSince(before));
l2.close();
// end::descriptors[]
