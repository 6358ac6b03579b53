// Lesson 08: one thread, many sockets. Every socket here is on loopback, at a port the system picks, and nothing
// blocks for good: a non-blocking call returns at once, and every select() has a limit.

import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

// tag::setup[]
// A listener and one connected pair: `client` is the peer's end, `conn` the server's end, both channels.
var listener = ServerSocketChannel.open();
listener.bind(new InetSocketAddress("127.0.0.1", 0));
var client = SocketChannel.open(listener.getLocalAddress());
var conn = listener.accept();                     // blocking (the default): the client is already there
conn.configureBlocking(false);                    // from now on, no call on conn waits
System.out.println("conn is blocking: " + conn.isBlocking());
// end::setup[]

// tag::readzero[]
var buf = ByteBuffer.allocate(16);
int n = conn.read(buf);                           // nothing has arrived: a blocking read would wait here
System.out.println("read with nothing there returned " + n + "; buffer position " + buf.position());
// end::readzero[]

// tag::selector[]
var selector = Selector.open();
SelectionKey key = conn.register(selector, SelectionKey.OP_READ);
System.out.println("ready before the client writes: " + selector.select(200));   // waits up to 200 ms
client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
System.out.println("ready after the client writes: " + selector.select(2000));
System.out.println("selected: " + selector.selectedKeys().size() + " key, readable: " + key.isReadable());
System.out.println("read returned " + conn.read(buf) + ": \""
        + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8) + "\"");
// end::selector[]

// tag::stale[]
// The key is still in selectedKeys: select() adds keys to that set and never takes one out.
client.write(ByteBuffer.wrap(" again".getBytes(StandardCharsets.UTF_8)));
System.out.println("select() now says " + selector.select(2000) + " newly ready; selectedKeys still holds "
        + selector.selectedKeys().size());
selector.selectedKeys().clear();                  // what a loop does key by key with iterator.remove()
buf.clear();
System.out.println("read returned " + conn.read(buf));
System.out.println("with the set emptied and nothing new, select(200) says " + selector.select(200));
// end::stale[]

// tag::eof[]
client.shutdownOutput();                          // the peer says it will send no more: a FIN
selector.select(2000);                            // readable: the end of stream is something to read
selector.selectedKeys().clear();
buf.clear();
System.out.println("read after the peer's FIN returned " + conn.read(buf));
// end::eof[]

// tag::partial[]
// A peer that never reads: the kernel's buffers fill, and a non-blocking write takes only what still fits.
key.interestOps(0);                               // conn's end of stream has been read: nothing more to wait for
var big = ByteBuffer.allocate(1024 * 1024);
long taken = 0;
int writes = 0;
int last;
do {
    big.clear();
    last = conn.write(big);                       // returns at once, with what the kernel took: maybe all, some, 0
    taken += last;
    writes++;
} while (last > 0 && writes < 1000);
System.out.println(writes + " writes of up to 1 MiB took " + taken + " bytes in all; the last took " + last);
// end::partial[]

// tag::close[]
client.close();                                   // the peer leaves without reading: its close is a reset
conn.close();                                     // closing a channel cancels its key ...
System.out.println("key valid after close: " + key.isValid() + "; keys in the selector: " + selector.keys().size());
selector.selectNow();                             // ... and the next select forgets cancelled keys
System.out.println("keys after selectNow: " + selector.keys().size());
selector.close();
listener.close();
// end::close[]
