package tcplab.lab01;

import static tcplab.lab01.Wire01.LIMIT;
import static tcplab.lab01.Wire01.utf8;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.ChildJvm;
import tcplab.kit.Checks;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.ScriptedServer;
import tcplab.kit.Transcript;

/** Lab 01: TCP delivers a stream of bytes, UDP delivers whole datagrams. */
@Checks(lesson = 1)
class StreamVersusDatagramChecks {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(1);

    @Test
    @Order(1)
    @Hint("""
            openLoopback does both call flows: a ServerSocket bound to 127.0.0.1 at port 0, a Socket that connects
            to the port the system picked (listener.getLocalSocketAddress()), then accept(). Likely causes:
            accept() called before connect() (in one thread it waits for a client that has not come yet: connect
            first, the kernel finishes the handshake into the listener's queue); the listener never closed (it
            stays in LISTEN: put it in a try-with-resources); a try-with-resources that also closes the sockets you
            return; `client` and `server` mixed up with other sockets; a listener bound to "localhost" or the host's
            name, which may resolve to ::1 or another address, instead of 127.0.0.1. See "The server's call flow" and
            "The client's call flow".""")
    @DisplayName("A loopback connection joins a client to a server")
    void a_loopback_connection_joins_a_client_to_a_server() throws Exception {
        // openLoopback gets less time than the check gives it, so a connect or accept that waits in vain ends
        // with its own SocketTimeoutException, which says more than "still running".
        String doing = "called openLoopback(" + LabCode.seconds(OPEN_TIMEOUT) + ")";
        var outcome = LabCode.outcome(doing, LIMIT, () -> StreamVersusDatagram.openLoopback(OPEN_TIMEOUT));
        if (outcome.threw()) {
            Throwable t = outcome.thrown();
            if (t instanceof SocketTimeoutException && calls(t, "accept")) {
                throw CheckFailed.when(doing)
                        .expected("a Connection holding both ends of one loopback connection")
                        .got("accept() waited " + LabCode.seconds(OPEN_TIMEOUT) + " for a client and none came "
                                + "(SocketTimeoutException)\nat " + LabCode.where(t.getStackTrace()))
                        .next("accept() waits until a client has connected, and your client had not connected yet: "
                                + "in one thread, call connect() first (the kernel finishes the handshake into the "
                                + "listener's queue), then accept(). See \"The server's call flow\".")
                        .build();
            }
            throw LabCode.threw(doing, t);
        }
        var connection = outcome.value();
        if (connection == null || connection.client() == null || connection.server() == null) {
            throw CheckFailed.when(doing)
                    .expected("a Connection holding two sockets: the client you connected and the socket accept() "
                            + "returned")
                    .got(connection == null ? "null" : connection.toString())
                    .next("the return statement of openLoopback")
                    .build();
        }
        try (connection) {
            Socket client = connection.client();
            Socket server = connection.server();
            // Read the kernel's table right away: a listener left open and unreferenced could be closed by the
            // garbage collector while the check goes on, and the leak would go unseen.
            List<String> listening = Inspector.available() && server.getLocalPort() > 0
                    ? Inspector.tcp().stream().filter(r -> r.local().getPort() == server.getLocalPort()
                            && r.state().equals("LISTEN")).map(Inspector.Row::toString).toList()
                    : List.of();
            if (!client.isConnected() || client.isClosed() || !server.isConnected() || server.isClosed()) {
                throw CheckFailed.when(doing)
                        .expected("both sockets connected and still open")
                        .got("client: " + state(client) + "; server: " + state(server))
                        .next("did a try-with-resources close a socket before you returned it? Only the listener "
                                + "should be closed.")
                        .build();
            }
            if (client.getPort() != server.getLocalPort() || server.getPort() != client.getLocalPort()) {
                throw CheckFailed.when(doing)
                        .expected("the two ends of ONE loopback connection: the client's remote port is the "
                                + "server's local port, and the other way round")
                        .got("client " + ends(client) + "\nserver " + ends(server))
                        .next("return the socket you connected as `client` and the socket accept() returned as "
                                + "`server`, and connect to 127.0.0.1 at the listener's port")
                        .build();
            }
            // The two ends look alike (both connected, ports mirrored); one thing tells them apart: a socket that
            // accept() gave inherits the listener's options, and the JDK turns SO_REUSEADDR on for every listener
            // (on Linux and macOS), never for a plain Socket. Where the two ends differ in it, the end that has it
            // came from accept(). Where they do not (Windows, or a program that set the option itself), this says
            // nothing and is skipped, so no correct program is rejected by it.
            if (client.getReuseAddress() && !server.getReuseAddress()) {
                throw CheckFailed.when(doing)
                        .expected("`client` = the socket that connected, `server` = the socket accept() returned")
                        .got("the ends swapped: `client` is a socket that accept() gave (it has SO_REUSEADDR on, "
                                + "inherited from the listener), `server` one that did not come from accept() (it "
                                + "has it off)\nclient " + ends(client) + "\nserver " + ends(server))
                        .next("the order of the Connection record: new Connection(client, server), the socket you "
                                + "connected first, the one accept() returned second")
                        .build();
            }
            InetAddress ipv4Loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            if (!ipv4Loopback.equals(client.getInetAddress()) || !ipv4Loopback.equals(server.getLocalAddress())) {
                throw CheckFailed.when(doing)
                        .expected("a connection to 127.0.0.1, the IPv4 loopback address the listener was bound to")
                        .got("client " + ends(client) + "\nserver " + ends(server))
                        .next("bind the ServerSocket to 127.0.0.1 (InetAddress.getLoopbackAddress()), not to "
                                + "\"localhost\" or the host's name, which can resolve to ::1 or to another "
                                + "address, and connect the client to the listener's own address and port")
                        .build();
            }
            int[] ephemeral = Wire01.ephemeralPorts();
            if (ephemeral != null && (server.getLocalPort() < ephemeral[0] || server.getLocalPort() > ephemeral[1])) {
                throw CheckFailed.when(doing)
                        .expected("a listener at a port the system picked: port 0 asks for one of its ephemeral "
                                + "ports, here " + ephemeral[0] + " to " + ephemeral[1])
                        .got("the listener was at port " + server.getLocalPort() + ", a port the system does not "
                                + "pick by itself")
                        .next("bind to port 0 rather than a port of your own: a fixed port can be in use already, "
                                + "and then openLoopback fails with \"Address already in use\"")
                        .build();
            }
            if (!listening.isEmpty()) {
                throw CheckFailed.when(doing)
                        .expected("the listening socket closed once it had accepted (the connection lives on "
                                + "without it)")
                        .got("the kernel still lists a socket in LISTEN on port " + server.getLocalPort() + ": "
                                + listening)
                        .next("close the ServerSocket after accept(), e.g. with try-with-resources around it. "
                                + "See \"The server's call flow\".")
                        .build();
            }
            bytesCrossBothWays(doing, client, server);
        }
    }

    /** Sends a few bytes each way through the learner's connection and checks they arrive intact. */
    private static void bytesCrossBothWays(String doing, Socket client, Socket server) throws IOException {
        var wire = new Transcript("client end", "server end");
        client.setSoTimeout((int) LIMIT.toMillis());
        server.setSoTimeout((int) LIMIT.toMillis());
        byte[] ping = utf8("ping from the client");
        byte[] pong = utf8("pong from the server");
        try {
            client.getOutputStream().write(ping);
            wire.kitSent(ping, 0, ping.length);
            byte[] atServer = Wire01.readExactly(server.getInputStream(), ping.length);
            wire.event("the server end read " + Transcript.quote(atServer));
            server.getOutputStream().write(pong);
            wire.kitReceived(pong, 0, pong.length);
            byte[] atClient = Wire01.readExactly(client.getInputStream(), pong.length);
            wire.event("the client end read " + Transcript.quote(atClient));
            if (!Arrays.equals(ping, atServer) || !Arrays.equals(pong, atClient)) {
                throw CheckFailed.when(doing + " and sent a few bytes each way through the connection")
                        .expected("each end to read exactly what the other wrote")
                        .got("the server end read " + Transcript.quote(atServer) + ", the client end read "
                                + Transcript.quote(atClient))
                        .wire(wire)
                        .next("return the two ends of the same connection, untouched")
                        .build();
            }
        } catch (SocketTimeoutException e) {
            wire.event("nothing came for " + LabCode.seconds(LIMIT));
            throw CheckFailed.when(doing + " and sent a few bytes each way through the connection")
                    .expected("each end to read what the other wrote")
                    .got("a read waited " + LabCode.seconds(LIMIT) + " and nothing came")
                    .wire(wire)
                    .next("are `client` and `server` really the two ends of one connection?")
                    .build();
        }
    }

    @Test
    @Order(2)
    @Hint("""
            readSizes loops: `n = in.read(buffer)`; while n is not -1, add n to the list. The kit wrote three times,
            but TCP keeps no record of writes: all 13 bytes waiting in the buffer come out of one read. Likely
            causes: the final -1 added as if it were a size (it means "end of stream"); the loop tests for 0, as C's
            read() does (Java's read returns -1 at the end, so the loop never stops); buffer.length added instead of
            n, what read returned; stopping after the first read. See "A stream of bytes, not of messages" and "Two
            writes, one read".""")
    @DisplayName("Three writes waiting in the buffer come out of one read")
    void three_writes_waiting_in_the_buffer_come_out_of_one_read() throws Exception {
        List<byte[]> writes = List.of(utf8("one "), utf8("two "), utf8("three"));
        expectReads(writes, 1024, List.of(13), "one read of all 13 bytes: [13]. The kit wrote three times, but "
                + "TCP keeps no edges between writes, and all 13 bytes were already waiting");
    }

    @Test
    @Order(3)
    @Hint("""
            readSizes must read with a buffer of exactly bufferSize bytes (new byte[bufferSize]) and count every read
            until read returns -1. One write of 13 bytes read through a 5-byte buffer comes out as 5, 5 and 3: a read
            returns at most what fits, and the rest waits for the next read. Likely causes: readAllBytes() (it reads
            everything and gives one size), or a buffer bigger than bufferSize. See "One write, several reads".""")
    @DisplayName("One write can come out of several small reads")
    void one_write_can_come_out_of_several_small_reads() throws Exception {
        List<byte[]> writes = List.of(utf8("one two three"));
        expectReads(writes, 5, List.of(5, 5, 3), "three reads: [5, 5, 3]. One write of 13 bytes does not have to "
                + "come out of one read; each read returns at most the 5 bytes its buffer holds");
    }

    private static void expectReads(List<byte[]> writes, int bufferSize, List<Integer> expected, String why)
            throws Exception {
        var wire = new Transcript();
        String doing = "wrote " + writes.stream().map(Transcript::quote).collect(Collectors.joining(", "))
                + (writes.size() == 1 ? " in one write" : " as " + writes.size() + " separate writes")
                + ", closed its side, and called readSizes(in, " + bufferSize + ")";
        try (var link = Wire01.kitWritesThenCloses(wire, writes)) {
            InputStream in = new Wire01.Watched(link.accepted().getInputStream(), Integer.MAX_VALUE);
            var outcome = LabCode.outcome(doing, LIMIT, () -> StreamVersusDatagram.readSizes(in, bufferSize), link);
            if (outcome.thrown() instanceof Wire01.ReadAfterEnd endless) {
                throw CheckFailed.when(doing)
                        .expected(why)
                        .got("your loop did not stop at the end of the stream: " + endless.getMessage()
                                + "\nat " + LabCode.where(endless.getStackTrace()))
                        .wire(wire)
                        .next("in Java, read returns -1 at the end of the stream (C's read() returns 0 there; "
                                + "Java's read never returns 0 with a non-empty buffer): loop while n != -1")
                        .build();
            }
            if (outcome.threw()) {
                throw LabCode.threw(doing, outcome.thrown());
            }
            List<Integer> sizes = outcome.value();
            if (!expected.equals(sizes)) {
                int sum = sizes == null ? 0 : sizes.stream().mapToInt(i -> i == null ? 0 : i).sum();
                String next;
                if (sizes == null) {
                    next = "readSizes returned null; return the list of sizes";
                } else if (sizes.contains(-1) || sizes.contains(0)) {
                    next = "the -1 that read returns at the end of the stream is not a size: stop there, do not "
                            + "add it";
                } else if (!sizes.isEmpty() && sizes.stream().allMatch(i -> i != null && i == bufferSize)
                        && sum > expected.stream().mapToInt(Integer::intValue).sum()) {
                    next = "every size you recorded is the buffer's length, " + bufferSize + ": record n, the "
                            + "number of bytes in.read(buffer) returned, not buffer.length";
                } else if (sum < expected.stream().mapToInt(Integer::intValue).sum()) {
                    next = "your sizes add up to " + sum + " bytes, but the kit sent "
                            + expected.stream().mapToInt(Integer::intValue).sum()
                            + ": keep reading in a loop until read returns -1 (not just once), and add what each "
                            + "read returned";
                } else if (sum > expected.stream().mapToInt(Integer::intValue).sum()) {
                    next = "your sizes add up to " + sum + " bytes, more than the "
                            + expected.stream().mapToInt(Integer::intValue).sum() + " the kit sent: add exactly "
                            + "what each in.read(buffer) returned, once per read, and nothing else";
                } else {
                    next = "read with a buffer of exactly bufferSize bytes, and record the value each "
                            + "in.read(buffer) call returned (not the buffer's length)";
                }
                throw CheckFailed.when(doing)
                        .expected(why)
                        .got(String.valueOf(sizes))
                        .wire(wire)
                        .next(next)
                        .build();
            }
        }
    }

    @Test
    @Order(4)
    @Hint("""
            One read is not one message: TCP may hand you 3 bytes now and the rest later. readFully must loop: read
            into the array at offset `have`, at most `n - have` bytes, add what read returned, until have == n.
            Likely causes: a single in.read(message) taken for the whole message (the rest of the array stays zero);
            reading into a bigger buffer (new byte[1024]) and copying what you need, which swallows the start of the
            next message. See "Reading exactly n bytes".""")
    @DisplayName("readFully gathers a message that arrives in pieces")
    void read_fully_gathers_a_message_that_arrives_in_pieces() throws Exception {
        byte[] message = utf8("twenty bytes, please");
        byte[] next = utf8("NEXT");
        var wire = new Transcript();
        byte[] both = concat(message, next);
        var allSent = new CountDownLatch(1);
        String doing = "sent " + Transcript.quote(message) + " and then " + Transcript.quote(next)
                + ", 3 bytes at a time, and called readFully(in, " + message.length + ")";
        try (var server = ScriptedServer.start(wire, c -> {
                 c.sendInPieces(both, 3, Duration.ofMillis(10));
                 c.shutdownOutput();
                 allSent.countDown();
                 c.read(1, LIMIT); // keep the connection open until the check is done with it
             });
             var socket = connectTo(server)) {
            // At most 3 bytes per read, as the pieces were sent: the same on every run, however fast they arrive.
            var in = new Wire01.Watched(socket.getInputStream(), 3);
            byte[] got = LabCode.call(doing, LIMIT, () -> StreamVersusDatagram.readFully(in, message.length),
                    socket, server);
            allSent.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS); // so that the wire below is complete
            if (!Arrays.equals(message, got)) {
                int filled = got == null ? 0 : filledPrefix(message, got);
                boolean zerosAfter = got != null && got.length == message.length && filled < got.length
                        && allZero(Arrays.copyOfRange(got, filled, got.length));
                throw CheckFailed.when(doing)
                        .expected(message.length + " bytes: " + Transcript.quote(message))
                        .got(got == null ? "null" : got.length + " bytes: " + Transcript.quote(got)
                                + (zerosAfter ? "\nonly the first " + filled + " came from the stream; the other "
                                        + (got.length - filled) + " are the zeros a new byte[" + message.length
                                        + "] starts with" : ""))
                        .wire(wire)
                        .next(zerosAfter || (got != null && got.length < message.length)
                                ? "one read returned only part of the message (here: 3 bytes). Call read again "
                                        + "and again, at offset `have`, until all n bytes are in"
                                : "fill the array from offset `have` on, and return exactly n bytes")
                        .build();
            }
            byte[] rest = Wire01.readExactly(socket.getInputStream(), next.length);
            if (!Arrays.equals(next, rest)) {
                throw CheckFailed.when(doing + ", then read what was left itself")
                        .expected("the next message, " + Transcript.quote(next) + ", still waiting in the stream")
                        .got(Transcript.quote(rest) + ": your readFully read past the " + message.length
                                + " bytes it was asked for, and the bytes it took are lost to the next reader")
                        .wire(wire)
                        .next("never ask read for more than the `n - have` bytes still missing: "
                                + "in.read(message, have, n - have), not a bigger buffer")
                        .build();
            }
        }
    }

    /** How many leading bytes of {@code got} are the message's own. */
    private static int filledPrefix(byte[] message, byte[] got) {
        int i = 0;
        while (i < Math.min(message.length, got.length) && message[i] == got[i]) {
            i++;
        }
        return i;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(5)
    @Hint("""
            When read returns -1 the stream has ended and no more bytes will ever come: readFully must stop and throw
            java.io.EOFException, saying how many bytes came. Likely causes: `have += in.read(...)` without testing
            for -1 first (the count goes down, then the offset is negative); -1 taken for "no data yet, try again"
            (the loop spins forever); returning the bytes so far, a short or zero-padded array that the caller takes
            for a whole message. See "The end of the stream" and "Reading exactly n bytes".""")
    @DisplayName("readFully refuses a stream that ends too soon")
    void read_fully_refuses_a_stream_that_ends_too_soon() throws Exception {
        byte[] shortMessage = utf8("7 bytes");
        var wire = new Transcript();
        var closed = new CountDownLatch(1);
        String doing = "sent only " + Transcript.quote(shortMessage) + ", closed the connection, and called "
                + "readFully(in, 20)";
        try (var server = ScriptedServer.start(wire, c -> {
                 c.send(shortMessage);
                 c.close();
                 closed.countDown();
             });
             var socket = connectTo(server)) {
            var in = new Wire01.Watched(socket.getInputStream(), Integer.MAX_VALUE);
            var outcome = LabCode.outcome(doing, LIMIT, () -> StreamVersusDatagram.readFully(in, 20),
                    socket, server);
            closed.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS); // so that the wire below is complete
            if (!outcome.threw()) {
                byte[] got = outcome.value();
                throw CheckFailed.when(doing)
                        .expected("java.io.EOFException: the stream ended after 7 of 20 bytes")
                        .got("readFully returned " + (got == null ? "null" : got.length + " bytes: "
                                + Transcript.quote(got)))
                        .wire(wire)
                        .next("when read returns -1, throw new EOFException(...) instead of returning: a short "
                                + "(or zero-padded) array looks like a whole message to the caller")
                        .build();
            }
            Throwable t = outcome.thrown();
            if (t instanceof Wire01.ReadAfterEnd) {
                throw CheckFailed.when(doing)
                        .expected("java.io.EOFException: the stream ended after 7 of 20 bytes")
                        .got("your loop did not stop at the end of the stream: " + t.getMessage()
                                + "\nat " + LabCode.where(t.getStackTrace()))
                        .wire(wire)
                        .next("-1 is not \"no data yet\": it means the peer closed and no byte will ever come. "
                                + "Left alone, your loop would spin forever; throw EOFException the first time "
                                + "read returns -1")
                        .build();
            }
            if (!(t instanceof EOFException)) {
                throw CheckFailed.when(doing)
                        .expected("java.io.EOFException")
                        .got(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                                + "\nat " + LabCode.where(t.getStackTrace()))
                        .wire(wire)
                        .next(t instanceof IndexOutOfBoundsException
                                ? "did you add read's -1 to your count? `have` went down until the offset was "
                                        + "negative. Test for -1 before adding, and throw EOFException there"
                                : "read returning -1 is how Java says the peer closed; throw EOFException right "
                                        + "there")
                        .cause(t)
                        .build();
            }
        }
    }

    @Test
    @Order(6)
    @Hint("""
            Receive into a DatagramPacket over a buffer big enough for any datagram (65,507 bytes is the most UDP over
            IPv4 can carry), then add a copy of its first packet.getLength() bytes (Arrays.copyOfRange). Likely
            causes: a small buffer such as new byte[1024] (a longer datagram is cut short without any error); the
            whole buffer kept instead of getLength() bytes; packet.getData() added as it is (every entry is then the
            same array, overwritten by the next receive). An empty datagram is a real message: keep it as an empty
            array. See "A datagram keeps its edges".""")
    @DisplayName("Each UDP datagram arrives whole")
    void each_udp_datagram_arrives_whole() throws Exception {
        byte[] big = utf8("a datagram of 1200 bytes. ".repeat(47).substring(0, 1200));
        // The largest datagram UDP over IPv4 can carry: 65,535 less 8 bytes of UDP header and 20 of IP header. A
        // buffer of one Ethernet frame (1500) or of 8 KiB cuts it short.
        byte[] biggest = new byte[MAX_DATAGRAM];
        for (int i = 0; i < biggest.length; i++) {
            biggest[i] = (byte) ('a' + i % 26);
        }
        List<byte[]> sent = List.of(utf8("hi"), new byte[0], utf8("a longer datagram stays whole"), big,
                biggest, utf8("bye"));
        var wire = new Transcript();
        String doing = "sent " + sent.size() + " UDP datagrams of " + lengths(sent) + " bytes and called "
                + "receiveDatagrams(socket, " + sent.size() + ", " + LabCode.seconds(LIMIT) + ")";
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (var yours = new DatagramSocket(new InetSocketAddress(loopback, 0));
             var kit = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            // Room for the largest datagram and all the others waiting at once: Linux's defaults have it, macOS's
            // (9216 bytes to send, about 40 KB to receive) do not, and a datagram with no room is dropped silently.
            kit.setSendBufferSize(1 << 17);
            yours.setReceiveBufferSize(1 << 20);
            for (byte[] d : sent) {
                kit.send(new DatagramPacket(d, d.length, yours.getLocalSocketAddress()));
                if (d.length > 100) {
                    wire.event("kit sent one datagram of " + d.length + " bytes: " + Transcript.quote(
                            Arrays.copyOf(d, 26)) + (d.length == MAX_DATAGRAM ? " …" : " again and again")
                            + " (not dumped here)");
                } else {
                    wire.kitSent(d, 0, d.length);
                    wire.event("(end of one datagram)");
                }
            }
            List<byte[]> got = LabCode.call(doing, LIMIT,
                    () -> StreamVersusDatagram.receiveDatagrams(yours, sent.size(), LIMIT), yours);
            int wrong = firstDifference(sent, got);
            if (wrong >= 0) {
                throw CheckFailed.when(doing)
                        .expected(sent.size() + " datagrams of " + lengths(sent) + " bytes, each exactly as sent")
                        .got(got == null ? "null" : got.size() + " datagrams of " + lengths(got) + " bytes"
                                + (wrong < got.size() ? "; datagram " + (wrong + 1) + " was "
                                        + describe(got.get(wrong)) + " where the kit sent "
                                        + describe(sent.get(wrong)) : ""))
                        .wire(wire)
                        .next(nextForDatagram(sent, got, wrong))
                        .build();
            }
        }
    }

    /** The largest UDP payload over IPv4; loopback carries it whole (its MTU is 65,536 on Linux). */
    private static final int MAX_DATAGRAM = 65_507;

    /** The timeout of the first run: nothing comes, and the learner's code must give up soon after it. */
    private static final Duration SHORT_WAIT = Duration.ofMillis(200);
    /** Well above SHORT_WAIT for a busy machine, and well below LONG_WAIT: no fixed timeout passes both runs. */
    private static final Duration SHORT_WAIT_AT_MOST = Duration.ofMillis(1100);
    /** The timeout of the second run, in which the first datagram comes late (but in time) and the second never. */
    private static final Duration LONG_WAIT = Duration.ofMillis(1300);
    /**
     * How long the kit keeps the first datagram back: most of LONG_WAIT, so one deadline for both runs out; and
     * half a second past a fixed timeout of half a second, so a busy machine cannot let such code catch it.
     */
    private static final Duration STALL = Duration.ofMillis(1000);

    @Test
    @Order(7)
    @Hint("""
            receiveDatagrams waits for each datagram at most the timeout it is given, then lets the
            java.net.SocketTimeoutException out: socket.setSoTimeout((int) timeout.toMillis()) before the loop does
            both (receive() throws it). Likely causes: no setSoTimeout (receive() waits forever for a datagram that
            never comes); a timeout of your own, such as setSoTimeout(1000), instead of the one passed in; the
            timeout turned into whole seconds, e.g. (int) timeout.toSeconds() * 1000 (0.2 s becomes 0, and 0 means
            wait forever), where timeout.toMillis() keeps every millisecond; one
            deadline for all the datagrams together (the timeout is for each one); the exception caught and a
            shorter list returned. See "A datagram keeps its edges".""")
    @DisplayName("Receiving a datagram gives up after the timeout it was given")
    void receiving_a_datagram_gives_up_after_the_timeout_it_was_given() throws Exception {
        // Nothing comes: the learner's code must give up after SHORT_WAIT, not wait forever nor for a timeout of
        // its own of a second or more.
        // A plain socket here: were the learner's code stuck, the check would name the learner's line, not the
        // receive() of a socket of the check's own.
        String doing = "sent no datagram and called receiveDatagrams(socket, 1, " + LabCode.seconds(SHORT_WAIT) + ")";
        try (var yours = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            long start = System.nanoTime();
            long[] ended = new long[1];
            var outcome = LabCode.outcome(doing, LIMIT, () -> {
                try {
                    return StreamVersusDatagram.receiveDatagrams(yours, 1, SHORT_WAIT);
                } finally {
                    ended[0] = System.nanoTime();
                }
            }, yours);
            mustTimeOut(doing, outcome, 1);
            long waited = ended[0] - start;
            if (waited < SHORT_WAIT.toNanos() * 9 / 10 || waited > SHORT_WAIT_AT_MOST.toNanos()) {
                boolean early = waited < SHORT_WAIT.toNanos();
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException once " + LabCode.seconds(SHORT_WAIT) + " had passed")
                        .got("a SocketTimeoutException " + (early ? "before " + LabCode.seconds(SHORT_WAIT)
                                : "more than " + LabCode.seconds(SHORT_WAIT_AT_MOST)) + " after your code asked for "
                                + "the datagram")
                        .next("wait as long as the timeout passed in, no " + (early ? "less" : "more") + ": a "
                                + "timeout of your own? Use socket.setSoTimeout((int) timeout.toMillis())")
                        .build();
            }
        }

        // The first datagram comes STALL after the learner's code asks for it, the second never: the wait for the
        // second must last the whole LONG_WAIT of its own, not what is left of one deadline for both.
        doing = "called receiveDatagrams(socket, 2, " + LabCode.seconds(LONG_WAIT) + "), sent one datagram "
                + LabCode.seconds(STALL) + " after your code asked for it, and no second one";
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (var yours = new Wire01.TimedDatagramSocket();
             var kit = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            byte[] first = utf8("late, but in time");
            var sender = new Thread(() -> {
                try {
                    if (yours.awaitFirstReceive(LIMIT)) {
                        Thread.sleep(STALL.toMillis());   // the stall is the scenario, not a synchronisation
                        kit.send(new DatagramPacket(first, first.length, yours.getLocalSocketAddress()));
                    }
                } catch (IOException | InterruptedException checkOver) {
                    // The check ended first and closed the sockets: there is no one left to send to.
                }
            }, "kit-datagram-sender");
            sender.setDaemon(true);
            sender.start();
            long start = System.nanoTime();
            long[] ended = new long[1];
            var outcome = LabCode.outcome(doing, LIMIT.plus(STALL).plus(LONG_WAIT), () -> {
                try {
                    return StreamVersusDatagram.receiveDatagrams(yours, 2, LONG_WAIT);
                } finally {
                    ended[0] = System.nanoTime();
                }
            }, yours, kit);
            sender.join(LIMIT.toMillis());
            mustTimeOut(doing, outcome, 2);
            int waitingFor = yours.datagramsReceived() + 1;
            long waited = ended[0] - yours.lastReceivedOr(start);
            if (waited < LONG_WAIT.toNanos() * 9 / 10) {
                throw CheckFailed.when(doing)
                        .expected("datagram 1 received, then a SocketTimeoutException once datagram 2 had been "
                                + "awaited for " + LabCode.seconds(LONG_WAIT))
                        .got("a SocketTimeoutException while your code waited for datagram " + waitingFor + ", before "
                                + LabCode.seconds(LONG_WAIT) + " had passed")
                        .next(waitingFor == 1
                                ? "a timeout of your own, shorter than the one passed in? Use "
                                        + "socket.setSoTimeout((int) timeout.toMillis())"
                                : "the timeout is for each datagram: datagram 1 came after " + LabCode.seconds(STALL)
                                        + ", and datagram 2 then had " + LabCode.seconds(LONG_WAIT) + " of its own. "
                                        + "Likely causes: one deadline for all the datagrams together, or a timeout "
                                        + "of your own, shorter than the one passed in")
                        .build();
            }
        }
    }

    @Test
    @Order(8)
    @Hint("""
            Bind the listener to exactly 127.0.0.1: InetAddress.getLoopbackAddress() (or "127.0.0.1"), and connect
            the client to listener.getLocalSocketAddress(). This check runs openLoopback in a JVM where the host's
            name resolves to 127.0.1.1, as it does on many Linux machines. Likely causes: a listener bound to
            InetAddress.getLocalHost() (the host's name, here 127.0.1.1); a listener bound to the wildcard
            address (new InetSocketAddress(port) or new ServerSocket(0)), which listens on every interface, and
            a client that connects to the wildcard address is sent by Java to getLocalHost(). See "The server's
            call flow".""")
    @DisplayName("The connection stays on the loopback, where the host name is not")
    void the_connection_stays_on_the_loopback_where_the_host_name_is_not() throws Exception {
        // Java resolves names through this file instead of /etc/hosts: the host's own name becomes 127.0.1.1 (as
        // Debian and Ubuntu set it), "localhost" stays 127.0.0.1. A correct openLoopback never asks for a name.
        Path hosts = Files.createTempFile("tcplab-hosts", ".txt");
        try {
            String name = hostName();
            Files.writeString(hosts, "127.0.0.1 localhost\n" + (name == null ? "" : "127.0.1.1 " + name + "\n"));
            var child = ChildJvm.run(LoopbackProbe01.class.getName(),
                    List.of("-Djdk.net.hosts.file=" + hosts), Map.of(), new byte[0], Duration.ofSeconds(30));
            String doing = "called openLoopback(1 s) in a JVM where the host's name resolves to 127.0.1.1";
            if (child.notWrittenYet() != null) {
                throw CheckFailed.when(doing)
                        .expected("a Connection")
                        .got("it is not written yet: " + child.notWrittenYet())
                        .next("the Javadoc of openLoopback")
                        .build();
            }
            String line = child.outText().strip();
            String[] words = line.split(" ");
            if (child.exitCode() != 0 || words.length != 6) {
                throw CheckFailed.when(doing)
                        .expected("a Connection whose two ends are both on 127.0.0.1")
                        .got(child.killed() ? "it was still running after 30 s"
                                : "openLoopback threw " + child.errText().strip())
                        .next("bind the listener to InetAddress.getLoopbackAddress() (127.0.0.1) and connect to "
                                + "listener.getLocalSocketAddress(). A listener on getLocalHost() or on the "
                                + "wildcard address can end up on the host's name, 127.0.1.1 here")
                        .build();
            }
            String where = "client: local " + words[1] + ", remote " + words[2] + "\nserver: local " + words[4]
                    + ", remote " + words[5];
            boolean allOnLoopback = List.of(words[1], words[2], words[4], words[5]).stream()
                    .allMatch(a -> a.startsWith("127.0.0.1:"));
            if (!allOnLoopback) {
                throw CheckFailed.when(doing)
                        .expected("both ends on exactly 127.0.0.1, the address the listener must be bound to")
                        .got(where)
                        .next("bind the listener to InetAddress.getLoopbackAddress(), not to getLocalHost() (the "
                                + "host's name, 127.0.1.1 here) nor to the wildcard address (a client that "
                                + "connects to the wildcard address is sent to getLocalHost())")
                        .build();
            }
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    /** This host's name as the system gives it, or null when it cannot be told. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException unknown) {
            // The name does not resolve here; its lookup's message starts with it ("name: name: ...").
            String m = unknown.getMessage();
            return m == null || !m.contains(":") ? null : m.substring(0, m.indexOf(':')).strip();
        }
    }

    /** The learner's code must have given up with a SocketTimeoutException, not returned nor thrown another. */
    private static void mustTimeOut(String doing, LabCode.Outcome<List<byte[]>> outcome, int count) {
        if (!outcome.threw()) {
            List<byte[]> got = outcome.value();
            throw CheckFailed.when(doing)
                    .expected("a SocketTimeoutException: " + count + (count == 1 ? " datagram was" : " datagrams were")
                            + " asked for, and not all came")
                    .got("receiveDatagrams returned " + (got == null ? "null" : got.isEmpty() ? "an empty list"
                            : got.size() + " datagram(s) of " + lengths(got) + " bytes"))
                    .next("let the SocketTimeoutException of receive() out of receiveDatagrams: a list shorter than "
                            + "count (or with empty entries) reads like datagrams that came")
                    .build();
        }
        if (!(outcome.thrown() instanceof SocketTimeoutException)) {
            throw LabCode.threw(doing, outcome.thrown());
        }
    }

    /** The index of the first datagram that differs, or -1 when all match. */
    private static int firstDifference(List<byte[]> sent, List<byte[]> got) {
        if (got == null) {
            return 0;
        }
        for (int i = 0; i < sent.size(); i++) {
            if (i >= got.size() || !Arrays.equals(sent.get(i), got.get(i))) {
                return i;
            }
        }
        return got.size() == sent.size() ? -1 : sent.size();
    }

    private static String nextForDatagram(List<byte[]> sent, List<byte[]> got, int i) {
        if (got == null) {
            return "receiveDatagrams returned null; return the list of datagrams";
        }
        if (i >= got.size() || got.get(i) == null) {
            return "call receive() once per datagram, count times, and add every datagram to the list";
        }
        byte[] s = sent.get(i);
        byte[] g = got.get(i);
        if (g.length > s.length && Arrays.equals(s, Arrays.copyOf(g, s.length))) {
            return "the datagram is there, followed by the rest of your buffer: keep only the first "
                    + "packet.getLength() bytes of it (Arrays.copyOfRange)";
        }
        if (g.length > s.length) {
            return "that is not the datagram the kit sent: are all your list entries the same array? "
                    + "packet.getData() returns the receive buffer itself, and the next receive() overwrites it. "
                    + "Add a copy of the datagram's bytes, the first packet.getLength() (Arrays.copyOfRange)";
        }
        if (g.length < s.length && Arrays.equals(g, Arrays.copyOf(s, g.length))) {
            return "the datagram was cut to " + g.length + " bytes: your receive buffer is too small, and UDP "
                    + "drops what does not fit without an error. Use a buffer of 65,507 bytes or more.";
        }
        return "one receive() per datagram, in order; copy each datagram's bytes before the next receive "
                + "overwrites the buffer";
    }

    private static String describe(byte[] d) {
        if (d == null) {
            return "null";
        }
        return d.length + " bytes" + (d.length <= 40 ? " " + Transcript.quote(d) : "");
    }

    private static Socket connectTo(ScriptedServer server) throws IOException {
        var socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(server.host(), server.port()), (int) LIMIT.toMillis());
            socket.setSoTimeout((int) LIMIT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static List<Integer> lengths(List<byte[]> datagrams) {
        var sizes = new ArrayList<Integer>();
        for (byte[] d : datagrams) {
            sizes.add(d == null ? null : d.length);
        }
        return sizes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** True when the stack of {@code t} passes through a method named {@code method} (e.g. accept). */
    private static boolean calls(Throwable t, String method) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method));
    }

    private static String state(Socket s) {
        return s.isClosed() ? "closed" : s.isConnected() ? "connected" : "not connected";
    }

    private static String ends(Socket s) {
        return "local " + s.getLocalSocketAddress() + ", remote " + s.getRemoteSocketAddress();
    }
}
