package tcplab.lab04;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.Conversation;
import tcplab.kit.Frame;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.Program;
import tcplab.kit.ProgramRun;
import tcplab.kit.Transcript;

/** The checks of lab 04: the source's server, from its smallest piece (the reply) to a whole run and its cleanup. */
@Checks(lesson = 4)
class ServerChecks {

    /** The most any call into the lab may take; the reference needs a few milliseconds. */
    private static final Duration LIMIT = Duration.ofSeconds(3);
    /** What the checks pass as the server's own time limits: short, so a mistake costs seconds, not minutes. */
    private static final Duration ACCEPT = Duration.ofSeconds(2);
    private static final Duration READ = Duration.ofSeconds(1);
    /** How long the kit's client waits for the server's answer. */
    private static final Duration ANSWER = Duration.ofSeconds(2);

    private static final Pattern PEER = Pattern.compile("^ip:(\\S+), port:(\\d+)\\s*$", Pattern.MULTILINE);

    // ---------------------------------------------------------------------------------------------------------
    // Stage 1: the pieces, without a network.

    @Test
    @Order(1)
    @Hint("reply(text) is text + \" *_*\", but its UTF-8 bytes must fit in 127 (a C peer needs the closing NUL). "
            + "Count BYTES, not chars: \"你\" is 3 bytes. Cut the bytes at 127, then step back while the byte at the "
            + "cut is a continuation byte (10xxxxxx), so no character is cut in half. "
            + "Lesson 04, \"The reply and its 127 bytes\".")
    void reply_adds_the_smiley_and_fits_in_127_bytes_cutting_only_between_characters() {
        String a126 = "a".repeat(126);
        String ab42 = "ab" + "你".repeat(42); // 128 bytes: a full frame with no NUL at all
        String emoji = "a" + "😀".repeat(32); // 129 bytes of 4-byte characters
        expectReply("hello", "hello *_*");
        expectReply("", " *_*");
        expectReply("你好", "你好 *_*");
        expectReply(a126, a126 + " ");
        expectReply("你".repeat(41) + "x", "你".repeat(41) + "x *_");
        expectReply(ab42, "ab" + "你".repeat(41));
        expectReply(emoji, "a" + "😀".repeat(31));
    }

    private static void expectReply(String text, String expected) {
        String got = LabCode.call("called reply(" + Transcript.quote(text) + ")", LIMIT, () -> Server.reply(text));
        if (!expected.equals(got)) {
            throw CheckFailed.when("called reply(" + Transcript.quote(text) + ") (" + utf8(text) + " bytes of UTF-8)")
                    .expected(Transcript.quote(expected) + " (" + utf8(expected) + " bytes)")
                    .got(got == null ? "null" : Transcript.quote(got) + " (" + utf8(got) + " bytes)")
                    .next(utf8(got) > 127 ? "the reply must fit in 127 bytes of UTF-8: count bytes, not chars"
                            : got != null && got.contains("\uFFFD") ? "you cut a character in half: step back to "
                            + "the start of the character (bytes 10xxxxxx continue one)"
                            : "append \" *_*\" (space, star, underscore, star), then cut only if it is too long")
                    .build();
        }
    }

    @Test
    @Order(2)
    @Hint("frame(text) is exactly 128 bytes: the text's UTF-8 bytes (getBytes(StandardCharsets.UTF_8), never the "
            + "platform default), then zeros. Arrays.copyOf pads with zeros for you. Lesson 04, \"Reading a whole "
            + "frame\", and lesson 03 for the frame itself.")
    void a_frame_is_the_text_in_UTF_8_then_NULs_up_to_128_bytes() {
        for (String text : List.of("hello", "你好 *_*", "")) {
            byte[] got = LabCode.call("called frame(" + Transcript.quote(text) + ")", LIMIT, () -> Server.frame(text));
            byte[] expected = Frame.of(text);
            if (!Arrays.equals(expected, got)) {
                throw CheckFailed.when("called frame(" + Transcript.quote(text) + ")")
                        .expected("128 bytes:\n" + Hex.dump(expected, ""))
                        .got(got == null ? "null" : got.length + " bytes:\n" + Hex.dump(got, ""))
                        .next("the frame is always 128 bytes; the text is UTF-8; the rest are zero bytes")
                        .build();
            }
        }
    }

    @Test
    @Order(3)
    @Hint("One read() may return fewer bytes than you asked for (here: one byte each time). Keep reading until you "
            + "have 128 (a loop, or in.readNBytes(128)), and read no further: the next bytes belong to someone "
            + "else. Then take the bytes up to the first 0 as UTF-8. Lesson 04, \"Reading a whole frame\".")
    void readFrame_reads_all_128_bytes_even_when_they_come_one_at_a_time() throws IOException {
        byte[] frame = Frame.of("你好, server");
        byte[] more = "NEXT".getBytes(StandardCharsets.UTF_8);
        byte[] both = Arrays.copyOf(frame, frame.length + more.length);
        System.arraycopy(more, 0, both, frame.length, more.length);
        var in = new Dribble(both);
        String got = LabCode.call("called readFrame on a stream that gives one byte per read", LIMIT,
                () -> Server.readFrame(in));
        if (!"你好, server".equals(got)) {
            throw CheckFailed.when("called readFrame on a stream that gives one byte per read")
                    .expected(Transcript.quote("你好, server"))
                    .got(got == null ? "null" : Transcript.quote(got) + " (after reading " + in.taken() + " bytes)")
                    .next(got != null && got.length() < 3 ? "a single read() brings only what has arrived: loop"
                            : "stop the text at the first NUL byte and decode it as UTF-8")
                    .build();
        }
        if (in.taken() != Frame.SIZE) {
            throw CheckFailed.when("called readFrame on a stream holding one frame and then \"NEXT\"")
                    .expected("it reads exactly 128 bytes")
                    .got("it read " + in.taken() + " bytes")
                    .next("ask for at most 128 - (bytes you have) each time; never read past the frame")
                    .build();
        }
    }

    @Test
    @Order(4)
    @Hint("When the stream ends (read() returns -1) before 128 bytes came, throw java.io.EOFException with a "
            + "message that says how many bytes did come, e.g. \"the client left after sending 5 of 128 bytes\". "
            + "Lesson 04, \"Reading a whole frame\".")
    void readFrame_says_how_many_bytes_came_when_the_stream_ends_early() {
        byte[] five = "hello".getBytes(StandardCharsets.UTF_8);
        LabCode.Outcome<String> outcome = LabCode.outcome("called readFrame on a stream that ends after 5 bytes",
                LIMIT, () -> Server.readFrame(new ByteArrayInputStream(five)));
        if (!(outcome.thrown() instanceof EOFException e) || e.getMessage() == null || !e.getMessage().contains("5")) {
            throw CheckFailed.when("called readFrame on a stream that ends after 5 bytes")
                    .expected("an EOFException whose message says 5 bytes came")
                    .got(outcome.threw() ? outcome.thrown().toString()
                            : "it returned " + Transcript.quote(String.valueOf(outcome.value())))
                    .next("readNBytes returns a short array at end of stream; read() returns -1: both mean the "
                            + "client is gone")
                    .cause(outcome.thrown())
                    .build();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stage 2: a whole run with one well-behaved client.

    @Test
    @Order(5)
    @Hint("run must: bind to <ip>:<port> with backlog 10, print \"listening on <ip>:<port>\" (the REAL port: "
            + "listener.getLocalPort()), accept, read one frame, print \"from client: <text>\", write "
            + "frame(reply(text)) on the ACCEPTED socket, close, return 0. Lesson 04, \"The server in Java, call "
            + "by call\".")
    void the_server_listens_accepts_and_answers_hello() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("hello")), wire);
            expectAnswer(c, "hello *_*", wire, server);
            ProgramRun run = server.finish();
            expectExit0(run, wire);
            if (!run.out().lines().anyMatch(l -> l.equals("from client: hello"))) {
                throw CheckFailed.when("sent \"hello\" to your server")
                        .expected("a line \"from client: hello\" on stdout")
                        .got(run.describe())
                        .wire(wire)
                        .next("print exactly \"from client: \" + text, where text stops at the first NUL byte")
                        .build();
            }
        }
    }

    @Test
    @Order(6)
    @Hint("bind the address AND the port you were given: new InetSocketAddress(InetAddress.getByName(ip), port). "
            + "new InetSocketAddress(port) alone means \"every address of this machine\" (0.0.0.0, the wildcard): "
            + "the server then answers on the network too, not only where it was asked to listen. Print the "
            + "listener's own address after bind. Lesson 04, \"bind: a known address\".")
    void the_server_listens_on_the_address_it_was_given_and_no_other() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            InetAddress asked = InetAddress.getByName("127.0.0.1");
            if (Inspector.available()) {
                List<Inspector.Row> listening = Inspector.tcpRowsFor(port).stream()
                        .filter(r -> r.state().equals("LISTEN") && r.local().getPort() == port).toList();
                if (listening.isEmpty() || listening.stream().anyMatch(r -> !r.local().getAddress().equals(asked))) {
                    throw CheckFailed.when("started your server with arguments [127.0.0.1, 0]")
                            .expected("one socket in LISTEN on 127.0.0.1:" + port + " and on no other address")
                            .got("the kernel has " + (listening.isEmpty() ? "no socket in LISTEN on port " + port
                                    : listening + (listening.stream().anyMatch(r -> r.local().getAddress()
                                    .isAnyLocalAddress()) ? " (the wildcard: every address of this machine)" : "")))
                            .next("bind new InetSocketAddress(ip, port) with the ip you were given, not only the "
                                    + "port")
                            .build();
                }
            }
            Matcher printed = RunningServer.LISTENING.matcher(server.outSoFar());
            if (!printed.find() || !isAddress(printed.group(1), asked)) {
                throw CheckFailed.when("started your server with arguments [127.0.0.1, 0]")
                        .expected("a line \"listening on 127.0.0.1:" + port + "\"")
                        .got(Transcript.quote(server.outSoFar()))
                        .next("print the listener's own address and port after bind: "
                                + "getInetAddress().getHostAddress() and getLocalPort()")
                        .build();
            }
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("only here")), wire);
            expectAnswer(c, "only here *_*", wire, server);
            expectExit0(server.finish(), wire);
        }
    }

    @Test
    @Order(7)
    @Hint("accept() returns a NEW socket for that client: its getInetAddress().getHostAddress() is the client's "
            + "address (toString() would add a \"/\") and its getPort() is the CLIENT's port (getLocalPort() is your "
            + "own). Print \"ip:<address>, port:<port>\". Lesson 04, \"Who is calling\".")
    void the_server_prints_the_clients_real_address_and_port() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            int clientPort = c.socket().getLocalPort();
            send(c, () -> c.send(Frame.of("who am I?")), wire);
            expectAnswer(c, "who am I? *_*", wire, server);
            ProgramRun run = server.finish();
            Matcher m = PEER.matcher(run.out());
            String expected = "ip:127.0.0.1, port:" + clientPort;
            if (!m.find() || !m.group(0).strip().equals(expected)) {
                throw CheckFailed.when("connected to your server from 127.0.0.1 port " + clientPort)
                        .expected("a line \"" + expected + "\"")
                        .got(run.describe())
                        .next("the accepted socket's getInetAddress().getHostAddress() and getPort(); port "
                                + port + " is your server's own port, not the client's")
                        .build();
            }
        }
    }

    @Test
    @Order(8)
    @Hint("TCP is a byte stream: the client's 128 bytes may come in many small reads. readFrame must keep reading "
            + "until it has all 128 (Lesson 04, \"Reading a whole frame\").")
    void a_frame_that_arrives_one_byte_at_a_time_is_served() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.sendInPieces(Frame.of("piece by piece"), 1, Duration.ofMillis(1)), wire);
            expectAnswer(c, "piece by piece *_*", wire, server);
            expectExit0(server.finish(), wire);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stage 3: clients and systems that say no.

    @Test
    @Order(9)
    @Hint("A client may connect and close without sending anything: read() returns -1 at once. Catch that (your "
            + "EOFException) in run, print ONE line on err saying how many bytes came (0), close both sockets and "
            + "return 1. Never let the exception escape: that is a stack trace. Lesson 04, \"Reading a whole frame\".")
    void a_client_that_leaves_without_sending_gets_a_plain_error() {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            c.close();
            ProgramRun run = server.finish();
            expectPlainError(run, "connected to your server and closed without sending a byte", "0", wire);
            expectNothingLeftAt(server, port, "let your server see the client leave", wire);
        }
    }

    @Test
    @Order(10)
    @Hint("Use the readTimeout you are given: client.setSoTimeout((int) readTimeout.toMillis()) before reading. "
            + "A read that times out throws java.net.SocketTimeoutException: catch it, print one line, return 1. "
            + "Lesson 04, \"Waiting, but not forever\".")
    void a_silent_client_is_given_up_after_the_read_timeout() {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, Duration.ofMillis(200), "127.0.0.1", "0")) {
            int port = listeningPort(server);
            server.connect("127.0.0.1", port, wire);
            wire.event("kit sends nothing and keeps the connection open");
            ProgramRun run = server.finish();
            expectPlainError(run, "connected to your server (read timeout 200 ms) and sent nothing", null, wire);
        }
    }

    @Test
    @Order(11)
    @Hint("Use the acceptTimeout you are given: listener.setSoTimeout((int) acceptTimeout.toMillis()) before "
            + "accept(). When no client comes in time, accept throws java.net.SocketTimeoutException: catch it, print "
            + "one line, close the listener, return 1. Lesson 04, \"Waiting, but not forever\".")
    void a_server_that_no_client_calls_gives_up_after_the_accept_timeout() {
        try (var server = RunningServer.start(LIMIT, Duration.ofMillis(200), READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            ProgramRun run = server.finish();
            var wire = new Transcript("kit client", "your server");
            wire.event("no client connected");
            expectPlainError(run, "started your server (accept timeout 200 ms) and never connected", null, wire);
            expectNothingLeftAt(server, port, "let your server give up waiting for a client", wire);
        }
    }

    @Test
    @Order(12)
    @Hint("bind() throws java.net.BindException (\"Address already in use\") when another socket listens on that "
            + "address and port. Catch it, print one line on err that names the address and port, return 1. "
            + "Lesson 04, \"Address already in use\".")
    void a_port_in_use_is_a_plain_error_naming_it() throws IOException {
        try (var taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            String port = String.valueOf(taken.getLocalPort());
            ProgramRun run = ProgramRun.of(withShortTimeouts(), LIMIT, "", "127.0.0.1", port);
            String doing = "started your server on 127.0.0.1:" + port + ", where the check already listens";
            if (run.out().contains("listening on")) {
                throw CheckFailed.when(doing)
                        .expected("no \"listening on\" line: bind must fail")
                        .got(run.describe())
                        .next("print the line after bind succeeded, not before")
                        .build();
            }
            expectPlainError(run, doing, port, null);
        }
    }

    @Test
    @Order(13)
    @Hint("Port 0 asks the kernel for any free port during bind. Print the port the listener really got "
            + "(ServerSocket.getLocalPort()), not the 0 you were given. Lesson 04, \"Port 0\".")
    void port_0_gets_a_free_port_and_the_server_says_which() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            if (Inspector.available() && !Inspector.tcpStatesAt(port).contains("LISTEN")) {
                throw CheckFailed.when("started your server on 127.0.0.1 port 0; it printed port " + port)
                        .expected("a socket in state LISTEN on port " + port + " while the server waits")
                        .got("the kernel's rows for that port: " + Inspector.tcpRowsFor(port))
                        .next("print the port of the listening socket itself, after bind")
                        .build();
            }
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("zero")), wire);
            expectAnswer(c, "zero *_*", wire, server);
            expectExit0(server.finish(), wire);
        }
    }

    @Test
    @Order(14)
    @Hint("Nothing in your server should assume IPv4: InetAddress.getByName(\"::1\") gives an Inet6Address and "
            + "ServerSocket binds it the same way. Lesson 04, \"bind: a known address\".")
    void the_server_works_on_the_IPv6_loopback() throws IOException {
        Assumptions.assumeTrue(ipv6Loopback(), "this machine has no IPv6 loopback (::1)");
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "::1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("::1", port, wire);
            int clientPort = c.socket().getLocalPort();
            send(c, () -> c.send(Frame.of("over IPv6")), wire);
            expectAnswer(c, "over IPv6 *_*", wire, server);
            ProgramRun run = server.finish();
            expectExit0(run, wire);
            Matcher m = PEER.matcher(run.out());
            boolean ok = m.find() && m.group(2).equals(String.valueOf(clientPort)) && isIpv6Loopback(m.group(1));
            if (!ok) {
                throw CheckFailed.when("connected to your server on [::1] from port " + clientPort)
                        .expected("a line \"ip:0:0:0:0:0:0:0:1, port:" + clientPort + "\" (or ip:::1)")
                        .got(run.describe())
                        .next("getInetAddress().getHostAddress() and getPort() of the accepted socket")
                        .build();
            }
        }
    }

    @Test
    @Order(15)
    @Hint("Check the arguments before touching the network: exactly two; the address must be an IP address "
            + "(InetAddress.getByName throws UnknownHostException otherwise); the port a number from 0 to 65535 "
            + "(Integer.parseInt throws NumberFormatException for \"abc\"; 70000 must be refused by you, or "
            + "InetSocketAddress throws). Print one line with \"usage\" in it and return the same code each time. "
            + "Lesson 04, \"The server in Java, call by call\".")
    void a_bad_address_or_port_is_a_usage_error() {
        List<String[]> cases = List.of(
                new String[] {"::zz", "0"},
                new String[] {"127.0.0.1", "70000"},
                new String[] {"127.0.0.1", "abc"},
                new String[] {"127.0.0.1", "-1"},
                new String[] {"127.0.0.1"});
        var codes = new ArrayList<Integer>();
        for (String[] args : cases) {
            ProgramRun run = ProgramRun.of(withShortTimeouts(), LIMIT, "", args);
            String doing = "started your server with arguments " + Arrays.toString(args);
            expectPlainError(run, doing, null, null);
            if (!run.err().toLowerCase().contains("usage") || run.out().contains("listening on")) {
                throw CheckFailed.when(doing)
                        .expected("a usage error: one line on stderr with the word \"usage\", and no listening")
                        .got(run.describe())
                        .next("check the arguments first, print e.g. \"usage: Server <ip> <port>\" and why")
                        .build();
            }
            codes.add(run.exitCode());
        }
        if (codes.stream().distinct().count() != 1) {
            throw CheckFailed.when("gave your server five kinds of wrong arguments")
                    .expected("the same exit code for every usage error")
                    .got("exit codes " + codes)
                    .next("pick one code for usage errors (2 is customary) and return it in every case")
                    .build();
        }
    }

    @Test
    @Order(16)
    @Hint("Close the accepted socket (it ends the connection: the client reads end of stream) and then the "
            + "listener (the port is free again). try-with-resources closes both, in the right order, even when "
            + "something throws. A socket left open sits in CLOSE_WAIT once the client closes. "
            + "Lesson 04, \"Closing: the connection, then the listener\".")
    void afterwards_no_socket_is_left_listening_or_in_CLOSE_WAIT() throws IOException {
        Assumptions.assumeTrue(Inspector.available(), Inspector.unavailableReason());
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("bye")), wire);
            expectAnswer(c, "bye *_*", wire, server);
            expectExit0(server.finish(), wire);
            expectNothingLeftAt(server, port, "let your server serve one client and return", wire);
            Conversation.Received end = c.read(1, Duration.ofMillis(500));
            if (end.ending() != Conversation.Ending.CLOSED) {
                throw CheckFailed.when("read on after your server's answer, once run had returned")
                        .expected("end of stream: your server closed the connection")
                        .got(end.ending() == Conversation.Ending.TIMED_OUT ? "nothing: the connection is still open "
                                + "(the kernel has " + Inspector.tcpRowsFor(port) + ")" : "ending " + end.ending())
                        .wire(wire)
                        .next("close the accepted socket before run returns: try (Socket client = ...) { ... }")
                        .build();
            }
            c.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Server.run with the checks' short time limits, as a {@link Program} for {@link ProgramRun}. */
    private static Program withShortTimeouts() {
        return (args, in, out, err) -> Server.run(args, in, out, err, ACCEPT, READ);
    }

    private static int listeningPort(RunningServer server) {
        int port = server.awaitListening(LIMIT);
        if (port <= 0 || port > 65535) {
            throw CheckFailed.when("started your server on 127.0.0.1 port 0")
                    .expected("\"listening on <address>:<port>\" with the port the kernel picked (1–65535)")
                    .got(Transcript.quote(server.outSoFar()))
                    .next("after bind, ask the listener for its port: getLocalPort()")
                    .build();
        }
        return port;
    }

    private interface Sending {
        void send() throws IOException;
    }

    /** Sends; if the server already closed or reset, notes it on the wire and lets the answer check explain. */
    private static void send(Conversation c, Sending sending, Transcript wire) {
        try {
            sending.send();
        } catch (IOException e) {
            wire.event("the kit could not send everything: " + e.getMessage() + " (your server closed or reset)");
        }
    }

    private static void expectAnswer(Conversation c, String text, Transcript wire, RunningServer server)
            throws IOException {
        Conversation.Received r = c.read(Frame.SIZE, ANSWER);
        byte[] expected = Frame.of(text);
        if (!Arrays.equals(expected, r.bytes())) {
            throw CheckFailed.when("waited for your server's answer")
                    .expected("one frame of 128 bytes holding " + Transcript.quote(text) + " and NULs")
                    .got(r.bytes().length + " bytes " + Transcript.quote(Frame.text(r.bytes())) + ", then "
                            + switch (r.ending()) {
                                case COMPLETE -> "the bytes differ (see below)";
                                case CLOSED -> "your server closed the connection";
                                case TIMED_OUT -> "nothing more for " + LabCode.seconds(ANSWER);
                                case RESET -> "your server reset the connection";
                            })
                    .wire(wire)
                    .next((r.bytes().length == 0 && r.ending() == Conversation.Ending.CLOSED
                            ? "your server closed without answering. Did it read all 128 bytes (one read() may "
                            + "bring just one)? Did it write on the ACCEPTED socket?"
                            : r.bytes().length == 0 ? "did your server write its answer on the ACCEPTED socket?"
                            : "send frame(reply(text)): always 128 bytes, zeros after the text")
                            + "\nyour server printed so far: " + server.printedSoFar())
                    .build();
        }
    }

    private static void expectExit0(ProgramRun run, Transcript wire) {
        if (run.exitCode() != 0 || !run.err().isEmpty()) {
            throw CheckFailed.when("let your server serve one client")
                    .expected("exit code 0 and nothing on stderr")
                    .got(run.describe())
                    .wire(wire)
                    .next("return 0 after the reply is sent and both sockets are closed")
                    .build();
        }
    }

    /** A run that failed as a program should: non-zero exit, one plain line on stderr mentioning {@code word}. */
    private static void expectPlainError(ProgramRun run, String doing, String word, Transcript wire) {
        List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
        boolean plain = run.exitCode() != 0 && lines.size() == 1 && !run.hasStackTrace()
                && (word == null || lines.get(0).contains(word));
        if (!plain) {
            var report = CheckFailed.when(doing)
                    .expected("exit code other than 0 and ONE plain line on stderr"
                            + (word == null ? "" : " that mentions " + word) + ", no stack trace")
                    .got(run.describe())
                    .next(run.hasStackTrace() ? "catch the exception in run and print its meaning in one line"
                            : run.exitCode() == 0 ? "return 1 (or 2 for usage errors) when something goes wrong"
                            : "one line, e.g. err.println(\"Server: ...\")");
            if (wire != null) {
                report.wire(wire);
            }
            throw report.build();
        }
    }

    /**
     * When {@code run} returned, no socket of the server was left on {@code port}: no LISTEN, no ESTABLISHED, no
     * CLOSE_WAIT (FIN_WAIT and TIME_WAIT are what a socket that closed first goes through).
     */
    private static void expectNothingLeftAt(RunningServer server, int port, String doing, Transcript wire) {
        if (!Inspector.available()) {
            return;
        }
        List<Inspector.Row> left = server.rowsAtReturn().stream()
                .filter(r -> r.local().getPort() == port)
                .filter(r -> r.state().equals("LISTEN") || r.state().equals("ESTABLISHED")
                        || r.state().equals("CLOSE_WAIT"))
                .toList();
        if (left.isEmpty()) {
            return;
        }
        boolean listening = left.stream().anyMatch(r -> r.state().equals("LISTEN"));
        throw CheckFailed.when(doing)
                .expected("no socket of your server left open on port " + port + " when run returned")
                .got("the kernel still had: " + left)
                .wire(wire)
                .next(listening ? "close the listening socket before run returns (try-with-resources)"
                        : "close the accepted socket before run returns: a socket still ESTABLISHED, or in "
                        + "CLOSE_WAIT once the client has closed, is one your code never closed")
                .build();
    }

    private static boolean ipv6Loopback() {
        try (var s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isAddress(String text, InetAddress expected) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (host.isEmpty() || !host.matches("[0-9a-fA-F:.]+")) {
            return false; // a host name, or "/127.0.0.1": not the address in numbers
        }
        try {
            return InetAddress.getByName(host).equals(expected);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isIpv6Loopback(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            return a instanceof Inet6Address && a.isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A stream that hands out one byte per read, like a network that delivers a frame in 128 pieces. */
    private static final class Dribble extends InputStream {
        private final byte[] bytes;
        private int at;

        Dribble(byte[] bytes) {
            this.bytes = bytes;
        }

        int taken() {
            return at;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c == -1) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }
    }
}
