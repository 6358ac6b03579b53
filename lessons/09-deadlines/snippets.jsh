// Lesson 09: deadlines and backpressure. Every socket here is on loopback, at a port the system picks, and every
// wait has a limit. Each block builds a connected pair (or a small server), shows one thing, and closes it.

import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

// tag::tools[]
// A connected pair on loopback: [0] is the client's end, [1] the server's (accepted) end.
Socket[] pair() throws IOException {
    try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        var client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        return new Socket[] {client, listener.accept()};
    }
}

// Sends one byte every `ms` milliseconds on its own thread, until the connection fails (the other end closed).
Thread trickle(Socket s, int ms) {
    var t = new Thread(() -> {
        try {
            while (true) {
                s.getOutputStream().write('x');
                Thread.sleep(ms);
            }
        } catch (IOException | InterruptedException e) {
            // The other end closed, or we were told to stop.
        }
    });
    t.setDaemon(true);
    t.start();
    return t;
}

long ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
}
// end::tools[]

// tag::timeout[]
var slowloris = pair();
trickle(slowloris[0], 100);                       // one byte every 100 ms: a 128-byte frame takes 12.8 s
slowloris[1].setSoTimeout(300);                   // "no read waits longer than 300 ms"
var frame = new byte[128];
int have = 0;
long began = System.nanoTime();
while (have < frame.length && ms(began) < 1500) { // the snippet stops after 1.5 s; the server never would
    have += slowloris[1].getInputStream().read(frame, have, 1);   // one byte at a time, to count them
}
System.out.println("after " + ms(began) + " ms: " + have + " of 128 bytes, and no SocketTimeoutException");
slowloris[0].close();
slowloris[1].close();
// end::timeout[]

// tag::deadline[]
// Reads a whole frame before `deadline` (a System.nanoTime() value): the time LEFT is the timeout of each read.
byte[] readBefore(Socket s, long deadline) throws IOException {
    var f = new byte[128];
    int got = 0;
    while (got < f.length) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("no whole frame in time (" + got + " of 128 bytes)");
        }
        s.setSoTimeout((int) left);               // never 0: that would mean "wait for ever"
        int n = s.getInputStream().read(f, got, f.length - got);
        if (n == -1) {
            throw new EOFException("closed after " + got + " bytes");
        }
        got += n;
    }
    return f;
}

var again = pair();
trickle(again[0], 100);
long start = System.nanoTime();
try {
    readBefore(again[1], start + TimeUnit.MILLISECONDS.toNanos(300));
} catch (SocketTimeoutException e) {
    System.out.println("cut off after " + ms(start) + " ms: " + e.getMessage());
}
again[0].close();
again[1].close();
// end::deadline[]

// tag::backpressure[]
var stuck = pair();                               // stuck[0] never reads
System.out.println("send buffer " + stuck[1].getSendBufferSize() + " B, peer's receive buffer "
        + stuck[0].getReceiveBufferSize() + " B");
var written = new AtomicLong();
var writer = new Thread(() -> {
    var chunk = new byte[1024];
    try {
        while (true) {
            stuck[1].getOutputStream().write(chunk);   // blocks once both buffers are full
            written.addAndGet(chunk.length);
        }
    } catch (IOException e) {
        System.out.println("the blocked write ended: " + e.getMessage());
    }
});
writer.setDaemon(true);
writer.start();
long before;
do {                                              // wait until the count stops growing: the write is blocked
    before = written.get();
    Thread.sleep(200);
} while (written.get() != before);
System.out.println("blocked after " + written.get() / 1024 + " KiB; setSoTimeout does nothing for a write");
stuck[1].close();                                 // what a watchdog does when the write overruns its deadline
writer.join(2000);
stuck[0].close();
// end::backpressure[]

// tag::watchdog[]
var watchdog = Executors.newSingleThreadScheduledExecutor();
var slowReader = pair();                          // slowReader[0] never reads either
Socket victim = slowReader[1];
int replies = 0;
try {
    while (true) {
        // Each write gets an alarm that closes the socket after 500 ms; a write that returns cancels it.
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            victim.close();
            return null;
        }, 500, TimeUnit.MILLISECONDS);
        victim.getOutputStream().write(new byte[128]);
        alarm.cancel(false);
        replies++;
    }
} catch (IOException e) {
    System.out.println(replies + " replies went out; then one waited 500 ms and the watchdog closed the socket ("
            + e.getMessage() + ")");
}
watchdog.shutdownNow();
slowReader[0].close();
// end::watchdog[]

// tag::nagle[]
// A server that answers each 128-byte frame in two writes, 10 bytes and then 118, with Nagle on or off.
double medianRoundTrip(boolean noDelay) throws Exception {
    var p = pair();
    p[1].setTcpNoDelay(noDelay);
    var server = new Thread(() -> {
        try {
            var in = p[1].getInputStream();
            var out = p[1].getOutputStream();
            var f = new byte[128];
            while (in.readNBytes(f, 0, 128) == 128) {
                out.write(f, 0, 10);              // a "header"...
                out.write(f, 10, 118);            // ...and a "body": write, write, then read again
            }
        } catch (IOException e) {
            // Closed.
        }
    });
    server.setDaemon(true);
    server.start();
    var times = new long[25];
    for (int i = 0; i < times.length; i++) {
        long t0 = System.nanoTime();
        p[0].getOutputStream().write(new byte[128]);
        p[0].getInputStream().readNBytes(128);
        times[i] = System.nanoTime() - t0;
    }
    p[0].close();
    p[1].close();
    Arrays.sort(times);
    return times[times.length / 2] / 1e6;
}
System.out.printf("median round trip, Nagle on (the default): %.2f ms%n", medianRoundTrip(false));
System.out.printf("median round trip, TCP_NODELAY:            %.2f ms%n", medianRoundTrip(true));
// end::nagle[]

// tag::keepalive[]
// jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE and its two siblings, found by name: the JShell tool may start
// without the jdk.net module, and then the socket does not offer them (compiled code names them directly).
@SuppressWarnings("unchecked")
SocketOption<Integer> extended(Socket s, String name) {
    return (SocketOption<Integer>) s.supportedOptions().stream().filter(o -> o.name().equals(name))
            .findFirst().orElse(null);
}

var idle = pair();
idle[1].setKeepAlive(true);                       // SO_KEEPALIVE: probe the peer once the connection is idle
System.out.println("SO_KEEPALIVE " + idle[1].getKeepAlive());
var keepIdle = extended(idle[1], "TCP_KEEPIDLE");
if (keepIdle != null) {
    idle[1].setOption(keepIdle, 60);                                    // first probe after 60 s idle
    idle[1].setOption(extended(idle[1], "TCP_KEEPINTERVAL"), 10);       // then one every 10 s
    idle[1].setOption(extended(idle[1], "TCP_KEEPCOUNT"), 5);           // 5 unanswered: the peer is gone
    System.out.println("TCP_KEEPIDLE " + idle[1].getOption(keepIdle) + " s, TCP_KEEPINTERVAL "
            + idle[1].getOption(extended(idle[1], "TCP_KEEPINTERVAL")) + " s, TCP_KEEPCOUNT "
            + idle[1].getOption(extended(idle[1], "TCP_KEEPCOUNT")));
} else {
    System.out.println("this JDK or JShell offers no TCP_KEEPIDLE: the system's defaults apply (Linux: 7200 s)");
}
idle[0].close();
idle[1].close();
// end::keepalive[]
