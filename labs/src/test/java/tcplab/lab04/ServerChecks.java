package tcplab.lab04;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
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
    @Hint("reply(text) is text + \" *_*\", cut so its UTF-8 bytes fit in 127 (a C peer needs room for the "
            + "closing NUL). Likely causes: you never cut, so a long text gives 128 bytes or more; you cut with "
            + "substring(0, 127), which counts chars, not bytes (\"你\" is one char but 3 bytes); you cut the bytes "
            + "at exactly 127 and split a character, which comes back as the replacement sign �. Cut the bytes at "
            + "127, then step back while the byte at the cut is a continuation byte (10xxxxxx). Lesson 04, \"The "
            + "reply and its 127 bytes\".")
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
                    .next(got != null && got.contains("\uFFFD") ? "you cut a character in half (\uFFFD is what "
                            + "is left of it): after cutting at 127 bytes, step back while the byte at the cut is a "
                            + "continuation byte (10xxxxxx)"
                            : utf8(got) > 127 ? "the reply must fit in 127 bytes of UTF-8: cut it, and count "
                            + "bytes (getBytes(StandardCharsets.UTF_8).length), not chars (length())"
                            : "append \" *_*\" (space, star, underscore, star), then cut only if it is too long")
                    .build();
        }
    }

    @Test
    @Order(2)
    @Hint("frame(text) is exactly 128 bytes: the text's UTF-8 bytes (getBytes(StandardCharsets.UTF_8), never "
            + "the platform default), then zeros. Likely causes: the array is only as long as the text (no "
            + "padding), or padded with spaces instead of zero bytes. Arrays.copyOf pads with zeros for you. Lesson "
            + "04, \"Reading a whole frame\", and lesson 03 for the frame itself.")
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
    @Hint("Likely causes: one read() taken for the whole frame: read() returns what has arrived so far, here "
            + "one byte, so keep reading until you have 128 (a loop, or in.readNBytes(128)), and no further: the "
            + "next bytes belong to the next message. Or the whole 128 bytes turned into text: the zeros after the "
            + "text end up inside the string; stop at the first 0 byte and decode the bytes before it as UTF-8. "
            + "Lesson 04, \"Reading a whole frame\".")
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
    @Hint("When the stream ends (read() returns -1, or readNBytes gives fewer than 128) before the frame is "
            + "whole, throw java.io.EOFException with a message that says how many bytes did come, e.g. \"the "
            + "client left after sending 5 of 128 bytes\". Likely cause: the bytes that came returned as if they "
            + "were a whole frame. Lesson 04, \"Reading a whole frame\".")
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
    @Hint("run must: bind to <ip>:<port> with backlog 10, print \"listening on <ip>:<port>\", accept, read one "
            + "frame, print \"from client: <text>\", write frame(reply(text)) on the ACCEPTED socket, close, return "
            + "0. Likely causes: \"listening on\" shows the port you were given (0) instead of the port the kernel "
            + "picked (listener.getLocalPort() after bind), or is printed after accept() (too late: accept waits); "
            + "the reply written as its bare bytes instead of a 128-byte frame with zeros after the text; the "
            + "reply written through a BufferedOutputStream that is never flushed, so closing the socket drops it. "
            + "Lesson 04, \"The server in Java, call by call\".")
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
    @Hint("Likely cause: only the port was bound. new InetSocketAddress(port) alone means \"every address of "
            + "this machine\" (0.0.0.0 or ::, the wildcard): the server then answers on the network too, not only "
            + "where it was asked to listen. Bind new InetSocketAddress(InetAddress.getByName(ip), port), and print "
            + "the listener's own address after bind. Lesson 04, \"bind: a known address\".")
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
    @Hint("accept() returns a NEW socket for that client; print \"ip:<address>, port:<port>\" from it. Likely "
            + "causes: the address printed with toString(), which shows \"/127.0.0.1\" (use getHostAddress()); the "
            + "server's own port printed (getLocalPort(), the port you listen on) instead of the client's "
            + "(getPort()). Lesson 04, \"Who is calling\".")
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
                        .next(peerAdvice(m, port, clientPort))
                        .build();
            }
        }
    }

    @Test
    @Order(8)
    @Hint("TCP is a byte stream: the client's 128 bytes may come in many small pieces. Likely cause: one read() "
            + "taken for the whole frame; readFrame must keep reading until it has all 128. Lesson 04, \"Reading a "
            + "whole frame\".")
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
            + "EOFException) in run, print ONE line on err saying how many bytes came (0), close the accepted "
            + "socket and the listener, and return 1. Likely causes: the exception escapes (a stack trace); the "
            + "error printed but 0 returned, which tells a script all went well; the accepted socket never closed, "
            + "so it sits in CLOSE_WAIT (use try (Socket client = listener.accept()) or try (client)). Lesson 04, "
            + "\"Reading a whole frame\" and \"Closing: the connection, then the listener\".")
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
    @Hint("Likely cause: no read timeout, so read() waits forever for a client that says nothing. Use the "
            + "readTimeout you are given: client.setSoTimeout((int) readTimeout.toMillis()) on the ACCEPTED socket, "
            + "before reading. A read that times out throws java.net.SocketTimeoutException: catch it, print one "
            + "line, return 1. Lesson 04, \"Waiting, but not forever\".")
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
    @Hint("Likely causes: no accept timeout, so accept() waits forever when nobody comes: call "
            + "listener.setSoTimeout((int) acceptTimeout.toMillis()) before accept(), catch the "
            + "java.net.SocketTimeoutException, print one line, return 1. Or the listener never closed, so the port "
            + "stays in LISTEN after run returns: open it with try (var listener = new ServerSocket()) { ... }. "
            + "Lesson 04, \"Waiting, but not forever\" and \"Closing: the connection, then the listener\".")
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
    @Hint("bind() throws java.net.BindException (\"Address already in use\") when another socket listens on "
            + "that address and port. Likely causes: the exception not caught, so the learner sees a stack trace; "
            + "or \"listening on\" printed before bind. Put bind in a try, catch the IOException, print one line on "
            + "err that names the address and port, return 1. Lesson 04, \"Address already in use\".")
    void a_port_in_use_is_a_plain_error_naming_it() throws IOException {
        try (var taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            String port = String.valueOf(taken.getLocalPort());
            String doing = "started your server on 127.0.0.1:" + port + ", where the check already listens";
            ProgramRun run = runToTheEnd(doing, "put bind in a try and catch the IOException it throws "
                    + "(java.net.BindException here): print one line that names the address and port, and return 1",
                    "127.0.0.1", port);
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
    @Hint("Port 0 asks the kernel for any free port during bind. Likely cause: the port you were given (0) "
            + "printed instead of the port the listener really got (ServerSocket.getLocalPort(), after bind). "
            + "Lesson 04, \"Port 0\".")
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
            + "ServerSocket binds it the same way. Likely cause: the address parsed by hand as four numbers "
            + "between dots, as inet_addr does in C; InetAddress.getByName reads both kinds. Lesson 04, \"bind: "
            + "a known address\".")
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
            + "(InetAddress.getByName throws UnknownHostException otherwise); the port a number from 0 to 65535. "
            + "Likely causes: only negative ports refused, so 70000 reaches new InetSocketAddress, which throws "
            + "IllegalArgumentException (a stack trace); Integer.parseInt's NumberFormatException for \"abc\" not "
            + "caught; a different exit code for each case. Print one line with \"usage\" in it and return 2 each "
            + "time. Lesson 04, \"The server in Java, call by call\".")
    void a_bad_address_or_port_is_a_usage_error() {
        List<String[]> cases = List.of(
                new String[] {"::zz", "0"},
                new String[] {"127.0.0.1", "70000"},
                new String[] {"127.0.0.1", "abc"},
                new String[] {"127.0.0.1", "-1"},
                new String[] {"127.0.0.1"});
        var codes = new ArrayList<Integer>();
        for (String[] args : cases) {
            String doing = "started your server with arguments " + Arrays.toString(args);
            ProgramRun run = runToTheEnd(doing, "check the arguments yourself before you use them: exactly two, an "
                    + "IP address, a port from 0 to 65535 (new InetSocketAddress throws for 70000); print a usage "
                    + "line and return 2", args);
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
            + "listener (the port is free again). Likely causes: the accepted socket used but never closed, so it "
            + "sits in CLOSE_WAIT once the client closes; the listener never closed, so the port stays in LISTEN. "
            + "try-with-resources closes both, in the right order, even when something throws. Lesson 04, "
            + "\"Closing: the connection, then the listener\".")
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

    /**
     * Runs the server with the checks' short time limits until it returns. An exception that escapes run is what a
     * person running the program sees as a stack trace: it fails the check, saying {@code ifThrown}.
     */
    private static ProgramRun runToTheEnd(String doing, String ifThrown, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            LabCode.Outcome<Integer> outcome = LabCode.outcome(doing, LIMIT, () -> Server.run(args.clone(),
                    InputStream.nullInputStream(), outStream, errStream, ACCEPT, READ));
            if (outcome.threw()) {
                Throwable t = outcome.thrown();
                throw CheckFailed.when(doing)
                        .expected("exit code other than 0 and ONE plain line on stderr, no exception")
                        .got("run threw " + t.getClass().getName() + (t.getMessage() == null ? "" : ": "
                                + t.getMessage()) + "\nat " + LabCode.where(t.getStackTrace())
                                + "\n(a person running your server would see a stack trace)")
                        .next(ifThrown)
                        .cause(t)
                        .build();
            }
            return new ProgramRun(List.of(args), outcome.value(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
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
                            && server.outSoFar().contains("from client:")
                            ? "your server read the frame (it printed \"from client: ...\") but closed without "
                            + "answering: write frame(reply(text)) on the ACCEPTED socket's output stream, and if "
                            + "you wrapped it (BufferedOutputStream, PrintStream), flush it before closing"
                            : r.bytes().length == 0 && r.ending() == Conversation.Ending.CLOSED
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

    /** What to look at when the "ip:…, port:…" line is wrong, from what it says. */
    private static String peerAdvice(Matcher m, int serverPort, int clientPort) {
        String advice = "print the ACCEPTED socket's getInetAddress().getHostAddress() and getPort()";
        if (!m.find(0)) {
            return advice + " as \"ip:<address>, port:<port>\"";
        }
        if (m.group(1).startsWith("/")) {
            return "the address starts with \"/\": that is InetAddress.toString() (host name, \"/\", address). "
                    + "Use getHostAddress(), which gives the address alone";
        }
        if (m.group(2).equals(String.valueOf(serverPort))) {
            return "port " + serverPort + " is your server's own port (getLocalPort()); the client's port is "
                    + "getPort() of the accepted socket";
        }
        return advice + "; the client's port is " + clientPort;
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
