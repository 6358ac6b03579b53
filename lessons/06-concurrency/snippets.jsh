// Lesson 06: many clients at once. Every socket here is on loopback, at a port the system picks, and every wait
// has a limit: nothing blocks for good. Each block starts a small server on a thread of its own, talks to it with
// two or three clients, and closes it again.

import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;

// tag::tools[]
// One frame of the lessons' protocol: 128 bytes, the text's UTF-8 bytes and NULs.
byte[] frame(String text) {
    return Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), 128);
}

// Answers frames on one connection until the client closes (or a read waits longer than 3 s).
void converse(Socket client) {
    try (client) {
        client.setSoTimeout(3000);
        var in = client.getInputStream();
        var out = client.getOutputStream();
        byte[] f;
        while ((f = in.readNBytes(128)).length == 128) {
            String text = new String(f, StandardCharsets.UTF_8).replace("\0", "");
            out.write(frame(text + " *_*"));
        }
    } catch (IOException e) {
        // A client that went wrong; the lab logs it, here it does not matter.
    }
}

// Sends one frame and waits up to `ms` for the reply; says what happened.
String ask(Socket s, String text, int ms) {
    try {
        s.setSoTimeout(ms);
        s.getOutputStream().write(frame(text));
        byte[] r = s.getInputStream().readNBytes(128);
        return new String(r, StandardCharsets.UTF_8).replace("\0", "");
    } catch (SocketTimeoutException e) {
        return "(no reply within " + ms + " ms)";
    } catch (IOException e) {
        return "(" + e.getMessage() + ")";
    }
}

// A listener on loopback, port 0, that gives up on accept() after 3 s.
ServerSocket listen() throws IOException {
    var l = new ServerSocket();
    l.bind(new InetSocketAddress("127.0.0.1", 0));
    l.setSoTimeout(3000);
    return l;
}
// end::tools[]

// tag::serial[]
var serialListener = listen();
var serial = new Thread(() -> {                   // Lesson 05's loop: accept, converse, accept again
    try {
        while (true) {
            converse(serialListener.accept());
        }
    } catch (IOException e) {
        // The listener was closed (or nobody came for 3 s): the loop ends.
    }
});
serial.setDaemon(true);
serial.start();
int serialPort = serialListener.getLocalPort();
var slow = new Socket("127.0.0.1", serialPort);   // connects first, then says nothing
var quick = new Socket("127.0.0.1", serialPort);  // connects second, asks at once
System.out.println("quick, while slow is silent: " + ask(quick, "hello", 500));
// end::serial[]

// tag::serialend[]
slow.close();                                     // the serial server goes on to its next client: quick
quick.setSoTimeout(1000);                         // quick's frame has waited in its receive buffer all along
System.out.println("quick, once slow has left: "
        + new String(quick.getInputStream().readNBytes(128), StandardCharsets.UTF_8).replace("\0", ""));
quick.close();
serialListener.close();
// end::serialend[]

// tag::perthread[]
var threadListener = listen();
var acceptor = new Thread(() -> {
    try {
        while (true) {
            Socket client = threadListener.accept();
            var t = new Thread(() -> converse(client));   // a thread per connection
            t.setDaemon(true);
            t.start();                                    // start(), not run(): run() would converse right here
        }
    } catch (IOException e) {
        // The listener was closed: no new clients; the conversations go on.
    }
});
acceptor.setDaemon(true);
acceptor.start();
int threadPort = threadListener.getLocalPort();
var silent = new Socket("127.0.0.1", threadPort);
var talker = new Socket("127.0.0.1", threadPort);
System.out.println("talker, while silent says nothing: " + ask(talker, "hello", 1000));
threadListener.close();
System.out.println("talker, after the listener closed: " + ask(talker, "still here?", 1000));
silent.close();
talker.close();
// end::perthread[]

// tag::pool[]
var pool = Executors.newFixedThreadPool(2);       // two threads; every other task waits in the pool's queue
var poolListener = listen();
var poolAcceptor = new Thread(() -> {
    try {
        while (true) {
            Socket client = poolListener.accept();
            pool.execute(() -> converse(client));
        }
    } catch (IOException e) {
        // Closed.
    }
});
poolAcceptor.setDaemon(true);
poolAcceptor.start();
int poolPort = poolListener.getLocalPort();
var first = new Socket("127.0.0.1", poolPort);     // takes thread 1, says nothing
var second = new Socket("127.0.0.1", poolPort);    // takes thread 2, says nothing
var third = new Socket("127.0.0.1", poolPort);     // accepted, but its task waits in the queue
System.out.println("third, with both threads taken: " + ask(third, "anyone?", 500));
first.close();                                     // thread 1 is free again and takes the queued task
System.out.println("third, once first has left (the reply to its first frame): " + ask(third, "anyone now?", 1000));
for (var s : List.of(second, third)) {
    s.close();
}
poolListener.close();
pool.shutdown();                                   // no new tasks; the pool's threads end when theirs do
System.out.println("pool ended: " + pool.awaitTermination(5, TimeUnit.SECONDS));
// end::pool[]

// tag::virtual[]
// Executors.newVirtualThreadPerTaskExecutor() exists from JDK 21 on; the kit compiles for 17, so look it up.
ExecutorService perTask;
try {
    perTask = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    System.out.println("JDK " + Runtime.version().feature() + ": a virtual thread per task");
} catch (NoSuchMethodException e) {
    perTask = Executors.newCachedThreadPool();     // JDK 17: a platform thread per task, reused when idle
    System.out.println("JDK " + Runtime.version().feature() + ": no virtual threads; a cached pool instead");
}
var done = new CountDownLatch(1_000);
for (int i = 0; i < 1_000; i++) {
    perTask.execute(() -> {
        try {
            Thread.sleep(100);                      // stands for a client that keeps its thread waiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        done.countDown();
    });
}
System.out.println("1000 waiting tasks done: " + done.await(30, TimeUnit.SECONDS));
perTask.shutdown();
// end::virtual[]
