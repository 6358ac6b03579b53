package tcplab.lab08;

import static tcplab.lab08.ServerUnderCheck.HOST;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.ChildJvm;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.Poll;
import tcplab.kit.RunningProgram;
import tcplab.kit.ProgramRun;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;
import tcplab.lab08.Chatter.Ending;
import tcplab.lab08.Chatter.Got;

@Checks(lesson = 8)
class ChatChecks {

    /** How long the kit waits for one line, or one end of stream: the others must never wait longer. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** How long the kit waits for something that takes many round trips (the kernel's tables, a drained client). */
    private static final Duration LONG = Duration.ofSeconds(5);
    /** How long a run of the program may take when its input is empty or its arguments are wrong. */
    private static final Duration PROGRAM = Duration.ofSeconds(5);
    private static final String USAGE = "Usage: ChatServer <ip> <port>";
    private static final String LAB = "Lesson 08, \"The lab\".";
    /** How many lines the flood check sends before it reads them. */
    private static final int BATCH = 16;

    private final Transcript wire = new Transcript();

    @Test
    @Order(1)
    @Hint("start() opens a Selector and a non-blocking ServerSocketChannel registered for OP_ACCEPT and starts the "
            + "server's thread; serve() loops on select() and handles each selected key (removing it from "
            + "selectedKeys). accept() welcomes the client (\"* you are #N\") and tells the others (\"* #N "
            + "joined\"); read() relays each line as \"#N: <line>\" to every client but its sender. Nothing is "
            + "written directly: send() fills the client's output buffer and asks for OP_WRITE, write() sends it. "
            + "An exception on the server's thread is printed on the console. " + LAB)
    @DisplayName("Clients are welcomed, and a line goes to every other client")
    void clients_are_welcomed_and_a_line_goes_to_every_other_client() throws IOException {
        try (var server = ServerUnderCheck.start();
             var a = connect("A", server)) {
            String doing = "connected A, B and C in that order";
            expectWelcome(a, 1, doing);
            var b = connect("B", server);
            var c = connect("C", server);
            try (b; c) {
                expectWelcome(b, 2, doing);
                String joined = "accept(): after the welcome, broadcast(client, \"* #N joined\\n\") to the clients "
                        + "already there (not to the new one). " + LAB;
                a.expect("* #2 joined", WAIT, doing, joined);
                expectWelcome(c, 3, doing);
                a.expect("* #3 joined", WAIT, doing, joined);
                b.expect("* #3 joined", WAIT, doing, joined);
                a.send("hello, 世界\n");
                String relay = "read(): for each \\n in the client's buffer, the bytes before it go to every OTHER "
                        + "client as \"#N: \" + line + \"\\n\" (broadcast(client, …) skips the sender). " + LAB;
                doing = "connected A, B and C, then A sent \"hello, 世界\\n\"";
                b.expect("#1: hello, 世界", WAIT, doing, relay);
                c.expect("#1: hello, 世界", WAIT, doing, relay);
                b.send("hi\n");
                doing += ", then B sent \"hi\\n\"";
                a.expect("#2: hi", WAIT, doing, "A must not get its own line back, and must get B's: broadcast() "
                        + "skips the sender (to != from) and no one else. " + LAB);
                c.expect("#2: hi", WAIT, doing, relay);
            }
        }
    }

    @Test
    @Order(2)
    @Hint("The server serves every client on its one thread: accept() registers the client's channel with the "
            + "selector (non-blocking, OP_READ) and returns; no thread, no executor per client, no blocking read. "
            + "Lesson 08, \"Readiness: a Selector\".")
    @DisplayName("Fifty clients are served on one thread")
    void fifty_clients_are_served_on_one_thread() throws IOException {
        var quiet = new Transcript();
        var clients = new ArrayList<Chatter>();
        try (var server = ServerUnderCheck.startFromAPlainThread()) {
            try {
                for (int i = 1; i <= 50; i++) {
                    Chatter c = Chatter.connect("client " + i, server.port(), quiet);
                    clients.add(c);
                    c.welcome(WAIT, "connected 50 clients one after another");
                }
                List<Thread> threads = server.newThreads();
                if (threads.size() > 1) {
                    throw CheckFailed.when("connected 50 clients and counted the threads your server started")
                            .expected("one thread, the server's own, whatever the number of clients")
                            .got(threads.size() + " new threads: " + ServerUnderCheck.names(threads))
                            .next("accept(): no thread per client: register the channel with the selector "
                                    + "(configureBlocking(false), register(selector, OP_READ, client)). "
                                    + "Lesson 08, \"Readiness: a Selector\".")
                            .build();
                }
                for (Thread t : threads) {
                    if (!t.isDaemon()) {
                        throw CheckFailed.when("started your server from a thread that is not a daemon (as main() "
                                        + "does) and looked at the thread it started")
                                .expected("a daemon thread: a program whose main() returns without close() must end")
                                .got("thread \"" + t.getName() + "\" is not a daemon")
                                .next("start(): start the thread the constructor made (server.serving.start()); it "
                                        + "is a daemon already.")
                                .build();
                    }
                }
                clients.get(0).send("hello, everyone\n");
                for (Chatter c : clients.subList(1, 50)) {
                    Got got;
                    do {
                        got = c.read(WAIT);
                    } while (got.ending() == Ending.LINE && got.line().matches("\\* #\\d+ joined"));
                    if (got.ending() != Ending.LINE || !got.line().equals("#1: hello, everyone")) {
                        throw CheckFailed.when("connected 50 clients; client 1 sent \"hello, everyone\\n\"")
                                .expected(c.name + " to get \"#1: hello, everyone\" (after the joins of the "
                                        + "clients after it) within " + WAIT.toMillis() + " ms")
                                .got(c.name + " got " + got.describe())
                                .next("broadcast() to every client in `clients`; send() puts the message in each "
                                        + "client's own output buffer and asks for OP_WRITE. " + LAB)
                                .build();
                    }
                }
            } finally {
                clients.forEach(Chatter::close);
            }
        }
    }

    @Test
    @Order(3)
    @Hint("A read returns what has arrived: part of a line, or several lines. Keep the bytes of a line not yet "
            + "whole in the client's own buffer (compact(), not clear()) and relay a line only at its \\n; look "
            + "for every \\n in what you have, not only the first. Work on bytes (or decode whole lines): a "
            + "character cut between two reads is not a character yet. A \\r just before the \\n is dropped. "
            + "Lesson 08, \"A buffer per connection\".")
    @DisplayName("A line split across packets is relayed whole, and lines sent together one by one")
    void a_line_split_across_packets_is_relayed_whole() throws IOException {
        try (var server = ServerUnderCheck.start();
             var a = Chatter.connect("A", server.port(), wire);
             var b = Chatter.connect("B", server.port(), wire);
             var c = Chatter.connect("C", server.port(), wire)) {
            expectWelcome(a, 1, "connected A, B and C");
            expectWelcome(b, 2, "connected A, B and C");
            expectWelcome(c, 3, "connected A, B and C");
            a.read(WAIT);
            a.read(WAIT);
            b.read(WAIT);                         // the joins, which the first check judged
            byte[] line = "héllo, 世界, world\n".getBytes(StandardCharsets.UTF_8);
            int cut1 = "héllo, 世".getBytes(StandardCharsets.UTF_8).length + 1;   // inside 界
            int cut2 = "héllo, 世界, wor".getBytes(StandardCharsets.UTF_8).length;
            String split = "A sent \"héllo, 世界, world\\n\" in three writes (cut inside 界, and before \"ld\"); "
                    + "after each of the first two, once the kernel showed the server had read it, C sent a line";
            String keep = "read(): a read may bring part of a line: keep it in client.in (compact()) and relay "
                    + "nothing until its \\n has come; never decode a part on its own (a character may be cut). "
                    + "Lesson 08, \"A buffer per connection\".";
            a.send(java.util.Arrays.copyOfRange(line, 0, cut1));
            awaitReadByServer(a, server.port());
            c.send("marker 1\n");
            b.expect("#3: marker 1", WAIT, split, keep);
            a.send(java.util.Arrays.copyOfRange(line, cut1, cut2));
            awaitReadByServer(a, server.port());
            c.send("marker 2\n");
            b.expect("#3: marker 2", WAIT, split, keep);
            a.send(java.util.Arrays.copyOfRange(line, cut2, line.length));
            b.expect("#1: héllo, 世界, world", WAIT, split, keep);
            a.send("one\ntwo\r\nthree\n");
            String together = "A sent \"one\\ntwo\\r\\nthree\\n\" in one write";
            String every = "read(): one read may bring several lines: relay each one, in order, up to its \\n; "
                    + "drop a \\r just before a \\n. " + LAB;
            b.expect("#1: one", WAIT, together, every);
            b.expect("#1: two", WAIT, together, every);
            b.expect("#1: three", WAIT, together, every);
            a.send("\n");
            b.expect("#1: ", WAIT, "A sent an empty line, \"\\n\" alone", "read(): an empty line is a line: relay "
                    + "\"#1: \\n\". Careful with the \\r test when the \\n is the buffer's first byte. " + LAB);
        }
    }

    @Test
    @Order(4)
    @Hint("A line holds at most ChatServer.MAX_LINE (1024) bytes before its \\n, a \\r there included: the client's "
            + "input buffer has room for MAX_LINE + 1 bytes. A line of exactly 1024 bytes is relayed whole; a "
            + "client that sends 1025 bytes without a \\n is dropped: log \"#N dropped: …\", close it, and the "
            + "others get \"* #N left\". " + LAB)
    @DisplayName("A line of 1,024 bytes is relayed, and one byte more drops its sender")
    void a_line_of_1024_bytes_is_relayed_and_one_more_drops_its_sender() throws IOException {
        try (var server = ServerUnderCheck.start();
             var a = Chatter.connect("A", server.port(), wire);
             var b = Chatter.connect("B", server.port(), wire)) {
            expectWelcome(a, 1, "connected A and B");
            expectWelcome(b, 2, "connected A and B");
            String longest = "é".repeat(500) + "x".repeat(24);            // 1024 bytes in UTF-8
            a.send(longest + "\n");
            b.expect("#1: " + longest, WAIT, "A sent a line of exactly 1024 bytes (500 é and 24 x) and its \\n",
                    "read(): the input buffer needs room for MAX_LINE bytes and the \\n: MAX_LINE + 1. " + LAB);
            String withCr = "y".repeat(1023);
            a.send(withCr + "\r\n");
            b.expect("#1: " + withCr, WAIT, "A sent 1023 bytes, then \\r\\n",
                    "read(): a \\r just before the \\n is dropped; 1023 bytes and a \\r are 1024, within the limit. "
                            + LAB);
            a.send("z".repeat(1025) + "\n");
            String doing = "A sent a line of 1025 bytes, one more than MAX_LINE";
            Got got = b.read(WAIT);
            if (got.ending() != Ending.LINE || !got.line().equals("* #1 left")) {
                throw CheckFailed.when(doing)
                        .expected("B to get \"* #1 left\": A dropped, and nothing of its line relayed")
                        .got("B got " + got.describe())
                        .wire(wire)
                        .next("read(): when client.in is full and holds no \\n, the line is too long: log it, "
                                + "leave(client). " + LAB)
                        .build();
            }
            Ending end = a.drainToEnd(WAIT);
            if (end == Ending.SILENT) {
                throw CheckFailed.when(doing).expected("A's connection closed by the server")
                        .got("A's connection still open after " + WAIT.toMillis() + " ms").wire(wire)
                        .next("leave(): close the client's channel. " + LAB).build();
            }
            List<String> log = server.awaitLogLine("#1 dropped", WAIT);
            if (log.size() != 1 || !log.get(0).startsWith("#1 dropped")) {
                throw CheckFailed.when(doing).expected("one line in the log: \"#1 dropped: <why>\"")
                        .got(server.logForMessage()).wire(wire)
                        .next("read(): log.println(\"#\" + client.id + \" dropped: …\") before leave(client), "
                                + "and nothing else in the log. " + LAB).build();
            }
        }
    }

    @Test
    @Order(5)
    @Hint("Messages wait in the client's own output buffer, in order, until the kernel takes them: write() flips, "
            + "writes what the kernel takes, compacts (not clear()); the key stays interested in OP_WRITE while "
            + "anything is left, and goes back to OP_READ alone once all is sent, or select() says \"writable\" on "
            + "every round and the thread spins. Lesson 08, \"Writes are partial too\".")
    @DisplayName("A client that reads late gets every line, and OP_WRITE is dropped once all is sent")
    void a_client_that_reads_late_gets_every_line() throws IOException {
        try (var server = ServerUnderCheck.start();
             var talker = Chatter.connect("talker", server.port(), wire);
             var listener = Chatter.connect("listener", server.port(), wire);
             var slow = Chatter.connect("slow", null, server.port(), wire, 4096)) {
            expectWelcome(talker, 1, "connected talker, listener and slow (a small receive buffer)");
            expectWelcome(listener, 2, "connected talker, listener and slow");
            listener.expect("* #3 joined", WAIT, "connected talker, listener and slow", LAB);
            expectWelcome(slow, 3, "connected talker, listener and slow");
            int lines = 60;                       // 60 KB: less than the 64 KiB that may wait in the server
            var all = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                all.append(String.format("%04d", i)).append("y".repeat(996)).append('\n');
            }
            talker.send(all.toString());
            String doing = "talker sent 60 lines of 1000 bytes in one write; slow read nothing until listener had "
                    + "them all, then read";
            for (int i = 0; i < lines; i++) {
                Got got = listener.readQuietly(WAIT);
                if (got.ending() != Ending.LINE || !got.line().startsWith(String.format("#1: %04d", i))) {
                    throw CheckFailed.when(doing).expected("listener to get line " + i + " of talker's")
                            .got("listener got " + got.describe()).wire(wire).next(LAB).build();
                }
            }
            for (int i = 0; i < lines; i++) {
                Got got = slow.readQuietly(WAIT);
                if (got.ending() != Ending.LINE || !got.line().equals("#1: " + String.format("%04d", i)
                        + "y".repeat(996))) {
                    throw CheckFailed.when(doing)
                            .expected("slow to get all 60 lines, in order, each within " + WAIT.toMillis() + " ms: "
                                    + "line " + i + " next")
                            .got("slow got " + got.describe())
                            .next("write(): flip, write, then compact() (not clear()): what the kernel did not take "
                                    + "stays, in order; keep OP_WRITE in the interest set while anything is left "
                                    + "(out.position() > 0 after the compact). Lesson 08, \"Writes are partial too\".")
                            .build();
                }
            }
            var keys = server.clientKeys();
            if (!Poll.until(() -> keys.stream().noneMatch(k -> k.isValid()
                    && (k.interestOps() & java.nio.channels.SelectionKey.OP_WRITE) != 0), WAIT)) {
                throw CheckFailed.when(doing + "; every line was read")
                        .expected("no client's key still interested in OP_WRITE: nothing is left to send")
                        .got("a key still asks for OP_WRITE, so select() returns at once on every round and the "
                                + "server's thread spins")
                        .next("write(): once out.position() is 0 after the compact, interestOps(OP_READ). " + LAB)
                        .build();
            }
        }
    }

    /** How long the check above sends at most, well inside the time a check may run. */
    private static final java.time.Duration SEND_FOR = java.time.Duration.ofSeconds(20);

    @Test
    @Order(6)
    @Hint("A client that never reads must cost the others nothing: never write until everything is taken (that "
            + "is a blocking server again); put messages in the client's own output buffer, write what the kernel "
            + "takes when its key is writable, and ask for OP_WRITE only while something waits. Once a message "
            + "does not fit in its OUTPUT_LIMIT (64 KiB) buffer, drop that client: log it, close it, \"* #N left\". "
            + "Lesson 08, \"Writes are partial too\".")
    @DisplayName("A client that never reads is dropped, and holds up no one meanwhile")
    void a_client_that_never_reads_is_dropped_and_holds_up_no_one() throws IOException {
        try (var server = ServerUnderCheck.start();
             var talker = Chatter.connect("talker", server.port(), wire);
             var listener = Chatter.connect("listener", server.port(), wire);
             var silent = Chatter.connect("silent", null, server.port(), wire, 4096)) {
            expectWelcome(talker, 1, "connected talker, listener and a client that never reads");
            expectWelcome(listener, 2, "connected talker, listener and a client that never reads");
            listener.expect("* #3 joined", WAIT, "connected talker, listener and silent", LAB);
            String line = "x".repeat(1000);
            byte[] batch = (line + "\n").repeat(BATCH).getBytes(StandardCharsets.UTF_8);
            long sent = 0;
            long limit = 16L * 1024 * 1024;       // four times the most the kernel's buffers hold here (4 MiB)
            // And at most 20 s of it: on a loaded machine 16 MiB of lines, each one read back by listener, can take
            // longer than the check may run, and then the learner would get a time-out instead of this report.
            long until = System.nanoTime() + SEND_FOR.toNanos();
            String doing = "talker sent lines of 1000 bytes, 16 at a time, and listener read each batch before the "
                    + "next; silent read nothing";
            boolean dropped = false;
            while (!dropped) {
                if (sent > limit || System.nanoTime() > until) {
                    throw CheckFailed.when(doing)
                            .expected("silent to be dropped once 64 KiB wait for it in your server (beyond what "
                                    + "the kernel's buffers hold)")
                            .got("after 16 MiB of lines (or " + SEND_FOR.toSeconds() + " s of them, whichever came "
                                    + "first), silent was still not dropped (no \"* #3 left\")")
                            .next("send(): when the message does not fit in the client's output buffer, log and "
                                    + "leave(client); do not let the buffer grow, nor drop only the message. " + LAB)
                            .build();
                }
                talker.socket.getOutputStream().write(batch);
                sent += batch.length;
                for (int i = 0; i < BATCH; i++) {
                    Got got = listener.readQuietly(WAIT);
                    if (!dropped && got.ending() == Ending.LINE && got.line().equals("* #3 left")) {
                        wire.event("listener got \"* #3 left\" while talker sent its lines");
                        dropped = true;
                        got = listener.readQuietly(WAIT);
                    }
                    if (got.ending() != Ending.LINE || !got.line().equals("#1: " + line)) {
                        throw CheckFailed.when(doing)
                                .expected("listener to get each of talker's lines within " + WAIT.toMillis()
                                        + " ms, whatever silent does")
                                .got("listener got " + got.describe())
                                .next(got.ending() == Ending.SILENT
                                        ? "A write to silent must never wait: the channels are non-blocking, and "
                                                + "write() sends what the kernel takes and keeps the rest in the "
                                                + "client's output buffer, asking for OP_WRITE. Lesson 08, \"Writes "
                                                + "are partial too\"."
                                        : "Your server closed listener's connection: has its thread ended with an "
                                                + "exception (printed on the console)? Dropping silent in the middle "
                                                + "of a broadcast changes `clients`: walk a copy. " + LAB)
                                .build();
                    }
                }
            }
            Ending end = silent.drainToEnd(LONG);
            if (end == Ending.SILENT) {
                throw CheckFailed.when(doing + "; silent was announced as left, then read what it had")
                        .expected("silent to read the end of its stream (or a reset): its connection closed")
                        .got("its connection still open after " + LONG.toSeconds() + " s")
                        .next("leave(): close the client's channel (that also cancels its key). " + LAB)
                        .build();
            }
            List<String> log = server.awaitLogLine("#3 dropped", WAIT);
            if (log.size() != 1 || !log.get(0).startsWith("#3 dropped")) {
                throw CheckFailed.when(doing + "; silent was dropped").expected("one log line \"#3 dropped: <why>\"")
                        .got(server.logForMessage())
                        .next("send(): log.println(\"#\" + to.id + \" dropped: …\") once, then leave(to). " + LAB)
                        .build();
            }
            talker.send("still here\n");
            listener.expect("#1: still here", WAIT, doing + "; silent was dropped; talker sent \"still here\\n\"",
                    "The loop must go on once a client is dropped. " + LAB);
        }
    }

    @Test
    @Order(7)
    @Hint("A client that resets makes its read() throw an IOException (\"Connection reset\"): catch it for that "
            + "client only, leave(client) (close it, \"* #N left\" to the others), and let the loop go on. A read "
            + "of -1 (a client that closes) is a leave too. Lesson 08, \"Closing, and cancelled keys\".")
    @DisplayName("A client that resets is announced as left, and the loop goes on")
    void a_client_that_resets_is_announced_as_left() throws IOException {
        try (var server = ServerUnderCheck.start();
             var a = Chatter.connect("A", server.port(), wire);
             var b = Chatter.connect("B", server.port(), wire);
             var r = Chatter.connect("R", Sockets.loopbackAlias("127.0.0.2"), server.port(), wire, 0)) {
            expectWelcome(a, 1, "connected A, B and R");
            expectWelcome(b, 2, "connected A, B and R");
            expectWelcome(r, 3, "connected A, B and R");
            a.read(WAIT);
            a.read(WAIT);
            b.read(WAIT);
            r.send("bye\n");
            b.expect("#3: bye", WAIT, "R sent \"bye\\n\"", LAB);
            r.reset();
            String doing = "R sent a line, then reset its connection (SO_LINGER 0)";
            String next = "serve(): catch the IOException of one client's read or write, leave(client), and go on "
                    + "with the other keys. Lesson 08, \"Closing, and cancelled keys\".";
            a.expect("#3: bye", WAIT, doing, LAB);
            a.expect("* #3 left", WAIT, doing, next);
            b.expect("* #3 left", WAIT, doing, next);
            a.send("after\n");
            b.expect("#1: after", WAIT, doing + ", then A sent \"after\\n\"", next);
            try (var d = Chatter.connect("D", server.port(), wire)) {
                expectWelcome(d, 4, doing + ", then D connected");
                a.expect("* #4 joined", WAIT, doing + ", then D connected", next);
            }
            a.expect("* #4 left", WAIT, "D connected and closed", "read(): a read of -1 means the client has "
                    + "closed: leave(client). " + LAB);
            if (Inspector.available()) {
                int port = server.port();
                boolean gone = Poll.until(() -> Inspector.tcpStatesAt(port).stream()
                        .noneMatch(s -> s.equals("CLOSE_WAIT")), LONG);
                if (!gone) {
                    throw CheckFailed.when("D connected and closed; R reset")
                            .expected("no connection of your server left in CLOSE_WAIT")
                            .got(count(port, "CLOSE_WAIT") + " connection(s) of your server in CLOSE_WAIT")
                            .next("leave(): close the client's channel (a read of -1 is a client that has gone).")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(8)
    @Hint("Lines are UTF-8, whatever the platform's default charset: relay a line's bytes as they came (or decode "
            + "and encode with StandardCharsets.UTF_8). getBytes() and new String(bytes) without a charset use the "
            + "default, US-ASCII here, and turn every other character into '?'. " + LAB)
    @DisplayName("Lines stay UTF-8 in a JVM whose default charset is US-ASCII")
    void lines_stay_utf8_in_a_jvm_whose_default_charset_is_ascii() throws Exception {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dfile.encoding=US-ASCII",
                "-Dsun.stdout.encoding=US-ASCII", "-Dsun.stderr.encoding=US-ASCII",
                "-cp", ChildJvm.classPath(), ChatServer.class.getName(), HOST, "0"));
        Path out = Files.createTempFile("tcplab-chat", ".out");
        Path err = Files.createTempFile("tcplab-chat", ".err");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().put("LANG", "C");
        builder.environment().put("LC_ALL", "C");
        Process p = builder.start();
        try {
            int port = awaitListening(() -> Files.readString(out, StandardCharsets.UTF_8), p,
                    "ran your program in a JVM with -Dfile.encoding=US-ASCII and LANG=C", LONG.plus(LONG));
            utf8Exchange(port, "ran your program in a JVM with -Dfile.encoding=US-ASCII and LANG=C; A and B "
                    + "connected; A sent \"你好，世界 — ü\\n\"");
            p.getOutputStream().close();          // Ctrl-D
            if (!p.waitFor(LONG.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw CheckFailed.when("ran your program in a child JVM, chatted, closed the clients, ended its input")
                        .expected("exit code 0 within " + LONG.toSeconds() + " s")
                        .got(p.isAlive() ? "still running" : "exit code " + p.exitValue() + "; err: "
                                + Files.readString(err, StandardCharsets.UTF_8))
                        .next("stop() must let the server's thread end once the clients have left. " + LAB)
                        .build();
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    @Order(9)
    @Hint("run() is given: it prints \"listening on <ip>:<port> (Ctrl-D stops it)\", serves until its input ends, "
            + "calls stop(), prints \"stopped listening; waiting up to 10 s for the clients to leave\", waits with "
            + "awaitStopped and closes. So stop() must close the listener (on the server's thread: set stopping, "
            + "wakeup()) while the clients connected chat on, and the thread must end once the last has left. "
            + LAB)
    @DisplayName("The program chats in UTF-8 and serves until its input ends")
    void the_program_chats_in_utf8_and_serves_until_its_input_ends() throws Exception {
        var program = RunningProgram.start(ChatServer::run, HOST, "0");
        var out = program.out();
        var err = program.err();
        String doing = program.doing();
        try (program) {
            int port = awaitListening(out::text, null, doing, LONG);
            try (var a = Chatter.connect("A", port, wire);
                 var b = Chatter.connect("B", port, wire)) {
                expectWelcome(a, 1, doing + "; A and B connected");
                expectWelcome(b, 2, doing + "; A and B connected");
                a.read(WAIT);
                a.send("你好，世界 — ü\n");
                b.expect("#1: 你好，世界 — ü", WAIT, doing + "; A sent \"你好，世界 — ü\\n\"", LAB);
                // Let the server's thread finish passing that line on and go back to sleep in select(): ended while
                // the thread is still on its way there, the input would make stop() look right even without the
                // wakeup that a sleeping thread needs. Never fails: a loop shaped otherwise is judged as it is.
                Poll.until(ChatChecks::serverThreadSelects, WAIT);
                program.endInput();
                wire.event("the check ended the program's input (Ctrl-D)");
                awaitLine(program, "stopped listening", doing + ", then ended its input");
                if (Inspector.available()) {
                    boolean gone = Poll.until(() -> !Inspector.tcpStatesAt(port).contains("LISTEN"), LONG);
                    if (!gone) {
                        throw CheckFailed.when(doing + ", then ended its input (run() calls stop())")
                                .expected("no listener left on port " + port)
                                .got("your server's listener still LISTENs on port " + port)
                                .next("stop(): set stopping and selector.wakeup(); serve() then closes the listener "
                                        + "on its own thread, and its next select() lets the socket go. Without "
                                        + "the wakeup, the thread sleeps in select() with the listener open. "
                                        + "Lesson 08, \"Closing, and cancelled keys\".")
                                .build();
                    }
                }
                a.send("still here\n");
                b.expect("#1: still here", WAIT, doing + ", ended its input, then A sent \"still here\\n\"",
                        "stop() stops new clients only: the clients connected chat on. " + LAB);
            }
            int code;
            try {
                code = program.exitCode(LONG);
            } catch (TimeoutException e) {
                throw CheckFailed.when(doing + "; the input ended and both clients closed")
                        .expected("the program to return 0 once the last client had left")
                        .got("still running after " + LONG.toSeconds() + " s; out: " + Transcript.quote(out.text()))
                        .wire(wire)
                        .next("serve(): once stopping has closed the listener and no client is left, return. " + LAB)
                        .build();
            } catch (ExecutionException e) {
                throw LabCode.threw(doing, e.getCause());
            }
            List<String> expected = List.of("listening on " + HOST + ":" + port + " (Ctrl-D stops it)",
                    "stopped listening; waiting up to 10 s for the clients to leave");
            if (code != 0 || !out.text().lines().toList().equals(expected) || !err.text().isEmpty()) {
                throw CheckFailed.when(doing + ", chatted, ended its input, and the clients closed")
                        .expected("exit code 0, out exactly:\n" + String.join("\n", expected) + "\nand nothing on err")
                        .got("exit code " + code + "\nout: " + Transcript.quote(out.text()) + "\nerr: "
                                + Transcript.quote(err.text()))
                        .next("run() is given; the log (err) is for dropped clients only. " + LAB)
                        .build();
            }
        }
    }

    @Test
    @Order(10)
    @Hint("stop() only stops new clients: set stopping, selector.wakeup(). serve() closes the listener on its own "
            + "thread and goes on while clients remain; once the last has left, it returns, and awaitStopped says "
            + "true. Lesson 08, \"Closing, and cancelled keys\".")
    @DisplayName("stop() refuses new clients, and the thread ends when the last client leaves")
    void stop_refuses_new_clients_and_the_thread_ends_when_the_last_leaves() throws IOException {
        try (var server = ServerUnderCheck.start();
             var a = Chatter.connect("A", server.port(), wire)) {
            int port = server.port();
            expectWelcome(a, 1, "connected A");
            var b = Chatter.connect("B", port, wire);
            try (b) {
                expectWelcome(b, 2, "connected A and B");
                a.read(WAIT);
                server.stop();
                String doing = "connected A and B, then called stop()";
                if (!Poll.until(() -> Inspector.available() ? !Inspector.tcpStatesAt(port).contains("LISTEN")
                        : refused(port), LONG)) {
                    throw CheckFailed.when(doing)
                            .expected("new clients refused within " + LONG.toSeconds() + " s (the listener closed)")
                            .got("your server still listened on port " + port)
                            .next("stop(): stopping = true, then selector.wakeup(); serve() closes the listener at "
                                    + "the top of its loop. Without the wakeup, select() sleeps on. " + LAB)
                            .build();
                }
                b.send("after stop\n");
                a.expectSkippingOthers("#2: after stop", 2, WAIT, doing + "; B sent \"after stop\\n\"",
                        "stop() must not end the server: the clients connected chat on. " + LAB);
                if (server.awaitStopped(Duration.ofMillis(200))) {
                    throw CheckFailed.when(doing).expected("the server's thread to run on while A and B are there")
                            .got("awaitStopped said it had ended").wire(wire)
                            .next("serve(): return only when closing, or when the listener is closed and "
                                    + "`clients` is empty. " + LAB).build();
                }
            }
            a.expectSkippingOthers("* #2 left", 2, WAIT, "called stop(), then B closed", LAB);
            a.close();
            if (!server.awaitStopped(LONG)) {
                throw CheckFailed.when("called stop(); then both clients closed")
                        .expected("the server's thread to end (awaitStopped true within " + LONG.toSeconds() + " s)")
                        .got("it still runs").wire(wire)
                        .next("serve(): once stopped and no client is left, return (and close the selector). "
                                + LAB).build();
            }
        }
    }

    @Test
    @Order(11)
    @Hint("close() ends everything: set closing and selector.wakeup(); serve() then leaves its loop and, in a "
            + "finally, closes every client's channel, the listener and the selector; close() waits for that "
            + "with awaitStopped(1 s). A channel closed is only really closed once the selector lets it go: "
            + "close the selector too. Lesson 08, \"Closing, and cancelled keys\".")
    @DisplayName("close() closes every connection at once and leaves nothing behind")
    void close_closes_every_connection_at_once() throws IOException {
        java.nio.channels.ServerSocketChannel.open().close();   // JDK 17 opens a helper socket at a first close
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        int port;
        var clients = new ArrayList<Chatter>();
        try (var server = ServerUnderCheck.start()) {
            port = server.port();
            try {
                for (String name : List.of("A", "B", "C")) {
                    Chatter c = Chatter.connect(name, port, wire);
                    clients.add(c);
                    c.welcome(WAIT, "connected A, B and C");
                }
                clients.get(0).send("bye soon\n");
                clients.get(1).expect("* #3 joined", WAIT, "connected A, B and C", LAB);
                clients.get(1).expect("#1: bye soon", WAIT, "A sent \"bye soon\\n\"", LAB);
                server.closeServer();
                for (Chatter c : clients) {
                    Ending end = c.drainToEnd(WAIT);
                    if (end != Ending.CLOSED) {
                        throw CheckFailed.when("connected A, B and C, then called close()")
                                .expected(c.name + " to read the end of stream within " + WAIT.toMillis() + " ms")
                                .got(c.name + (end == Ending.RESET ? " got a reset" : "'s connection is still open"))
                                .wire(wire)
                                .next("close(): closing = true, selector.wakeup(), awaitStopped(1 s); serve()'s "
                                        + "finally closes every client's channel, the listener and the selector. "
                                        + LAB)
                                .build();
                    }
                }
            } finally {
                clients.forEach(Chatter::close);
            }
            if (!server.awaitStopped(Duration.ofMillis(1))) {
                throw CheckFailed.when("called close()").expected("the server's thread ended when close() returned")
                        .got("it still runs")
                        .next("close(): wait for the thread with awaitStopped(Duration.ofSeconds(1)). " + LAB)
                        .build();
            }
        }
        if (Inspector.available()) {
            boolean clean = Poll.until(() -> Inspector.openedSince(before).isEmpty()
                    && Inspector.tcpStatesAt(port).stream().noneMatch(s -> s.equals("LISTEN") || s.equals("CLOSE_WAIT")),
                    Duration.ofMillis(500));
            if (!clean) {
                throw CheckFailed.when("connected three clients, called close(), and the clients closed")
                        .expected("nothing of your server left: no socket, no selector open, nothing LISTENing")
                        .got(Inspector.openedSince(before).size() + " socket descriptor(s) still open; "
                                + count(port, "LISTEN") + " listener(s) and " + count(port, "CLOSE_WAIT")
                                + " connection(s) in CLOSE_WAIT on port " + port)
                        .next("serve(): in a finally, close every client's channel, the listener AND the selector "
                                + "(closing it lets the closed channels go). " + LAB)
                        .build();
            }
        }
        List<Thread> left = ServerUnderCheck.newThreadsSince(threadsBefore);
        if (!Poll.until(() -> ServerUnderCheck.newThreadsSince(threadsBefore).isEmpty(), Duration.ofMillis(500))) {
            throw CheckFailed.when("called close()").expected("no thread of your server left")
                    .got(ServerUnderCheck.names(left) + " still run").next(LAB).build();
        }
        // A server with no client closes as promptly.
        try (var server = ServerUnderCheck.start()) {
            server.closeServer();
            if (!server.awaitStopped(Duration.ofMillis(1))) {
                throw CheckFailed.when("started a server and called close() with no client connected")
                        .expected("the server's thread ended when close() returned").got("it still runs")
                        .next("close(): selector.wakeup(), or the thread sleeps in select() for good. " + LAB)
                        .build();
            }
        }
    }

    @Test
    @Order(12)
    @Hint("close() waits with awaitStopped(), which throws InterruptedException if the calling thread is "
            + "interrupted: catch it and call Thread.currentThread().interrupt() again, so the caller still knows. "
            + "Lesson 06, \"Stopping a concurrent server\".")
    @DisplayName("close() keeps the interrupt of the thread that calls it")
    void close_keeps_the_interrupt() throws IOException {
        try (var server = ServerUnderCheck.start(true);
             var a = connect("A", server)) {
            expectWelcome(a, 1, "connected A");
            a.send("z".repeat(ChatServer.MAX_LINE + 1));
            // The server logs that A is dropped, and the kit holds its thread in that line: close() must then wait
            // for it, and its wait is what an interrupt cuts short.
            if (!server.awaitHeldInLog(WAIT)) {
                throw CheckFailed.when("connected A, which sent 1025 bytes without a \\n")
                        .expected("a line in your server's log (\"#1 dropped: …\") within " + WAIT.toMillis() + " ms")
                        .got(server.logForMessage()).wire(wire)
                        .next("read(): log the line too long, then leave(client). " + LAB).build();
            }
            boolean kept = server.closeWhileInterrupted();
            server.releaseLog();
            if (!kept) {
                throw CheckFailed.when("called close() from a thread whose interrupt status was set, while the "
                                + "server's thread was busy")
                        .expected("the interrupt status still set when close() returned")
                        .got("it was cleared")
                        .next("close(): catch (InterruptedException e) { Thread.currentThread().interrupt(); }")
                        .build();
            }
        }
    }

    @Test
    @Order(13)
    @Hint("start() opens the selector and the listener, binds, and makes the server (which makes the thread) only "
            + "once that worked. When bind() throws, close the listener AND the selector before throwing again. "
            + "A port in use is an IOException; a port outside 0..65535 an IllegalArgumentException. " + LAB)
    @DisplayName("A start() that fails leaves nothing open")
    void a_start_that_fails_leaves_nothing_open() throws IOException {
        try (var blocker = new java.net.ServerSocket()) {
            blocker.bind(new InetSocketAddress(HOST, 0));
            int taken = blocker.getLocalPort();
            expectFailedStart(taken, IOException.class, "port " + taken + " already has a listener");
            expectFailedStart(65536, IllegalArgumentException.class, "port 65536, one above the last");
        }
    }

    private void expectFailedStart(int port, Class<? extends Exception> type, String why) throws IOException {
        java.nio.channels.ServerSocketChannel.open().close();   // JDK 17 opens a helper socket at a first close
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        long selectorsBefore = selectors();
        String doing = "called ChatServer.start(\"" + HOST + "\", " + port + ", log) (" + why + ")";
        var outcome = LabCode.outcome(doing, Duration.ofSeconds(5),
                () -> ChatServer.start(HOST, port, new PrintStream(OutputStream.nullOutputStream())));
        if (!outcome.threw()) {
            Sockets.closeAll(outcome.value());
            throw CheckFailed.when(doing).expected("an " + type.getSimpleName()).got("a running server")
                    .next("start(): let bind()'s exception out.").build();
        }
        if (!type.isInstance(outcome.thrown())) {
            throw CheckFailed.when(doing).expected("an " + type.getSimpleName()).got(outcome.thrown().toString())
                    .next("start(): let the exception of bind() (or new InetSocketAddress) out as it is.")
                    .cause(outcome.thrown()).build();
        }
        List<Inspector.Descriptor> left = Inspector.openedSince(before);
        if (!left.isEmpty()) {
            throw CheckFailed.when(doing).expected(type.getSimpleName() + ", and nothing left open")
                    .got(outcome.thrown() + "\nbut " + left.size() + " descriptor(s) still open (the listener, or "
                            + "the selector, which holds descriptors of its own)")
                    .next("start(): when bind() throws, close the ServerSocketChannel and the Selector, then throw "
                            + "again.")
                    .build();
        }
        long selectorsLeft = selectors() - selectorsBefore;
        if (selectorsLeft > 0) {
            throw CheckFailed.when(doing).expected(type.getSimpleName() + ", and nothing left open")
                    .got(outcome.thrown() + "\nbut " + selectorsLeft + " more selector(s) open than before (an "
                            + "epoll descriptor in /proc/self/fd)")
                    .next("start(): when bind() throws, close the Selector as well as the ServerSocketChannel.")
                    .build();
        }
        List<Thread> running = ServerUnderCheck.newThreadsSince(threadsBefore);
        if (!running.isEmpty()) {
            throw CheckFailed.when(doing).expected(type.getSimpleName() + ", and no thread left running")
                    .got(ServerUnderCheck.names(running) + " still run")
                    .next("start(): start the thread only once the listener is bound.").build();
        }
    }

    @Test
    @Order(14)
    @Hint("run() is given finished, and follows the kit's convention (Lesson 02): a usage error (not two "
            + "arguments, an <ip> that is no IP address, a <port> that is not a number from 0 to 65535) is exit "
            + "code 2, with a line holding \"Usage: ChatServer <ip> <port>\" on err and nothing on out; a port in "
            + "use is exit code 1 with one line on err naming the address and port. If this fails, run() was "
            + "changed, or start() does not throw an IOException as it is. " + LAB)
    @DisplayName("The program exits with 2 on a usage error, and 1 when its port is in use")
    void the_program_exits_with_2_on_a_usage_error_and_1_when_its_port_is_in_use() throws IOException {
        String[][] wrong = {{}, {HOST}, {HOST, "0", "extra"}, {HOST, "port"}, {HOST, "-1"}, {HOST, "65536"},
            {"nowhere.invalid", "0"}};
        for (String[] args : wrong) {
            ProgramRun run = ProgramRun.of(ChatServer::run, PROGRAM, "", args);
            if (run.exitCode() != 2 || !run.err().contains(USAGE) || !run.out().isEmpty() || run.hasStackTrace()) {
                throw CheckFailed.when("ran your program with arguments " + run.args())
                        .expected("exit code 2, a line holding \"" + USAGE + "\" on err, nothing on out")
                        .got(run.describe())
                        .next("run() is given: put back its argument checks as the stub has them.").build();
            }
        }
        ProgramRun edge = ProgramRun.of(ChatServer::run, PROGRAM, "", HOST, "0");
        if (edge.exitCode() != 0 || edge.hasStackTrace()) {
            throw CheckFailed.when("ran your program with arguments [" + HOST + ", 0] and an empty input")
                    .expected("exit code 0: it listens, its input ends at once, it stops")
                    .got(edge.describe())
                    .next("stop() with no client connected must let the server's thread end. " + LAB).build();
        }
        ProgramRun top = ProgramRun.of(ChatServer::run, PROGRAM, "", HOST, "65535");
        if (top.exitCode() == 2 || top.err().contains("Usage") || top.hasStackTrace()) {
            throw CheckFailed.when("ran your program with arguments [" + HOST + ", 65535] and an empty input")
                    .expected("not a usage error: 65535 is a port (exit code 0, or 1 if it is in use)")
                    .got(top.describe())
                    .next("run() is given: the port range is 0 to 65535, both included.").build();
        }
        ProgramRun v6 = ProgramRun.of(ChatServer::run, PROGRAM, "", "::1", "0");
        boolean bracketed = Pattern.compile("\\[(::1|0:0:0:0:0:0:0:1)]:\\d+").matcher(v6.out() + v6.err()).find();
        if (v6.exitCode() == 2 || !bracketed || v6.hasStackTrace()) {
            throw CheckFailed.when("ran your program with arguments [::1, 0] and an empty input")
                    .expected("not a usage error, and the address written as [::1]:<port>")
                    .got(v6.describe())
                    .next("run() is given: put back the brackets it puts around an IPv6 address.").build();
        }
        try (var blocker = new java.net.ServerSocket()) {
            blocker.bind(new InetSocketAddress(HOST, 0));
            String taken = String.valueOf(blocker.getLocalPort());
            ProgramRun run = ProgramRun.of(ChatServer::run, PROGRAM, "", HOST, taken);
            List<String> errLines = run.err().lines().toList();
            if (run.exitCode() != 1 || !run.out().isEmpty() || errLines.size() != 1
                    || !errLines.get(0).contains(taken) || run.hasStackTrace()) {
                throw CheckFailed.when("ran your program with arguments " + run.args() + " while the kit listened "
                                + "on that port")
                        .expected("exit code 1, one line on err that names " + HOST + " and " + taken
                                + ", nothing on out")
                        .got(run.describe())
                        .next("start(): let bind()'s IOException out as it is; run() turns it into that line.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Connects a client, or fails the check saying the server refused it (its listener is gone). */
    private Chatter connect(String name, ServerUnderCheck server) {
        int port = server.port();
        try {
            return Chatter.connect(name, port, wire);
        } catch (IOException e) {
            throw CheckFailed.when("connected " + name + " to your server")
                    .expected("the connection accepted").got(e.toString()).wire(wire)
                    .next("Is the server's thread still running? An exception on it (printed on the console) "
                            + "ends serve(), whose finally closes the listener. " + LAB)
                    .build();
        }
    }

    private void expectWelcome(Chatter c, int id, String doing) {
        int got = c.welcome(WAIT, doing);
        if (got != id) {
            throw CheckFailed.when(doing)
                    .expected(c.name + " to be #" + id + ": clients are numbered from 1 in the order they are "
                            + "accepted")
                    .got(c.name + " was welcomed as #" + got)
                    .wire(wire)
                    .next("accept(): new Client(++lastId, channel). " + LAB)
                    .build();
        }
    }

    private int utf8Exchange(int port, String doing) throws IOException {
        try (var a = Chatter.connect("A", port, wire);
             var b = Chatter.connect("B", port, wire)) {
            expectWelcome(a, 1, doing);
            expectWelcome(b, 2, doing);
            a.read(WAIT);
            a.send("你好，世界 — ü\n");
            b.expect("#1: 你好，世界 — ü", WAIT, doing, "Lines are UTF-8: relay a line's bytes as they came, or "
                    + "decode and encode them with StandardCharsets.UTF_8, never the default charset. " + LAB);
            b.send("ça va\n");
            a.expect("#2: ça va", WAIT, doing, "Lines are UTF-8. " + LAB);
        }
        return port;
    }

    private interface Text {
        String get() throws IOException;
    }

    private static final Pattern LISTENING = Pattern.compile("listening on " + Pattern.quote(HOST)
            + ":(\\d+) \\(Ctrl-D stops it\\)");

    private int awaitListening(Text out, Process p, String doing, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && (p == null || p.isAlive())) {
            Matcher m = LISTENING.matcher(out.get());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            pause();
        }
        Matcher m = LISTENING.matcher(out.get());
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        throw CheckFailed.when(doing)
                .expected("a line \"listening on " + HOST + ":<port> (Ctrl-D stops it)\" within "
                        + limit.toSeconds() + " s")
                .got("out: " + Transcript.quote(out.get()) + (p != null && !p.isAlive() ? " (it ended with exit code "
                        + p.exitValue() + ")" : ""))
                .next("run() is given: it prints that line once start() has returned. " + LAB)
                .build();
    }

    private static void awaitLine(RunningProgram program, String start, String doing) {
        if (program.awaitLine(start, LONG) == null) {
            throw CheckFailed.when(doing)
                    .expected("a line \"" + start + "…\" on out")
                    .got(program.state())
                    .next("stop() must return at once: set stopping, selector.wakeup(), nothing else. " + LAB)
                    .build();
        }
    }

    /**
     * Waits (up to {@link #WAIT}) until the server has read everything {@code c} sent: the receive queue of the
     * server's end of that connection in /proc/net/tcp is empty. Where there is no such table (not Linux), it
     * cannot tell, and goes on: the marker line sent next still comes after the part in time.
     */
    private void awaitReadByServer(Chatter c, int serverPort) {
        int clientPort = c.socket.getLocalPort();
        Poll.until(() -> receiveQueue(serverPort, clientPort) <= 0, WAIT);
    }

    /** The rx_queue of the row with local port {@code local} and remote port {@code remote}; -1 if none is found. */
    private static long receiveQueue(int local, int remote) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> rows = Files.readAllLines(Path.of(table));
                for (String row : rows.subList(1, rows.size())) {
                    String[] f = row.trim().split("\\s+");
                    String l = f[1].substring(f[1].indexOf(':') + 1);
                    String r = f[2].substring(f[2].indexOf(':') + 1);
                    if (Integer.parseInt(l, 16) == local && Integer.parseInt(r, 16) == remote) {
                        return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No such table here: try the next, or say nothing is known.
            }
        }
        return -1;
    }

    /** How many of the kernel's rows at local port {@code port} are in {@code state}. */
    private static long count(int port, String state) {
        return Inspector.tcpStatesAt(port).stream().filter(state::equals).count();
    }

    /** How many selectors this process has open (Linux: epoll descriptors); 0 where that cannot be seen. */
    private static long selectors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (var list = Files.list(fds)) {
            return list.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("eventpoll");
                } catch (IOException | UnsupportedOperationException e) {
                    return false;                 // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean refused(int port) {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when a thread running the learner's ChatServer is inside a Selector's select() right now. */
    private static boolean serverThreadSelects() {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            boolean selecting = false;
            boolean learners = false;
            for (StackTraceElement e : stack) {
                selecting |= e.getMethodName().startsWith("select") && (e.getClassName().startsWith("sun.nio.ch.")
                        || e.getClassName().startsWith("java.nio.channels."));
                learners |= e.getClassName().startsWith(ChatServer.class.getName());
            }
            if (selecting && learners) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(10);                     // polling the kernel or the learner's output, with a bound
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
