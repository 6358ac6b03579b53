package tcplab.lab04;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.ChildJvm;
import tcplab.kit.Conversation;
import tcplab.kit.Frame;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.ProgramRun;
import tcplab.kit.Sockets;
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
    /** The two time limits the timeout checks pass, the second 4 times the first: see those checks. */
    private static final Duration SHORT = Duration.ofMillis(250);
    private static final Duration LONG = Duration.ofSeconds(1);
    /** How long a run may take when it looks up a name that does not exist (a slow DNS server answers late). */
    private static final Duration LOOKUP_LIMIT = Duration.ofSeconds(15);
    /** How long a server in a child JVM may take, starting the JVM included. */
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(10);

    /** What every usage error's line holds (the kit's convention, lesson 02). */
    private static final String USAGE = "Usage: Server <ip> <port>";
    /** 42 Chinese characters, 126 bytes of UTF-8: with " *_*" the reply is 130 bytes and must be cut to 127. */
    private static final String CHINESE = "你好，世界。".repeat(7);

    /** Loopback addresses other than 127.0.0.1, so that two ends can be told apart (Linux binds all of 127/8). */
    private static final String CLIENT_IP = "127.0.0.2";
    private static final String OTHER_SERVER_IP = "127.0.0.3";
    private static final String CHILD_SERVER_IP = "127.0.0.5";

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
    @DisplayName("reply() adds the smiley and fits in 127 bytes, cutting only between characters")
    void reply_adds_the_smiley_and_fits_in_127_bytes_cutting_only_between_characters() {
        String a126 = "a".repeat(126);
        String ab42 = "ab" + "你".repeat(42); // 128 bytes: a full frame with no NUL at all
        String emoji = "a" + "😀".repeat(32); // 129 bytes of 4-byte characters
        expectReply("hello", "hello *_*");
        expectReply("", " *_*");
        expectReply("你好", "你好 *_*");
        expectReply("a".repeat(123), "a".repeat(123) + " *_*"); // exactly 127 bytes: it fits, nothing is cut
        expectReply("a".repeat(124), "a".repeat(124) + " *_"); // 128 bytes: one too many
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
                            : got != null && got.length() < expected.length() && expected.startsWith(got)
                            ? "you cut more than needed: a reply of exactly 127 bytes fits (with the NUL that makes "
                            + "128); keep every byte up to 127 and cut only what goes past"
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
    @DisplayName("A frame is the text in UTF-8, then NULs up to 128 bytes")
    void a_frame_is_the_text_in_UTF_8_then_NULs_up_to_128_bytes() {
        // The last two are 127 bytes, the most a frame holds: one NUL is left at the end.
        for (String text : List.of("hello", "你好 *_*", "", "a".repeat(127), "你".repeat(42) + "a")) {
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
    @Hint("frame(text) throws IllegalArgumentException when the text's UTF-8 form is longer than 127 bytes: 128 "
            + "bytes of text would leave no NUL for a C peer, and more would not fit at all. Likely causes: no test "
            + "at all, so Arrays.copyOf cuts the text silently; the test counts chars (text.length()), and \"你\" is "
            + "one char but 3 bytes; the test lets exactly 128 bytes through (> 128 instead of > 127). Lesson 04, "
            + "\"The reply and its 127 bytes\".")
    @DisplayName("frame() refuses a text longer than 127 bytes")
    void frame_refuses_a_text_longer_than_127_bytes() {
        // 128 one-byte characters: the edge; 43 Chinese characters: 129 bytes but only 43 chars.
        for (String text : List.of("a".repeat(128), "你".repeat(43))) {
            String doing = "called frame(" + Transcript.quote(text) + ") (" + utf8(text) + " bytes of UTF-8, "
                    + text.length() + " chars)";
            LabCode.Outcome<byte[]> outcome = LabCode.outcome(doing, LIMIT, () -> Server.frame(text));
            if (!(outcome.thrown() instanceof IllegalArgumentException)) {
                throw CheckFailed.when(doing)
                        .expected("an IllegalArgumentException: the text is longer than the 127 bytes a frame holds")
                        .got(outcome.threw() ? outcome.thrown().toString()
                                : outcome.value() == null ? "it returned null"
                                : "it returned " + outcome.value().length + " bytes:\n" + Hex.dump(outcome.value(), ""))
                        .next(outcome.threw() ? "test the length before you build the frame, and throw "
                                + "IllegalArgumentException yourself"
                                : text.length() < 127 ? "count the UTF-8 bytes (getBytes(StandardCharsets.UTF_8).length), "
                                + "not the chars: this text is only " + text.length() + " chars"
                                : "127 bytes is the most: the 128th byte of a frame must be a NUL")
                        .cause(outcome.thrown())
                        .build();
            }
        }
    }

    @Test
    @Order(4)
    @Hint("text(frame) is the frame's bytes up to the first NUL, decoded as UTF-8. Likely causes: all 128 bytes "
            + "decoded (new String(frame, UTF_8)), so the NUL padding ends up inside the string; the NULs taken off "
            + "the end (trim(), replace(\"\\0\", \"\"), a search from the back), which keeps whatever a C peer left "
            + "in its buffer after the first NUL. Find the index of the first 0, then new String(frame, 0, index, "
            + "StandardCharsets.UTF_8). Lesson 04, \"Reading a whole frame\", and lesson 03 for the frame itself.")
    @DisplayName("The text of a frame ends at the first NUL")
    void the_text_of_a_frame_ends_at_the_first_NUL() {
        for (String text : List.of("hello *_*", "", "你好, server")) {
            expectText("the frame of " + Transcript.quote(text), Frame.of(text), text);
        }
        // A C peer that copies a short text over a longer one leaves the old bytes after the first NUL.
        byte[] reused = Frame.of("hello *_*");
        System.arraycopy("hi".getBytes(StandardCharsets.UTF_8), 0, reused, 0, 2);
        reused[2] = 0;
        expectText("a frame whose buffer was used before: \"hi\", a NUL, then old bytes \"lo *_*\"", reused, "hi");
    }

    private static void expectText(String which, byte[] frame, String text) {
        String doing = "called text() on " + which;
        String got = LabCode.call(doing, LIMIT, () -> Server.text(frame.clone()));
        if (!text.equals(got)) {
            throw CheckFailed.when(doing)
                    .expected(Transcript.quote(text) + ", from this frame:\n" + Hex.dump(frame, ""))
                    .got(got == null ? "null" : Transcript.quote(got))
                    .next(got != null && got.endsWith("\0")
                            ? "text: the string still holds NUL characters (\\0): the padding was decoded with the "
                                    + "text. Stop at the first 0 byte: new String(frame, 0, index, UTF_8)."
                            : "text: everything after the first 0 byte is not part of the text, whatever it holds "
                                    + "(here, bytes a C peer left in its buffer). Find the first 0 and decode only the "
                                    + "bytes before it.")
                    .build();
        }
    }

    @Test
    @Order(5)
    @Hint("A peer may fill all 128 bytes with text and send no NUL at all; the text is then the whole frame. "
            + "Likely cause: the loop that looks for the first NUL only stops at a NUL, so here it runs past the "
            + "end of the array (ArrayIndexOutOfBoundsException). Stop at the end too: while (end < frame.length && "
            + "frame[end] != 0). Lesson 04, \"Reading a whole frame\".")
    @DisplayName("text() takes all 128 bytes when no NUL ends the text")
    void text_takes_all_128_bytes_when_no_NUL_ends_the_text() {
        String text = "ab" + "你".repeat(42); // 2 + 126 = 128 bytes, not one of them 0
        byte[] frame = text.getBytes(StandardCharsets.UTF_8);
        String doing = "called text() on 128 bytes of text with no NUL among them (\"ab\" and 42 × \"你\")";
        LabCode.Outcome<String> outcome = LabCode.outcome(doing, LIMIT, () -> Server.text(frame.clone()));
        if (!text.equals(outcome.value())) {
            throw CheckFailed.when(doing)
                    .expected(Transcript.quote(text) + ", all 128 bytes")
                    .got(outcome.threw() ? outcome.thrown().toString()
                            : outcome.value() == null ? "null"
                            : Transcript.quote(outcome.value()) + " (" + utf8(outcome.value()) + " bytes)")
                    .next(outcome.thrown() instanceof IndexOutOfBoundsException
                            ? "text: the search for the NUL ran past the last byte: stop at the end as well"
                            : "text: with no NUL, the text is all 128 bytes, decoded as UTF-8")
                    .cause(outcome.thrown())
                    .build();
        }
    }

    @Test
    @Order(6)
    @Hint("Likely cause: one read() taken for the whole frame: read() returns what has arrived so far, here one "
            + "byte, so keep reading until you have 128 (a loop, or in.readNBytes(128)), and no further: the next "
            + "bytes belong to the next message. readFrame returns the 128 bytes as they came; text() takes the "
            + "text out of them. Lesson 04, \"Reading a whole frame\".")
    @DisplayName("readFrame reads all 128 bytes, even when they come one at a time")
    void readFrame_reads_all_128_bytes_even_when_they_come_one_at_a_time() throws IOException {
        byte[] frame = Frame.of("你好, server");
        byte[] more = "NEXT".getBytes(StandardCharsets.UTF_8);
        byte[] both = Arrays.copyOf(frame, frame.length + more.length);
        System.arraycopy(more, 0, both, frame.length, more.length);
        var in = new Dribble(both);
        String doing = "called readFrame on a stream that gives one byte per read";
        byte[] got = LabCode.call(doing, LIMIT, () -> Server.readFrame(in));
        if (!Arrays.equals(frame, got)) {
            throw CheckFailed.when(doing)
                    .expected("the 128 bytes of the frame:\n" + Hex.dump(frame, ""))
                    .got(got == null ? "null" : got.length + " bytes (after reading " + in.taken() + "):\n"
                            + Hex.dump(got, ""))
                    .next(got != null && in.taken() < Frame.SIZE
                            ? "readFrame: a single read() brings only what has arrived: loop until you hold 128 bytes"
                            : "readFrame: all 128 bytes were read, but others came back. Each read must put its bytes "
                                    + "where the last one stopped (read(frame, have, 128 - have)), and the array you "
                                    + "return is the one you filled, all 128 bytes of it, NULs included")
                    .build();
        }
        if (in.taken() != Frame.SIZE) {
            throw CheckFailed.when("called readFrame on a stream holding one frame and then \"NEXT\"")
                    .expected("it reads exactly 128 bytes")
                    .got("it read " + in.taken() + " bytes")
                    .next("readFrame: ask for at most 128 - (bytes you have) each time; never read past the frame")
                    .build();
        }
    }

    @Test
    @Order(7)
    @Hint("When the stream ends (read() returns -1, or readNBytes gives fewer than 128) before the frame is "
            + "whole, throw java.io.EOFException with a message that says how many bytes did come, e.g. \"the "
            + "connection ended after 5 of 128 bytes of a frame\". Likely cause: the bytes that came returned as if "
            + "they were a whole frame. Lesson 04, \"Reading a whole frame\".")
    @DisplayName("readFrame says how many bytes came when the stream ends early")
    void readFrame_says_how_many_bytes_came_when_the_stream_ends_early() {
        byte[] five = "hello".getBytes(StandardCharsets.UTF_8);
        LabCode.Outcome<byte[]> outcome = LabCode.outcome("called readFrame on a stream that ends after 5 bytes",
                LIMIT, () -> Server.readFrame(new ByteArrayInputStream(five)));
        if (!(outcome.thrown() instanceof EOFException e) || e.getMessage() == null || !e.getMessage().contains("5")) {
            throw CheckFailed.when("called readFrame on a stream that ends after 5 bytes")
                    .expected("an EOFException whose message says 5 bytes came")
                    .got(outcome.threw() ? outcome.thrown().toString()
                            : outcome.value() == null ? "it returned null"
                            : "it returned " + outcome.value().length + " bytes:\n" + Hex.dump(outcome.value(), ""))
                    .next("readFrame: readNBytes returns a short array at end of stream; read() returns -1: both "
                            + "mean the client is gone")
                    .cause(outcome.thrown())
                    .build();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stage 2: a whole run with one well-behaved client.

    @Test
    @Order(8)
    @Hint("run must: bind to <ip>:<port> with backlog 10, print \"listening on <ip>:<port>\", accept, read one "
            + "frame, print \"from client: <text>\", write frame(reply(text)) on the ACCEPTED socket, close, return "
            + "0. Likely causes: \"listening on\" shows the port you were given (0) instead of the port the kernel "
            + "picked (listener.getLocalPort() after bind), or is printed after accept() (too late: accept waits); "
            + "the reply written as its bare bytes instead of a 128-byte frame with zeros after the text; the "
            + "reply written through a BufferedOutputStream that is never flushed, so closing the socket drops it; "
            + "the listener never closed, so its port is still in LISTEN when run returns. Lesson 04, \"The server "
            + "in Java, call by call\".")
    @DisplayName("The server listens, accepts and answers \"hello\"")
    void the_server_listens_accepts_and_answers_hello() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("hello")), wire);
            expectAnswer(c, "hello *_*", wire, server);
            ProgramRun run = server.finish();
            expectExit0(run, wire);
            expectNoListenerAt(server, port, "let your server answer \"hello\" and return", wire);
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
    @Order(9)
    @Hint("Likely causes: only the port was bound. new InetSocketAddress(port) alone means \"every address of "
            + "this machine\" (0.0.0.0 or ::, the wildcard): the server then answers on the network too, not only "
            + "where it was asked to listen. Or an address of your own (InetAddress.getLoopbackAddress(), "
            + "\"localhost\") bound instead of the one given. Bind new InetSocketAddress(InetAddress.getByName(ip), "
            + "port), and print the listener's own address after bind. Lesson 04, \"bind: a known address\".")
    @DisplayName("The server listens on the address it was given, and no other")
    void the_server_listens_on_the_address_it_was_given_and_no_other() throws IOException {
        // 127.0.0.3 where it can be bound (Linux: all of 127/8 is loopback), so the loopback's usual 127.0.0.1
        // does not pass by chance.
        String ip = Sockets.loopbackAlias(OTHER_SERVER_IP);
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, ip, "0")) {
            int port = listeningPort(server);
            InetAddress asked = InetAddress.getByName(ip);
            if (Inspector.available()) {
                List<Inspector.Row> listening = Inspector.tcpRowsFor(port).stream()
                        .filter(r -> r.state().equals("LISTEN") && r.local().getPort() == port).toList();
                if (listening.isEmpty() || listening.stream().anyMatch(r -> !r.local().getAddress().equals(asked))) {
                    throw CheckFailed.when("started your server with arguments [" + ip + ", 0]")
                            .expected("one socket in LISTEN on " + ip + ":" + port + " and on no other address")
                            .got("the kernel has " + (listening.isEmpty() ? "no socket in LISTEN on port " + port
                                    : listening + (listening.stream().anyMatch(r -> r.local().getAddress()
                                    .isAnyLocalAddress()) ? " (the wildcard: every address of this machine)" : "")))
                            .next(listening.stream().anyMatch(r -> r.local().getAddress().isAnyLocalAddress())
                                    ? "bind new InetSocketAddress(ip, port) with the ip you were given, not only the "
                                    + "port"
                                    : "bind the address you were given (InetAddress.getByName(args[0])), not one of "
                                    + "your own")
                            .build();
                }
            }
            Matcher printed = RunningServer.LISTENING.matcher(server.outSoFar());
            if (!printed.find() || !printed.group(1).equals(ip)) {
                throw CheckFailed.when("started your server with arguments [" + ip + ", 0]")
                        .expected("a line \"listening on " + ip + ":" + port + "\"")
                        .got(Transcript.quote(server.outSoFar()))
                        .next(printed.find(0) && printed.group(1).equals("[" + ip + "]")
                                ? "brackets are for IPv6 addresses only, whose colons would run into the port's: "
                                + "an IPv4 address is printed as it is"
                                : "print the listener's own address and port after bind: "
                                + "getInetAddress().getHostAddress() and getLocalPort()")
                        .build();
            }
            Conversation c = server.connect(ip, port, wire);
            send(c, () -> c.send(Frame.of("only here")), wire);
            expectAnswer(c, "only here *_*", wire, server);
            expectExit0(server.finish(), wire);
        }
    }

    @Test
    @Order(10)
    @Hint("accept() returns a NEW socket for that client; print \"ip:<address>, port:<port>\" from it, the "
            + "client's end: getInetAddress().getHostAddress() and getPort(). Likely causes: the address printed with "
            + "toString(), which shows \"/127.0.0.1\"; the server's own end printed (getLocalAddress(), "
            + "getLocalPort()) instead of the client's. The check's client comes from 127.0.0.2, so the two ends "
            + "differ in address as well as port. Lesson 04, \"Who is calling\".")
    @DisplayName("The server prints the client's real address and port")
    void the_server_prints_the_clients_real_address_and_port() throws IOException {
        // The client binds 127.0.0.2 where it can (Linux), so its address differs from the server's 127.0.0.1.
        String clientIp = Sockets.loopbackAlias(CLIENT_IP);
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connectFrom(clientIp, "127.0.0.1", port, wire);
            int clientPort = c.socket().getLocalPort();
            send(c, () -> c.send(Frame.of("who am I?")), wire);
            expectAnswer(c, "who am I? *_*", wire, server);
            ProgramRun run = server.finish();
            Matcher m = PEER.matcher(run.out());
            String expected = "ip:" + clientIp + ", port:" + clientPort;
            if (!m.find() || !m.group(0).strip().equals(expected)) {
                throw CheckFailed.when("connected to your server at 127.0.0.1 port " + port + " from " + clientIp
                                + " port " + clientPort)
                        .expected("a line \"" + expected + "\"")
                        .got(run.describe())
                        .next(peerAdvice(m, "127.0.0.1", port, clientIp, clientPort))
                        .build();
            }
        }
    }

    @Test
    @Order(11)
    @Hint("TCP is a byte stream: the client's 128 bytes may come in many small pieces. Likely cause: one read() "
            + "taken for the whole frame; readFrame must keep reading until it has all 128. Lesson 04, \"Reading a "
            + "whole frame\".")
    @DisplayName("A frame that arrives one byte at a time is served")
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

    @Test
    @Order(12)
    @Hint("The text is UTF-8 in both directions, and a reply is cut to 127 bytes. Likely causes: text decodes "
            + "the frame's bytes without naming UTF-8; reply measured in chars instead of bytes; frame encoded "
            + "without naming UTF-8. Lesson 04, \"The reply and its 127 bytes\", and lesson 03, \"Text is bytes: say UTF-8\".")
    @DisplayName("Chinese text comes back as its exact UTF-8 bytes, cut at 127")
    void chinese_text_comes_back_as_its_exact_UTF_8_bytes_cut_at_127() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of(CHINESE)), wire);
            expectAnswer(c, CHINESE + " ", wire, server);
            ProgramRun run = server.finish();
            expectExit0(run, wire);
            if (!run.out().lines().anyMatch(l -> l.equals("from client: " + CHINESE))) {
                throw CheckFailed.when("sent " + Transcript.quote(CHINESE) + " (126 bytes of UTF-8) to your server")
                        .expected("a line " + Transcript.quote("from client: " + CHINESE) + " on stdout")
                        .got(run.describe())
                        .wire(wire)
                        .next("text: decode the bytes before the first NUL with StandardCharsets.UTF_8")
                        .build();
            }
        }
    }

    @Test
    @Order(13)
    @Hint("Under LANG=C and -Dfile.encoding=US-ASCII the JVM's default charset is ASCII, and every Chinese "
            + "character turns into \"?\" (encoding) or the replacement sign \ufffd (decoding). Likely causes, one "
            + "per place where text and bytes meet: new String(bytes, 0, n) in text, text.getBytes() in reply "
            + "or in frame, all without a charset. Name StandardCharsets.UTF_8 every time. Lesson 03, \"Text is "
            + "bytes: say UTF-8\".")
    @DisplayName("Chinese text round-trips, even when the platform charset is ASCII")
    void chinese_text_round_trips_even_when_the_platform_charset_is_ASCII() throws Exception {
        // A child JVM, since only there the default charset can be ASCII. Its port is picked here, on an address
        // of its own where it can (Linux), because the check cannot read the child's output while it runs.
        String ip = Sockets.loopbackAlias(CHILD_SERVER_IP);
        int port;
        try (var probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
            port = probe.getLocalPort();
        }
        var result = new CompletableFuture<ChildJvm.Result>();
        Thread runner = new Thread(() -> {
            try {
                // LANG=C alone no longer changes the default charset on JDK 18+; file.encoding does, on 17 and 25.
                // Standard output is pinned to UTF-8, so what is checked is what the lab's code did with the text.
                result.complete(ChildJvm.run(Server.class.getName(),
                        List.of("-Dfile.encoding=US-ASCII", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8",
                                "-Dstderr.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8"),
                        Map.of("LANG", "C", "LC_ALL", "C"), new byte[0], CHILD_LIMIT, ip, String.valueOf(port)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "lab04-child");
        runner.setDaemon(true);
        runner.start();

        String doing = "ran your server (" + ip + " " + port + ") in a JVM whose default charset is US-ASCII (LANG=C) "
                + "and sent " + Transcript.quote(CHINESE) + " (126 bytes of UTF-8)";
        var wire = new Transcript("kit client", "your server");
        byte[] answer = new byte[0];
        try (Conversation c = connectWhenListening(ip, port, result, wire)) {
            if (c != null) {
                send(c, () -> c.send(Frame.of(CHINESE)), wire);
                answer = c.read(Frame.SIZE, CHILD_LIMIT).bytes();
            }
        }
        ChildJvm.Result child = result.get(CHILD_LIMIT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        if (child.notWrittenYet() != null) {
            throw CheckFailed.when(doing)
                    .expected("your program to run")
                    .got("it is not written yet: " + child.notWrittenYet())
                    .next("the Javadoc of Server.run")
                    .build();
        }
        byte[] expected = Frame.of(CHINESE + " ");
        String printed = "from client: " + CHINESE;
        boolean printedRight = child.outText().replace("\r\n", "\n").lines().anyMatch(printed::equals);
        if (!Arrays.equals(expected, answer) || child.exitCode() != 0 || !printedRight) {
            String next;
            if (contains(answer, new byte[] {(byte) 0xef, (byte) 0xbf, (byte) 0xbd})
                    || child.outText().contains("\ufffd")) {
                next = "ef bf bd is the replacement sign \ufffd: the client's bytes were decoded with the default "
                        + "charset, which knows no Chinese. text: new String(frame, 0, end, StandardCharsets.UTF_8).";
            } else if (contains(answer, new byte[] {'?'})) {
                next = "3f is \"?\": the reply was encoded with the default charset, which has no Chinese. frame: "
                        + "text.getBytes(StandardCharsets.UTF_8).";
            } else if (child.errText().contains("IllegalArgumentException")) {
                next = "the reply was too long for a frame: reply measured the text with the default charset (there "
                        + "each Chinese character is one \"?\" byte, so nothing was cut). reply: "
                        + "(text + SMILE).getBytes(StandardCharsets.UTF_8).";
            } else {
                next = "every place bytes become text or text becomes bytes (text, reply, frame): name "
                        + "StandardCharsets.UTF_8.";
            }
            throw CheckFailed.when(doing)
                    .expected("exit code 0, a line " + Transcript.quote(printed) + " on stdout, and the reply frame "
                            + Transcript.quote(CHINESE + " ") + " (127 bytes and one NUL):\n" + Hex.dump(expected, ""))
                    .got(child.describe() + "\nthe reply: " + (answer.length == 0 ? "nothing"
                            : answer.length + " bytes:\n" + Hex.dump(answer, "")))
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    @Test
    @Order(14)
    @Hint("Whoever starts your server waits for the \"listening on\" line before connecting; if out keeps the "
            + "line in a buffer, they wait for ever while the server waits in accept. System.out happens to flush "
            + "at each println, but run writes to the out it is given, which may buffer (a PrintStream over a file "
            + "or a pipe does). Likely cause: no out.flush() after printing the line. The C server's fflush(stdout) "
            + "is the same step. Lesson 04, \"Port 0\".")
    @DisplayName("The \"listening on\" line is flushed before the server waits for a client")
    void the_listening_line_is_flushed_before_the_server_waits_for_a_client() throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.with(LIMIT, ACCEPT, READ).bufferedOut().start("127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send(Frame.of("flushed")), wire);
            expectAnswer(c, "flushed *_*", wire, server);
            expectExit0(server.finish(), wire);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stage 3: clients and systems that say no.

    @Test
    @Order(15)
    @Hint("A client may connect and close without sending anything: read() returns -1 at once. Catch that (your "
            + "EOFException) in run, print ONE line on err saying how many bytes came (0), close the accepted "
            + "socket and the listener, and return 1. Likely causes: the exception escapes (a stack trace); the "
            + "error printed but 0 (or another code) returned; the accepted socket never closed, so it sits in "
            + "CLOSE_WAIT (use try (Socket client = listener.accept()) or try (client)). Lesson 04, \"Reading a "
            + "whole frame\" and \"Closing: the connection, then the listener\".")
    @DisplayName("A client that leaves without sending gets a plain error")
    void a_client_that_leaves_without_sending_gets_a_plain_error() {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            c.close();
            ProgramRun run = server.finish();
            expectPlainError(run, "connected to your server and closed without sending a byte", 1, "0", wire);
            expectNothingLeftAt(server, port, "let your server see the client leave", wire);
        }
    }

    @Test
    @Order(16)
    @Hint("A client may also reset the connection (RST) in the middle of its frame: then read() throws "
            + "java.net.SocketException (\"Connection reset\"), which is neither an EOFException nor a "
            + "SocketTimeoutException. Catch IOException as well, print one line on err, return 1. Likely cause: "
            + "only EOFException and SocketTimeoutException caught, so the reset escapes run as a stack trace; or "
            + "it is caught and 0 returned. Lesson 04, \"Reading a whole frame\".")
    @DisplayName("A client that resets in the middle of its frame gets a plain error")
    void a_client_that_resets_in_the_middle_of_its_frame_gets_a_plain_error() throws IOException {
        var wire = new Transcript("kit client", "your server");
        var accepted = new CountDownLatch(1);
        try (var server = RunningServer.with(LIMIT, ACCEPT, READ).onLine("ip:", accepted::countDown)
                .start("127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            send(c, () -> c.send("hel".getBytes(StandardCharsets.UTF_8)), wire);
            await(accepted); // the server has accepted: the reset reaches the accepted socket, not the backlog
            c.reset();
            ProgramRun run = server.finish();
            expectPlainError(run, "sent 3 bytes of a frame to your server, then reset the connection (RST)", 1, null,
                    wire);
            expectNothingLeftAt(server, port, "let your server see the client reset", wire);
        }
    }

    @Test
    @Order(17)
    @Hint("Likely causes: no read timeout, so read() waits forever for a client that stops; a time limit of your "
            + "own instead of the readTimeout you are given; the acceptTimeout used for reading; the Duration "
            + "turned into the wrong unit (setSoTimeout takes milliseconds: (int) readTimeout.toMillis(); 0 means "
            + "no limit at all). Call client.setSoTimeout on the ACCEPTED socket before reading; a read that times "
            + "out throws java.net.SocketTimeoutException: catch it, print one line, return 1. Lesson 04, "
            + "\"Waiting, but not forever\".")
    @DisplayName("A client that stops mid-frame is given up after the read timeout it was given")
    void a_client_that_stops_mid_frame_is_given_up_after_the_read_timeout_it_was_given() throws IOException {
        // Two runs: the short one proves the server does not wait longer than told, the long one that it does not
        // give up sooner (a limit of its own).
        long shortRun = stallingClient(SHORT);
        if (shortRun >= LONG.toNanos()) {
            throw timing("sent half a frame (64 bytes) and then nothing, with your read timeout at 250 ms and the "
                    + "accept timeout at " + LabCode.seconds(ACCEPT), shortRun, SHORT,
                    "your server waited more than 4 times its readTimeout. Use the readTimeout you are given for the "
                            + "reads, not acceptTimeout or a number of your own");
        }
        long longRun = stallingClient(LONG);
        if (longRun < LONG.toNanos()) {
            throw timing("sent half a frame (64 bytes) and then nothing, with your read timeout at 1 s", longRun, LONG,
                    "your server gave up before its readTimeout. Likely causes: a limit of your own; the Duration "
                            + "turned into the wrong unit (setSoTimeout takes milliseconds: readTimeout.toMillis())");
        }
    }

    /** One run with a client that sends half a frame and stalls; how long the server took to give up, in ns. */
    private static long stallingClient(Duration readTimeout) throws IOException {
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, readTimeout, "127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            // The read that times out can only start once these bytes are in, so the time is counted from here.
            long start = System.nanoTime();
            send(c, () -> c.send(Arrays.copyOf(Frame.of("half a frame"), 64)), wire);
            wire.event("kit sends nothing more and keeps the connection open");
            ProgramRun run = server.finish();
            expectPlainError(run, "sent 64 bytes of a frame to your server (read timeout "
                    + readTimeout.toMillis() + " ms) and then nothing", 1, null, wire);
            expectNothingLeftAt(server, port, "let your server give up on a client that stopped", wire);
            return server.returnedAt() - start;
        }
    }

    @Test
    @Order(18)
    @Hint("Likely causes: no accept timeout, so accept() waits forever when nobody comes; a time limit of your own "
            + "instead of the acceptTimeout you are given; the readTimeout used for accept; the Duration turned "
            + "into the wrong unit (setSoTimeout takes milliseconds). Call listener.setSoTimeout((int) "
            + "acceptTimeout.toMillis()) before accept(), catch the java.net.SocketTimeoutException, print one "
            + "line, return 1. Or the listener never closed, so the port stays in LISTEN after run returns: open it "
            + "with try (var listener = new ServerSocket()) { ... }. Lesson 04, \"Waiting, but not forever\" and "
            + "\"Closing: the connection, then the listener\".")
    @DisplayName("A server that no client calls gives up after the accept timeout it was given")
    void a_server_that_no_client_calls_gives_up_after_the_accept_timeout_it_was_given() {
        long shortRun = nobodyCalls(SHORT);
        if (shortRun >= LONG.toNanos()) {
            throw timing("started your server with an accept timeout of 250 ms (read timeout "
                    + LabCode.seconds(ACCEPT) + ") and never connected", shortRun, SHORT,
                    "your server waited more than 4 times its acceptTimeout. Use the acceptTimeout you are given "
                            + "for accept, not readTimeout or a number of your own");
        }
        long longRun = nobodyCalls(LONG);
        if (longRun < LONG.toNanos()) {
            throw timing("started your server with an accept timeout of 1 s and never connected", longRun, LONG,
                    "your server gave up before its acceptTimeout. Likely causes: a limit of your own; the Duration "
                            + "turned into the wrong unit (setSoTimeout takes milliseconds: acceptTimeout.toMillis())");
        }
    }

    /** One run that no client calls; the time from the "listening on" line to run's return, in ns. */
    private static long nobodyCalls(Duration acceptTimeout) {
        var listeningAt = new AtomicLong();
        // The accept that times out starts after the "listening on" line: the time is counted from that line.
        try (var server = RunningServer.with(LIMIT, acceptTimeout, ACCEPT)
                .onLine("listening on", () -> listeningAt.set(System.nanoTime())).start("127.0.0.1", "0")) {
            int port = listeningPort(server);
            ProgramRun run = server.finish();
            var wire = new Transcript("kit client", "your server");
            wire.event("no client connected");
            expectPlainError(run, "started your server (accept timeout " + acceptTimeout.toMillis()
                    + " ms) and never connected", 1, null, wire);
            expectNothingLeftAt(server, port, "let your server give up waiting for a client", wire);
            return server.returnedAt() - listeningAt.get();
        }
    }

    /**
     * The server gave up too late ({@code took} at least {@link #LONG} with {@link #SHORT} given) or too early (less
     * than {@link #LONG} with {@link #LONG} given). The time is not printed: a message must read the same each run.
     */
    private static CheckFailed timing(String doing, long tookNanos, Duration given, String next) {
        return CheckFailed.when(doing)
                .expected("your server to give up after " + given.toMillis() + " ms, or a little more")
                .got(tookNanos >= LONG.toNanos() ? "it was still waiting after " + LONG.toMillis() + " ms"
                        : "it gave up before " + given.toMillis() + " ms had passed")
                .next(next)
                .build();
    }

    @Test
    @Order(19)
    @Hint("Sending fails when the client is gone: here it reset the connection (RST) right after its frame, and "
            + "write() throws an IOException (\"Connection reset by peer\" or \"Broken pipe\"). Catch it, print one "
            + "line on err, return 1. Likely causes: the exception escapes run (a stack trace); it is caught but 0 "
            + "returned; or the reply goes out before \"from client: <text>\" is printed (print, then send). "
            + "Lesson 04, \"The server in Java, call by call\".")
    @DisplayName("A reply that cannot be sent is a plain error")
    void a_reply_that_cannot_be_sent_is_a_plain_error() throws IOException {
        Assumptions.assumeTrue(Inspector.available(), Inspector.unavailableReason());
        var wire = new Transcript("kit client", "your server");
        var client = new AtomicReference<Conversation>();
        var replyCameFirst = new AtomicBoolean();
        var sent = new CountDownLatch(1);
        // Runs on the server's thread as it prints "from client: ...", before it sends: the client resets, and
        // the server goes on only once the kernel has taken the RST on its side (its row is gone).
        Runnable resetClient = () -> {
            Conversation c = client.get();
            if (c == null) {
                return;
            }
            await(sent); // the frame is on the transcript before the reset, as it was on the wire
            try {
                replyCameFirst.set(c.socket().getInputStream().available() > 0);
                int serverPort = c.socket().getPort();
                int clientPort = c.socket().getLocalPort();
                c.reset();
                long deadline = System.nanoTime() + LIMIT.toNanos() / 2;
                while (System.nanoTime() < deadline && Inspector.tcp().stream().anyMatch(r ->
                        r.local().getPort() == serverPort && r.remote().getPort() == clientPort)) {
                    Thread.onSpinWait();
                }
            } catch (IOException e) {
                wire.event("kit could not reset: " + e.getMessage());
            }
        };
        try (var server = RunningServer.with(LIMIT, ACCEPT, READ).onLine("from client:", resetClient)
                .start("127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation c = server.connect("127.0.0.1", port, wire);
            client.set(c);
            send(c, () -> c.send(Frame.of("too late")), wire);
            sent.countDown();
            ProgramRun run = server.finish();
            String doing = "sent \"too late\" to your server and reset the connection (RST) once it printed "
                    + "\"from client: too late\", before its reply";
            if (replyCameFirst.get()) {
                throw CheckFailed.when(doing)
                        .expected("\"from client: too late\" printed before the reply is sent")
                        .got("the reply had already come when the line was printed:\n" + run.describe())
                        .wire(wire)
                        .next("print \"from client: \" + text first, then send the reply (steps 3 and 4 of the "
                                + "class comment)")
                        .build();
            }
            expectPlainError(run, doing, 1, null, wire);
            expectNothingLeftAt(server, port, "let your server fail to send its reply", wire);
        }
    }

    @Test
    @Order(20)
    @Hint("bind() throws java.net.BindException (\"Address already in use\") when another socket listens on "
            + "that address and port. Likely causes: the exception not caught, so the learner sees a stack trace; "
            + "\"listening on\" printed before bind; the message without the address or the port; the listener "
            + "not closed when bind fails (open it in try-with-resources before bind). Put bind in a try, catch "
            + "the IOException, print one line on err that names the address and port, return 1. Lesson 04, "
            + "\"Address already in use\".")
    @DisplayName("A port in use is a plain error naming it")
    void a_port_in_use_is_a_plain_error_naming_it() throws IOException {
        try (var taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            String port = String.valueOf(taken.getLocalPort());
            String doing = "started your server on 127.0.0.1:" + port + ", where the check already listens";
            String ifThrown = "put bind in a try and catch the IOException it throws (java.net.BindException here): "
                    + "print one line that names the address and port, and return 1";
            runToTheEnd(doing, ifThrown, "127.0.0.1", port); // once first: classes load, lazy descriptors open
            Set<Inspector.Descriptor> before = Inspector.descriptors();
            ProgramRun run = runToTheEnd(doing, ifThrown, "127.0.0.1", port);
            List<Inspector.Descriptor> leaked = Inspector.openedSince(before);
            if (run.out().contains("listening on")) {
                throw CheckFailed.when(doing)
                        .expected("no \"listening on\" line: bind must fail")
                        .got(run.describe())
                        .next("print the line after bind succeeded, not before")
                        .build();
            }
            expectPlainError(run, doing, 1, null, null);
            String line = run.err().strip();
            if (!line.contains("127.0.0.1") || !line.contains(port)) {
                throw CheckFailed.when(doing)
                        .expected("the line on stderr names the address and the port, 127.0.0.1 and " + port)
                        .got(run.describe())
                        .next("say where you could not listen: the address and port you were given")
                        .build();
            }
            if (Inspector.available()) {
                List<Inspector.Row> listening = Inspector.tcpRowsFor(taken.getLocalPort()).stream()
                        .filter(r -> r.state().equals("LISTEN")).toList();
                if (listening.size() != 1 || !leaked.isEmpty()) {
                    throw CheckFailed.when(doing)
                            .expected("nothing of your server left: no socket open, none listening")
                            .got(!leaked.isEmpty() ? "your server returned with " + leaked.size() + " socket(s) "
                                    + "still open: " + leaked.stream().map(d -> Inspector.row(d.inode())
                                    .map(Object::toString).orElse("fd " + d.fd() + " (bound or never bound, no row)"))
                                    .toList()
                                    : "the kernel lists " + listening.size() + " listening sockets on port " + port
                                    + ": " + listening)
                            .next("close the ServerSocket also when bind fails: create it in a try-with-resources "
                                    + "and call bind inside it")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(21)
    @Hint("Port 0 asks the kernel for any free port during bind. Likely cause: the port you were given (0) "
            + "printed instead of the port the listener really got (ServerSocket.getLocalPort(), after bind). "
            + "Lesson 04, \"Port 0\".")
    @DisplayName("Port 0 gets a free port, and the server says which")
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
    @Order(22)
    @Hint("Nothing in your server should assume IPv4: InetAddress.getByName(\"::1\") gives an Inet6Address and "
            + "ServerSocket binds it the same way. An IPv6 address holds colons itself, so the \"listening on\" line "
            + "puts it in brackets before the port's colon: listening on [0:0:0:0:0:0:0:1]:5555. Likely causes: "
            + "the address parsed by hand as four numbers between dots, as inet_addr does in C (InetAddress.getByName "
            + "reads both kinds); the brackets left out. Lesson 04, \"bind: a known address\".")
    @DisplayName("The server works on the IPv6 loopback")
    void the_server_works_on_the_IPv6_loopback() throws IOException {
        Assumptions.assumeTrue(Sockets.canBind("::1"), "this machine has no IPv6 loopback (::1)");
        var wire = new Transcript("kit client", "your server");
        try (var server = RunningServer.start(LIMIT, ACCEPT, READ, "::1", "0")) {
            int port = listeningPort(server);
            Matcher listening = Pattern.compile("^listening on \\[([^\\]]*)\\]:" + port + "\\s*$", Pattern.MULTILINE)
                    .matcher(server.outSoFar());
            if (!listening.find() || !isIpv6Loopback(listening.group(1))) {
                throw CheckFailed.when("started your server with arguments [::1, 0]")
                        .expected("a line \"listening on [0:0:0:0:0:0:0:1]:" + port + "\" (the address in brackets; "
                                + "[::1] is fine too)")
                        .got(Transcript.quote(server.outSoFar()))
                        .next(server.outSoFar().contains("[") ? "the address in the brackets is the listener's own, "
                                + "getInetAddress().getHostAddress()"
                                : "put an IPv6 address in brackets: \"[\" + address + \"]:\" + port, since the "
                                + "address has colons of its own (test for a colon, or for Inet6Address)")
                        .build();
            }
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
                        .expected("a line \"ip:0:0:0:0:0:0:0:1, port:" + clientPort + "\" (or ip:::1; no brackets)")
                        .got(run.describe())
                        .next("getInetAddress().getHostAddress() and getPort() of the accepted socket")
                        .build();
            }
        }
    }

    @Test
    @Order(23)
    @Hint("Check the arguments before touching the network: exactly two; InetAddress.getByName must read the "
            + "address (it throws UnknownHostException for ::zz or a name that does not resolve); the port a "
            + "number from 0 to 65535. Each of those is a usage error: a line containing \"Usage: Server <ip> "
            + "<port>\" on err, nothing on out, exit code 2 (the kit's convention, lesson 02). Likely causes: only "
            + "negative ports refused, so 65536 reaches new InetSocketAddress, which throws IllegalArgumentException "
            + "(a stack trace); Integer.parseInt's NumberFormatException for \"abc\" not caught; the usage line on "
            + "out; exit code 1 where 2 is meant. Lesson 04, \"The server in Java, call by call\".")
    @DisplayName("A bad address or port is a usage error")
    void a_bad_address_or_port_is_a_usage_error() {
        List<String[]> cases = List.of(
                new String[] {},
                new String[] {"127.0.0.1"},
                new String[] {"127.0.0.1", "0", "extra"},
                new String[] {"::zz", "0"},
                new String[] {"nosuchhost.invalid", "0"}, // .invalid never resolves (RFC 6761)
                new String[] {"127.0.0.1", "65536"},
                new String[] {"127.0.0.1", "-1"},
                new String[] {"127.0.0.1", "abc"});
        for (String[] args : cases) {
            String doing = "started your server with arguments " + Arrays.toString(args);
            String ifThrown = "check the arguments yourself before you use them: exactly two, an address "
                    + "InetAddress.getByName can read, a port from 0 to 65535 (new InetSocketAddress throws for "
                    + "65536); print a usage line on err and return 2";
            // No arguments at all goes through run without time limits, as main does: a usage error never waits.
            // A name is looked up, which may ask this machine's DNS server (".invalid" is never found, but a
            // resolver may still ask): that case gets more time.
            ProgramRun run = args.length == 0 ? runWithDefaults(doing, ifThrown)
                    : args[0].endsWith(".invalid") ? runToTheEnd(doing, ifThrown, LOOKUP_LIMIT, (out, err) ->
                            Server.run(args.clone(), InputStream.nullInputStream(), out, err, ACCEPT, READ), args)
                    : runToTheEnd(doing, ifThrown, args);
            boolean usageOnErr = run.err().contains(USAGE);
            if (run.exitCode() != 2 || !usageOnErr || !run.out().isEmpty() || run.hasStackTrace()) {
                throw CheckFailed.when(doing)
                        .expected("a usage error: exit code 2, a line containing \"" + USAGE + "\" on stderr, "
                                + "nothing on stdout")
                        .got(run.describe())
                        .next(run.hasStackTrace() ? "catch the exception and print the usage line instead"
                                : run.out().contains(USAGE) ? "the usage line goes to err (standard error), not out"
                                : run.out().contains("listening on") ? "check the arguments before you bind"
                                : !usageOnErr ? "print a line containing \"" + USAGE + "\" (exactly these words) "
                                + "on err"
                                : run.exitCode() != 2 ? "return 2 for a usage error (1 is for the network saying no)"
                                : "print nothing on out for a usage error")
                        .build();
            }
        }
    }

    @Test
    @Order(24)
    @Hint("Ports go from 0 to 65535, both ends included: 1 and 65535 are not usage errors. With those the server "
            + "goes on to bind (as root port 1 works; otherwise it may be refused, exit 1), waits for a client, "
            + "and gives up after its accept timeout (exit 1). Likely cause: the range test off by one at an "
            + "end (port >= 65535, or port < 1). Lesson 04, \"The server in Java, call by call\".")
    @DisplayName("Ports 1 and 65535 are valid")
    void ports_1_and_65535_are_valid() {
        // An address of its own, not 127.0.0.1: port 1 there is where other programs probe for "nothing listens",
        // and a stray client served would end the run with 0 (seen once, while another JVM's TLS check ran).
        String ip = Sockets.loopbackAlias("127.0.0.41");
        for (String port : List.of("1", "65535")) {
            String doing = "started your server with arguments [" + ip + ", " + port + "] (accept timeout 100 ms)";
            ProgramRun run = runToTheEnd(doing, "port " + port + " is a valid port: let bind decide, and catch what "
                    + "it throws", Duration.ofMillis(100), ip, port);
            if (run.err().contains(USAGE) || run.exitCode() == 2) {
                throw CheckFailed.when(doing)
                        .expected("not a usage error: port " + port + " is within 0 to 65535, so the server binds "
                                + "(or bind says no) and, with nobody calling, gives up: exit code 1")
                        .got(run.describe())
                        .next("the range test: refuse port < 0 and port > 65535, nothing else")
                        .build();
            }
            expectPlainError(run, doing, 1, null, null);
        }
    }

    @Test
    @Order(25)
    @Hint("Close the accepted socket (it ends the connection: the client reads end of stream) and then the "
            + "listener (the port is free again). Likely causes: the accepted socket used but never closed, so it "
            + "sits in CLOSE_WAIT once the client closes; the listener never closed, so the port stays in LISTEN. "
            + "try-with-resources closes both, in the right order, even when something throws. Lesson 04, "
            + "\"Closing: the connection, then the listener\".")
    @DisplayName("Afterwards, no socket is left listening or in CLOSE_WAIT")
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

    @Test
    @Order(26)
    @Hint("While your server talks to its client, the listener is still open: the kernel goes on completing "
            + "handshakes for it and queues them, up to the backlog, whether or not anyone calls accept(). Bind with "
            + "listener.bind(address, BACKLOG): bind(address) alone gives Java's default of 50. Close the accepted "
            + "socket first and the listener after it, when the conversation is over: try (var listener = …) { … "
            + "try (client) { … } }. Likely causes: bind without the backlog; listener.close() right after accept(), "
            + "before the client is served. Lesson 04, \"What the backlog really limits\" and \"Closing: the "
            + "connection, then the listener\".")
    @DisplayName("While it serves a client, the listener stays open with a backlog of 10")
    void while_it_serves_a_client_the_listener_stays_open_with_a_backlog_of_10() throws IOException {
        var wire = new Transcript("kit client", "your server");
        var accepted = new CountDownLatch(1);
        // A read timeout long enough for the kit to fill the backlog while the server waits for the first frame.
        Duration patientRead = Duration.ofSeconds(6);
        try (var server = RunningServer.with(Duration.ofSeconds(10), ACCEPT, patientRead)
                .onLine("ip:", accepted::countDown).start("127.0.0.1", "0")) {
            int port = listeningPort(server);
            Conversation first = server.connect("127.0.0.1", port, wire);
            await(accepted); // the server has accepted the first client and now waits for its frame
            wire.event("your server accepted the kit's first client; the kit sends nothing yet");

            if (Inspector.available()) {
                boolean listening = Inspector.tcpRowsFor(port).stream()
                        .anyMatch(r -> r.state().equals("LISTEN") && r.local().getPort() == port);
                if (!listening) {
                    throw CheckFailed.when("looked at the kernel's table while your server waited for its client's "
                                    + "frame")
                            .expected("a socket in LISTEN on port " + port + ": the listener is closed after the "
                                    + "conversation, not before")
                            .got("the kernel has " + Inspector.tcpRowsFor(port))
                            .wire(wire)
                            .next("close the listener only when the client has been served: the accepted socket's "
                                    + "try (client) { … } inside the listener's try (…) { … }, no listener.close() "
                                    + "right after accept()")
                            .build();
                }
            }

            // Linux completes backlog + 1 handshakes for a listener nobody accepts from, then drops further SYNs,
            // so those connects time out (other systems count differently: there only the first connect is tried).
            boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
            int somaxconn = somaxconn();
            boolean countable = linux && somaxconn > Server.BACKLOG + 3;
            int tries = countable ? Server.BACKLOG + 4 : 1;
            int completed = 0;
            String stoppedBy = null;
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < tries && stoppedBy == null; i++) {
                    var socket = new Socket();
                    queued.add(socket);
                    try {
                        // A handshake on loopback completes at once or, with the queue full, never (the SYN is
                        // dropped): a second is no race.
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        completed++;
                    } catch (java.net.SocketTimeoutException e) {
                        stoppedBy = "connection " + (i + 1) + " timed out (its SYN got no answer)";
                    } catch (IOException e) {
                        stoppedBy = "connection " + (i + 1) + " failed: " + e.getMessage();
                    }
                }
            } finally {
                tcplab.kit.Sockets.closeAll(queued.toArray(AutoCloseable[]::new));
            }
            wire.event("the kit opened more connections to port " + port + " while your server waited: " + completed
                    + " completed their handshake" + (stoppedBy == null ? "" : "; " + stoppedBy));
            if (completed == 0) {
                throw CheckFailed.when("connected a second client while your server waited for its first client's "
                                + "frame")
                        .expected("the handshake to complete: the listener is still open and queues it")
                        .got(stoppedBy)
                        .wire(wire)
                        .next("close the listener only after the conversation: no listener.close() right after "
                                + "accept(); the listener's try-with-resources closes it when run is done")
                        .build();
            }
            // Linux queues backlog + 1; a range of BACKLOG to BACKLOG + 2 keeps the check from hanging on that +1
            // (a kernel that counts one less or one more is still a backlog of 10, and 50 is far from it).
            if (countable && (completed < Server.BACKLOG || completed > Server.BACKLOG + 2)) {
                throw CheckFailed.when("kept your server busy with one client and opened " + tries
                                + " more connections, one at a time, each with 1 s to complete")
                        .expected("about " + (Server.BACKLOG + 1) + " of them to complete (Linux queues backlog + 1, "
                                + "backlog " + Server.BACKLOG + "), the rest to time out")
                        .got(completed + " completed" + (stoppedBy == null ? ", and none timed out" : "; then "
                                + stoppedBy))
                        .wire(wire)
                        .next(completed > Server.BACKLOG + 2
                                ? "bind with the backlog: listener.bind(address, BACKLOG). bind(address) alone, or "
                                        + "new ServerSocket(port), asks for Java's default backlog of 50."
                                : "bind with listener.bind(address, BACKLOG), exactly " + Server.BACKLOG
                                        + ": a smaller number queues fewer clients")
                        .build();
            }

            send(first, () -> first.send(Frame.of("still here")), wire);
            expectAnswer(first, "still here *_*", wire, server);
            expectExit0(server.finish(), wire);
            expectNoListenerAt(server, port, "let your server serve its first client and return", wire);
            Assumptions.assumeTrue(countable, "the listener stayed open; the backlog's size is counted on Linux "
                    + "only (somaxconn " + somaxconn + "), where a full queue drops new handshakes");
        }
    }

    /** Nothing may be in LISTEN on {@code port} the moment run returned: the listener is closed by then. */
    private static void expectNoListenerAt(RunningServer server, int port, String doing, Transcript wire) {
        if (!Inspector.available()) {
            return;
        }
        // Only the LISTEN rows: the order of the others (the connection's two ends) varies from run to run.
        List<Inspector.Row> listening = server.rowsAtReturn().stream()
                .filter(r -> r.state().equals("LISTEN") && r.local().getPort() == port).toList();
        if (!listening.isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected("no socket in LISTEN on port " + port + " once run has returned")
                    .got("the kernel still had: " + listening)
                    .wire(wire)
                    .next("close the listener before run returns: try (var listener = new ServerSocket()) { … } "
                            + "closes it on every path")
                    .build();
        }
    }

    /** The kernel's cap on a backlog (Linux); Integer.MAX_VALUE where it cannot be read. */
    private static int somaxconn() {
        try {
            // Not Files.readString: on JDK 17 it reads "4" of "4096" from this procfs file (its size shows as 0).
            return Integer.parseInt(java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                    "/proc/sys/net/core/somaxconn")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Runs the server with the checks' short time limits until it returns. An exception that escapes run is what a
     * person running the program sees as a stack trace: it fails the check, saying {@code ifThrown}.
     */
    private static ProgramRun runToTheEnd(String doing, String ifThrown, String... args) {
        return runToTheEnd(doing, ifThrown, ACCEPT, args);
    }

    /** Like the above, with {@code acceptTimeout} for the server. */
    private static ProgramRun runToTheEnd(String doing, String ifThrown, Duration acceptTimeout, String... args) {
        return runToTheEnd(doing, ifThrown, LIMIT, (out, err) -> Server.run(args.clone(), InputStream.nullInputStream(),
                out, err, acceptTimeout, READ), args);
    }

    /** Runs {@code run(args, in, out, err)}, the one with the generous time limits that main calls. */
    private static ProgramRun runWithDefaults(String doing, String ifThrown, String... args) {
        return runToTheEnd(doing, ifThrown, LIMIT, (out, err) -> Server.run(args.clone(), InputStream.nullInputStream(),
                out, err), args);
    }

    private interface Run {
        int run(PrintStream out, PrintStream err) throws Exception;
    }

    private static ProgramRun runToTheEnd(String doing, String ifThrown, Duration limit, Run program,
            String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            LabCode.Outcome<Integer> outcome = LabCode.outcome(doing, limit, () -> program.run(outStream, errStream));
            if (outcome.threw()) {
                Throwable t = outcome.thrown();
                throw CheckFailed.when(doing)
                        .expected("an exit code and ONE plain line on stderr, no exception")
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
            if (r.ending() == Conversation.Ending.CLOSED || r.ending() == Conversation.Ending.RESET) {
                server.awaitEnd(ANSWER); // it closed: let run end, so the advice can say how it ended
            }
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
                    .next((r.bytes().length == 0 && server.thrownSoFar() != null
                            ? "your server's run threw " + server.thrownSoFar() + " before it answered"
                            : r.bytes().length == 0 && r.ending() == Conversation.Ending.CLOSED
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
                    .next(run.exitCode() == 0 ? "print nothing on err when all went well: err is for what went wrong"
                            : !run.err().isEmpty() ? "your server reported a failure (see stderr) although the client "
                            + "was served: what does that line say, and which step printed it?"
                            : "return 0 after the reply is sent and both sockets are closed")
                    .build();
        }
    }

    /** A run that failed as a program should: exit code {@code code}, one plain line on stderr mentioning {@code word}. */
    private static void expectPlainError(ProgramRun run, String doing, int code, String word, Transcript wire) {
        List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
        boolean plain = run.exitCode() == code && lines.size() == 1 && !run.hasStackTrace()
                && (word == null || lines.get(0).contains(word));
        if (!plain) {
            var report = CheckFailed.when(doing)
                    .expected("exit code " + code + " and ONE plain line on stderr"
                            + (word == null ? "" : " that mentions " + word) + ", no stack trace")
                    .got(run.describe())
                    .next(run.hasStackTrace() ? "catch the exception in run and print its meaning in one line"
                            : run.exitCode() != code ? "return " + code + " here: " + (code == 1
                            ? "1 is for the network or the client saying no (0 means all went well, 2 is for usage "
                            + "errors)" : "2 is for usage errors")
                            : lines.isEmpty() ? "print one line on err, e.g. err.println(\"Server: ...\")"
                            : lines.size() > 1 ? "one line only on err: say it in one sentence"
                            : "the line should mention " + word);
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

    /** What to look at when the "ip:…, port:…" line is wrong, from what it says. */
    private static String peerAdvice(Matcher m, String serverIp, int serverPort, String clientIp, int clientPort) {
        String advice = "print the ACCEPTED socket's getInetAddress().getHostAddress() and getPort()";
        if (!m.find(0)) {
            return advice + " as \"ip:<address>, port:<port>\"";
        }
        if (m.group(1).startsWith("/")) {
            return "the address starts with \"/\": that is InetAddress.toString() (host name, \"/\", address). "
                    + "Use getHostAddress(), which gives the address alone";
        }
        var wrong = new ArrayList<String>();
        if (!clientIp.equals(serverIp) && m.group(1).equals(serverIp)) {
            wrong.add(serverIp + " is your server's own address (getLocalAddress()); the client's address is "
                    + "getInetAddress() of the accepted socket");
        }
        if (m.group(2).equals(String.valueOf(serverPort))) {
            wrong.add("port " + serverPort + " is your server's own port (getLocalPort()); the client's port is "
                    + "getPort() of the accepted socket");
        }
        return wrong.isEmpty() ? advice + "; the client is " + clientIp + " port " + clientPort
                : String.join("; ", wrong);
    }

    private static boolean isIpv6Loopback(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            return a instanceof Inet6Address && a.isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Connects to the child JVM's server once it listens: tries again while the connection is refused, until the
     * child has ended (then null) or its time is up.
     */
    private static Conversation connectWhenListening(String ip, int port, CompletableFuture<ChildJvm.Result> child,
            Transcript wire) throws IOException {
        long deadline = System.nanoTime() + CHILD_LIMIT.toNanos();
        while (!child.isDone() && System.nanoTime() < deadline) {
            var socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getByName(ip), port), 1000);
                wire.event("kit connected to " + ip + ":" + port + " from port " + socket.getLocalPort());
                return new Conversation(socket, wire);
            } catch (ConnectException notYet) {
                socket.close();
                try {
                    Thread.sleep(20); // the child JVM is still starting: nothing to wait on but its listener
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    /** Waits for {@code latch} at most {@link #LIMIT}; the check then goes on and judges what it sees. */
    private static void await(CountDownLatch latch) {
        try {
            latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
