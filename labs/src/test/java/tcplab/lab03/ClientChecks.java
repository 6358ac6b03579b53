package tcplab.lab03;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.ChildJvm;
import tcplab.kit.Checks;
import tcplab.kit.Conversation;
import tcplab.kit.Frame;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.LabCode;
import tcplab.kit.Program;
import tcplab.kit.ProgramRun;
import tcplab.kit.ScriptedServer;
import tcplab.kit.Transcript;

/** The checks of Lab 03, the client: from building one frame to a whole program against misbehaving servers. */
@Checks(lesson = 3)
class ClientChecks {

    /** Limit for learner code that does no networking. */
    private static final Duration QUICK = Duration.ofSeconds(1);
    /** Limit for one whole run of the learner's program. */
    private static final Duration RUN = Duration.ofSeconds(3);
    /** The read timeout the checks hand the learner's client. */
    private static final Duration READ = Duration.ofSeconds(1);
    /** How long a scripted server waits for the learner's frame. */
    private static final Duration SERVER_WAIT = Duration.ofSeconds(2);
    private static final String HOST = "127.0.0.1";

    // ---------------------------------------------------------------- stage 1: frames, no network

    @Test
    @Order(1)
    @Hint("A frame is always 128 bytes, however short the text. Likely causes: returning only the text's bytes "
            + "(5 bytes for \"hello\": no padding at all); padding with spaces, e.g. String.format(\"%-128s\"), "
            + "when the padding must be NUL bytes (value 0, not the character '0' or ' '). The easy way: copy the "
            + "text's UTF-8 bytes (text.getBytes(StandardCharsets.UTF_8)) into a new byte[128]; Java fills new "
            + "arrays with zeros, so the NULs come for free. Arrays.copyOf(bytes, 128) does both. "
            + "Lesson: \"The frame: 128 bytes, always\".")
    void a_frame_is_the_text_then_NULs_up_to_128_bytes() {
        for (String text : List.of("hello", "", "你好")) {
            byte[] got = LabCode.call("built the frame for " + Transcript.quote(text), QUICK,
                    () -> Client.frame(text));
            byte[] want = Frame.of(text);
            if (!Arrays.equals(got, want)) {
                throw CheckFailed.when("built the frame for " + Transcript.quote(text))
                        .expected(want.length + " bytes:\n" + Hex.dump(want, ""))
                        .got(got == null ? "null" : got.length + " bytes:\n" + Hex.dump(got, ""))
                        .next(frameAdvice(got, want))
                        .build();
            }
        }
    }

    @Test
    @Order(2)
    @Hint("Likely causes: comparing text.length() (characters) with the limit, when \"你\" is one character but "
            + "three UTF-8 bytes, so 43 of them (129 bytes) slip through and get cut off; or an off-by-one, "
            + "allowing 128 bytes of text. Count the BYTES of text.getBytes(StandardCharsets.UTF_8): 127 fit (the "
            + "128th byte stays NUL, so a C peer still finds the end); 128 or more must throw "
            + "IllegalArgumentException with a message a person can read. Lesson: \"The frame: 128 bytes, always\".")
    void a_127_byte_text_fits_and_a_128_byte_text_is_refused() {
        String fits = "a".repeat(127);
        byte[] got = LabCode.call("built the frame for a text of 127 bytes", QUICK, () -> Client.frame(fits));
        if (!Arrays.equals(got, Frame.of(fits))) {
            throw CheckFailed.when("built the frame for a text of 127 ASCII letters")
                    .expected("128 bytes: the 127 letters and one NUL")
                    .got(got == null ? "null" : got.length + " bytes:\n" + Hex.dump(got, ""))
                    .next("Client.frame: 127 bytes of text is the most that fits, and it does fit.")
                    .build();
        }
        for (String tooLong : List.of("a".repeat(128), "你".repeat(43))) {
            int bytes = tooLong.getBytes(StandardCharsets.UTF_8).length;
            String doing = "built the frame for a text of " + tooLong.length() + " characters, " + bytes
                    + " bytes in UTF-8";
            var outcome = LabCode.outcome(doing, QUICK, () -> Client.frame(tooLong));
            if (!(outcome.thrown() instanceof IllegalArgumentException refused)) {
                throw CheckFailed.when(doing)
                        .expected("an IllegalArgumentException: " + bytes + " bytes do not fit in a frame")
                        .got(outcome.threw() ? "it threw " + outcome.thrown()
                                : "a frame of " + outcome.value().length + " bytes")
                        .next("Client.frame: compare the length of the UTF-8 bytes (not text.length()) with 127.")
                        .build();
            }
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw CheckFailed.when(doing)
                        .expected("an IllegalArgumentException with a message saying the text is too long")
                        .got("an IllegalArgumentException without a message")
                        .next("Client.frame: the message is what your program prints; make it say what went wrong.")
                        .build();
            }
        }
    }

    @Test
    @Order(3)
    @Hint("The text ends at the first NUL byte. Likely causes: decoding all 128 bytes (new String(frame, UTF_8)), "
            + "which keeps the NULs in the string and prints them; or removing them with trim() or replace(\"\\0\", "
            + "\"\"), which also keeps whatever a C peer left in its buffer after the first NUL (and trim() eats the "
            + "text's own spaces). Find the index of the first 0, then new String(frame, 0, index, "
            + "StandardCharsets.UTF_8). Lesson: \"The frame: 128 bytes, always\".")
    void the_text_of_a_frame_ends_at_the_first_NUL() {
        for (String text : List.of("hello *_*", "", "你好，世界 *_*")) {
            expectText("the frame of " + Transcript.quote(text), Frame.of(text), text);
        }
        // A C peer that copies a short text over a longer one leaves the old bytes after the first NUL.
        byte[] reused = Frame.of("hello *_*");
        System.arraycopy("hi".getBytes(StandardCharsets.UTF_8), 0, reused, 0, 2);
        reused[2] = 0;
        expectText("a frame whose buffer was used before: \"hi\", a NUL, then old bytes \"lo *_*\"", reused, "hi");
    }

    private static void expectText(String which, byte[] frame, String text) {
        String doing = "took the text out of " + which;
        String got = LabCode.call(doing, QUICK, () -> Client.text(frame.clone()));
        if (!text.equals(got)) {
            boolean keptNuls = got != null && got.endsWith("\0");
            throw CheckFailed.when(doing)
                    .expected(Transcript.quote(text) + ", from this frame:\n" + Hex.dump(frame, ""))
                    .got(got == null ? "null" : shortQuote(got))
                    .next(keptNuls
                            ? "Client.text: your text still holds NUL characters (\\0): the padding was decoded with "
                                    + "the text. Stop at the first 0 byte: new String(frame, 0, index, UTF_8)."
                            : "Client.text: everything after the first 0 byte is not part of the text, whatever it "
                                    + "holds (here, bytes a C peer left in its buffer). Find the first 0 and decode "
                                    + "only the bytes before it: trim() or replace(\"\\0\", \"\") is not the same "
                                    + "thing.")
                    .build();
        }
    }

    // ---------------------------------------------------------------- stage 2: reading a whole frame

    @Test
    @Order(4)
    @Hint("Likely cause: one in.read(frame) taken for the whole frame. TCP keeps no message boundaries: one read() "
            + "returns whatever has arrived, maybe 3 bytes of your 128, and the rest of your array stays zero. Keep "
            + "reading until you have all 128 (in.readNBytes(128) does the loop for you), and ask only for the bytes "
            + "still missing, so you never read into the next frame. Lesson: \"One write is not one read\".")
    void readFrame_collects_128_bytes_that_arrive_in_pieces() throws IOException {
        byte[] frame = Frame.of("hello *_*");
        byte[] next = Frame.of("the next frame");
        var stream = new Dribble(concat(frame, next), 3);
        byte[] got = LabCode.call("read a frame from a stream that hands out 3 bytes per read", QUICK,
                () -> Client.readFrame(stream));
        if (!Arrays.equals(got, frame)) {
            throw CheckFailed.when("read a frame from a stream that hands out 3 bytes per read")
                    .expected("the 128 bytes of the first frame:\n" + Hex.dump(frame, ""))
                    .got(got == null ? "null" : got.length + " bytes:\n" + Hex.dump(got, ""))
                    .next("Client.readFrame: one read() is not the whole frame; loop until you hold 128 bytes.")
                    .build();
        }
        int left = stream.remaining();
        if (left != next.length) {
            throw CheckFailed.when("read one frame from a stream that holds two")
                    .expected("the second frame left unread (" + next.length + " bytes)")
                    .got((next.length - left) + " bytes of the second frame were read as well")
                    .next("Client.readFrame: ask only for the bytes still missing, 128 minus what you have.")
                    .build();
        }
    }

    @Test
    @Order(5)
    @Hint("read() returning -1 means the other side closed: no byte will ever come again. Likely causes: the loop "
            + "breaks out at -1 but returns the half-filled frame anyway (the client then prints a reply padded with "
            + "zeros); the -1 is added to the byte count (have += in.read(...)), so the next read starts at -1; or "
            + "-1 is taken for \"nothing yet, try again\" and the loop spins for ever. When the stream ends before 128 "
            + "bytes came (read() returns -1, or readNBytes returns fewer bytes), throw java.io.EOFException with a "
            + "message that gives the count, e.g. \"the connection ended after 50 of 128 bytes\". "
            + "Lesson: \"0 means the other side closed\".")
    void readFrame_says_how_many_bytes_came_when_the_stream_ends_early() {
        byte[] part = Arrays.copyOf(Frame.of("hello *_*"), 50);
        String doing = "read a frame from a stream that ends after 50 bytes";
        var stream = new Dribble(part, 7);
        var outcome = LabCode.outcome(doing, QUICK, () -> Client.readFrame(stream));
        if (outcome.thrown() instanceof ReadPastTheEnd spin) {
            throw CheckFailed.when(doing)
                    .expected("an EOFException saying 50 bytes came")
                    .got("your code called read() again and again after it had returned -1 (" + spin.getMessage()
                            + "); on a real socket that loop never ends")
                    .next("Client.readFrame: -1 is not \"nothing yet\", it is the end: no byte will ever come again. "
                            + "Stop at -1 and throw an EOFException.")
                    .build();
        }
        if (outcome.thrown() instanceof IndexOutOfBoundsException && stream.endsSeen() > 0) {
            throw CheckFailed.when(doing)
                    .expected("an EOFException saying 50 bytes came")
                    .got("read() returned -1 (the end), and then your code asked read() to fill the frame from "
                            + "position " + stream.lastOffset() + ": it threw " + outcome.thrown().getClass().getName())
                    .next("Client.readFrame: the -1 was added to your count of bytes. -1 is not a count: test for it "
                            + "before adding, and throw an EOFException.")
                    .build();
        }
        if (!(outcome.thrown() instanceof EOFException eof)) {
            throw CheckFailed.when(doing)
                    .expected("an EOFException saying 50 bytes came")
                    .got(outcome.threw() ? "it threw " + outcome.thrown()
                            : "it returned " + outcome.value().length + " bytes, as if the frame were whole:\n"
                                    + Hex.dump(outcome.value(), ""))
                    .next("Client.readFrame: read() returning -1 means the other side closed; the frame is "
                            + "incomplete, so throw instead of returning it (half a reply padded with zeros is not "
                            + "a reply).")
                    .build();
        }
        if (eof.getMessage() == null || !eof.getMessage().contains("50")) {
            throw CheckFailed.when(doing)
                    .expected("an EOFException whose message says how many bytes came (50)")
                    .got("EOFException: " + eof.getMessage())
                    .next("Client.readFrame: put the count in the message; it is what your program will print.")
                    .build();
        }
    }

    // ---------------------------------------------------------------- stage 3: over a real connection

    @Test
    @Order(6)
    @Hint("exchange: new Socket(), connect(new InetSocketAddress(host, port), timeout), setSoTimeout(readTimeout), "
            + "write the frame from frame(text) to getOutputStream(), then readFrame(getInputStream()) and return its "
            + "text. Close the socket with try-with-resources. Likely causes: the output wrapped in a "
            + "BufferedOutputStream (or a PrintWriter, a DataOutputStream over a buffer) and never flushed, so the "
            + "frame stays in your program and the server gets nothing (closing the socket does not flush it); the "
            + "reply read with BufferedReader.readLine() or readAllBytes(), which wait for a newline or for the end of "
            + "the stream: a frame has no newline, and this server keeps the connection open until you close it; "
            + "the socket never closed (no try-with-resources). Lesson: \"The whole client, C beside Java\".")
    void exchange_sends_one_128_byte_frame_and_returns_the_reply() throws IOException {
        var wire = new Transcript();
        var hungUp = new AtomicReference<Conversation.Ending>();
        try (var server = ScriptedServer.start(wire, c -> {
            if (answer(c)) {
                hungUp.set(c.read(1, SERVER_WAIT).ending()); // wait for the client to close
            }
        })) {
            String doing = "called exchange(\"" + HOST + "\", " + server.port() + ", \"hello\", 1 s, 1 s) with a "
                    + "server that answers one frame, then waits for you to close";
            var outcome = LabCode.outcome(doing, RUN,
                    () -> Client.exchange(HOST, server.port(), "hello", READ, READ), server);
            finish(server, wire);
            server.rethrowScriptFailure();
            expectFrameOnWire(doing, wire, Frame.of("hello"));
            if (outcome.threw()) {
                boolean waited = outcome.thrown() instanceof SocketTimeoutException;
                throw CheckFailed.when(doing)
                        .expected("the reply's text, \"hello *_*\"")
                        .got("it threw " + outcome.thrown()
                                + (waited ? "\n(the whole reply had come, 128 bytes: see the wire; your code waited "
                                        + "for more)" : ""))
                        .wire(wire)
                        .next(waited ? "Client.exchange: a frame has no newline and the server does not close after "
                                        + "it, so readLine(), read-until-the-end or readAllBytes() wait until the "
                                        + "timeout. Read exactly 128 bytes: readFrame."
                                : "Client.exchange: the server sent a whole frame back; read exactly 128 bytes.")
                        .cause(outcome.thrown())
                        .build();
            }
            if (!"hello *_*".equals(outcome.value())) {
                throw CheckFailed.when(doing)
                        .expected("the reply's text, \"hello *_*\"")
                        .got(outcome.value() == null ? "null" : shortQuote(outcome.value()))
                        .wire(wire)
                        .next("Client.exchange: return text(readFrame(...)), the reply without its NUL padding.")
                        .build();
            }
            if (hungUp.get() == Conversation.Ending.TIMED_OUT) {
                throw CheckFailed.when(doing)
                        .expected("your exchange to close its socket before it returns")
                        .got("it returned \"hello *_*\", but the connection was still open "
                                + LabCode.seconds(SERVER_WAIT) + " later, when the check's server gave up waiting")
                        .wire(wire)
                        .next("Client.exchange: open the socket in try-with-resources, try (Socket socket = new "
                                + "Socket()) { ... }, so it is closed whatever happens, even when a read throws.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------- stage 4: the program

    @Test
    @Order(7)
    @Hint("With fewer than two arguments, run prints exactly \"Usage: client <ip> <port>\" on err (not out) and "
            + "returns 1, before touching the network. Lesson: \"The lab\".")
    void without_ip_and_port_the_program_prints_its_usage_and_exits_1() {
        for (String[] args : List.of(new String[0], new String[] {HOST})) {
            ProgramRun run = ProgramRun.of(client(READ), RUN, "hello\n", args);
            if (run.exitCode() != 1 || !run.out().isEmpty()
                    || !lines(run.err()).equals("Usage: client <ip> <port>\n")) {
                throw CheckFailed.when("ran your client with arguments " + List.of(args))
                        .expected("exit code 1\nstdout: (nothing)\nstderr: \"Usage: client <ip> <port>\\n\"")
                        .got(describe(run))
                        .next("Client.run: check args.length first; err.println the usage line; return 1.")
                        .build();
            }
        }
    }

    @Test
    @Order(8)
    @Hint("run reads ONE line from `in` (new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))"
            + ".readLine()), calls exchange, prints \"from server: \" + the reply with out.println and returns 0. "
            + "Likely cause: the line sent with its newline, because standard input was read like C's fgets "
            + "(in.read(buf)), which keeps the '\\n' the user typed; the C client cuts it off, readLine() drops it "
            + "for you. Lesson: \"The whole client, C beside Java\".")
    void the_program_sends_the_line_and_prints_from_server_and_the_reply() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            ProgramRun run = ProgramRun.of(client(READ), RUN, "hello\n", HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            String doing = "typed \"hello\" into your client, connected to a server that answers properly";
            expectFrameOnWire(doing, wire, Frame.of("hello"));
            expectSuccess(doing, run, wire, "from server: hello *_*");
        }
    }

    @Test
    @Order(9)
    @Hint("The server sends its 128 bytes a few at a time. Likely cause: exchange reads the reply with one "
            + "read() of its own instead of calling readFrame; a single read() gets only the first few bytes, and the "
            + "reply is complete only after 128. Use readFrame in exchange. Lesson: \"One write is not one read\".")
    void a_reply_that_arrives_in_small_pieces_is_printed_whole() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, c -> {
            var request = c.read(Frame.SIZE, SERVER_WAIT);
            if (request.ending() == Conversation.Ending.COMPLETE) {
                c.sendInPieces(Frame.of(Frame.text(request.bytes()) + " *_*"), 4, Duration.ofMillis(4));
            }
        })) {
            ProgramRun run = ProgramRun.of(client(READ), RUN, "hello\n", HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            expectSuccess("typed \"hello\" into your client; the server sent its reply 4 bytes at a time", run, wire,
                    "from server: hello *_*");
        }
    }

    @Test
    @Order(10)
    @Hint("An empty line is a text of 0 bytes: the frame is still 128 bytes, all NUL (the C client does the same). "
            + "Do not skip the write, and do not send 0 bytes: a zero-length write carries nothing. "
            + "Lesson: \"A zero-length send\".")
    void an_empty_line_still_sends_a_full_frame_of_NULs() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            ProgramRun run = ProgramRun.of(client(READ), RUN, "\n", HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            String doing = "pressed Enter on an empty line in your client";
            expectFrameOnWire(doing, wire, new byte[Frame.SIZE]);
            expectSuccess(doing, run, wire, "from server:  *_*");
        }
    }

    @Test
    @Order(11)
    @Hint("A line of more than 127 UTF-8 bytes does not fit in a frame. frame() throws IllegalArgumentException: "
            + "catch it in run, print its message as one line on err, return 1; send nothing (build the frame "
            + "before you connect). Likely causes: the error printed, but run still returns 0 (\"all went well\"), "
            + "so a script cannot tell it failed; the exception let out of run as a stack trace; the frame built "
            + "after connecting. Lesson: \"The frame: 128 bytes, always\" and \"When things go wrong\".")
    void a_line_longer_than_127_bytes_is_refused_and_nothing_is_sent() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            String line = "x".repeat(128);
            String doing = "typed a line of 128 letters into your client";
            ProgramRun run = runToFailure(doing, client(READ), line + "\n", server, wire, HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            byte[] sent = wire.receivedBytes();
            if (sent.length > 0) {
                throw CheckFailed.when(doing)
                        .expected("nothing sent: 128 bytes of text do not fit in a 128-byte frame with its NUL")
                        .got("your client sent " + sent.length + " bytes")
                        .wire(wire)
                        .next("Client.exchange: call frame(text) before connecting, and let its exception out.")
                        .build();
            }
            expectPlainFailure(doing, run, wire, "a line saying the line is too long");
        }
    }

    @Test
    @Order(12)
    @Hint("The server closed after 50 of its 128 bytes. That is not a reply: print nothing on out, print one line "
            + "on err saying how many bytes came (the EOFException from readFrame says it), return 1. Likely causes: "
            + "readFrame returns the half-filled frame at -1, so the client prints half a reply as if it were whole; "
            + "-1 taken for \"no data yet\", so the client spins until it is stopped; the EOFException not caught "
            + "in run. Lesson: \"0 means the other side closed\".")
    void a_server_that_closes_in_the_middle_of_a_frame_gets_a_plain_message() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, c -> {
            var request = c.read(Frame.SIZE, SERVER_WAIT);
            if (request.ending() == Conversation.Ending.COMPLETE) {
                c.send(Arrays.copyOf(Frame.of(Frame.text(request.bytes()) + " *_*"), 50));
            }
        })) {
            String doing = "typed \"hello\"; the server sent 50 bytes of its reply and closed the connection";
            ProgramRun run = runToFailure(doing, client(READ), "hello\n", server, wire, HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            expectPlainFailure(doing, run, wire, "a line saying the connection ended after 50 bytes");
            if (!run.err().contains("50")) {
                throw CheckFailed.when(doing)
                        .expected("the line on stderr to say how many bytes came (50)")
                        .got(describe(run))
                        .wire(wire)
                        .next("Client.run: print the EOFException's message; readFrame puts the count in it.")
                        .build();
            }
        }
    }

    @Test
    @Order(13)
    @Hint("Nobody listens on that port, so connect fails at once with java.net.ConnectException: Connection "
            + "refused. Catch it in run and print ONE line naming the address, e.g. \"client: cannot connect to "
            + "127.0.0.1:5555: Connection refused\"; return 1. Likely causes: e.printStackTrace() in the catch, or "
            + "the exception let out of run (main throws Exception): forty lines of stack trace tell a user "
            + "nothing; or a message without the address. Lesson: \"When things go wrong\".")
    void a_refused_connection_gets_one_plain_line_naming_the_address() throws IOException {
        int port;
        try (var probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = probe.getLocalPort();
        } // closed: now nothing listens on that port
        var wire = new Transcript();
        String doing = "ran your client against " + HOST + ":" + port + ", where nothing listens";
        ProgramRun run = runToFailure(doing, client(READ), "hello\n", null, null, HOST, String.valueOf(port));
        expectPlainFailure(doing, run, null, "one line naming " + HOST + ":" + port);
        if (!run.err().contains(HOST) || !run.err().contains(String.valueOf(port))) {
            throw CheckFailed.when(doing)
                    .expected("the line on stderr to name the address, " + HOST + " and " + port)
                    .got(describe(run))
                    .next("Client.run: say where you tried to connect; \"Connection refused\" alone does not.")
                    .build();
        }
    }

    @Test
    @Order(14)
    @Hint("The server takes your frame and never answers. Likely cause: no read timeout (setSoTimeout never "
            + "called, or called with 0, which means \"wait for ever\"), so read() waits as long as the server "
            + "stays silent. socket.setSoTimeout(readTimeout), before the first read, makes it throw "
            + "java.net.SocketTimeoutException (\"Read timed out\"); catch it in run, print one line, return 1. "
            + "Lesson: \"When things go wrong\".")
    void a_server_that_never_answers_makes_the_client_give_up_after_its_read_timeout() throws IOException {
        var wire = new Transcript();
        var hungUp = new AtomicReference<Conversation.Ending>();
        try (var server = ScriptedServer.start(wire, c -> {
            if (c.read(Frame.SIZE, SERVER_WAIT).ending() == Conversation.Ending.COMPLETE) {
                // Say nothing until the client gives up and closes; after SERVER_WAIT, close to set it free.
                hungUp.set(c.read(1, SERVER_WAIT).ending());
            }
        })) {
            Duration timeout = Duration.ofMillis(200);
            String doing = "typed \"hello\"; the server accepted, read the frame and never answered "
                    + "(your read timeout: 0.2 s)";
            ProgramRun run = runToFailure(doing, client(timeout), "hello\n", server, wire, HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            if (hungUp.get() == Conversation.Ending.TIMED_OUT) {
                throw CheckFailed.when(doing)
                        .expected("your client to give up after about 0.2 s: close the connection, print one line "
                                + "on stderr, exit with 1")
                        .got("it was still waiting for the reply after " + LabCode.seconds(SERVER_WAIT)
                                + ", when the check's server closed the connection to set it free. Then:\n"
                                + describe(run))
                        .wire(wire)
                        .next("Client.exchange: without a read timeout, read() waits as long as the server is "
                                + "silent, for ever if need be. Call socket.setSoTimeout(readTimeout) before reading "
                                + "(0 would mean \"no limit\").")
                        .build();
            }
            expectPlainFailure(doing, run, wire, "one line saying the client gave up waiting");
        }
    }

    @Test
    @Order(15)
    @Hint("Under LANG=C the JVM's default charset is ASCII, and \"你好\" turns into \"??\". Likely causes, one "
            + "per place where text and bytes meet: text.getBytes() without a charset (the frame holds 3f, \"?\"); "
            + "new InputStreamReader(in) or new Scanner(in) without a charset (the frame holds ef bf bd, the "
            + "replacement character); new String(bytes, 0, n) without a charset (the reply prints as "
            + "\"\ufffd\"). Name UTF-8 every time: new InputStreamReader(in, StandardCharsets.UTF_8), "
            + "text.getBytes(UTF_8), "
            + "new String(bytes, 0, n, UTF_8). Lesson: \"Text is bytes: say UTF-8\".")
    void chinese_text_round_trips_even_when_the_platform_charset_is_ASCII() throws Exception {
        String text = "你好，世界";
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            // LANG=C alone no longer changes the default charset on JDK 18+; file.encoding does, on 17 and 25.
            // Standard output is pinned to UTF-8, so what we check is what your code did with the text.
            var child = ChildJvm.run(Client.class.getName(),
                    List.of("-Dfile.encoding=US-ASCII", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8",
                            "-Dstderr.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8"),
                    Map.of("LANG", "C", "LC_ALL", "C"),
                    (text + "\n").getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10),
                    HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            String doing = "ran your client in a JVM whose default charset is US-ASCII (LANG=C) and typed "
                    + Transcript.quote(text);
            String todo = child.errText().lines().filter(l -> l.contains("UnsupportedOperationException: TODO"))
                    .findFirst().orElse(null);
            if (todo != null) {
                throw CheckFailed.when(doing)
                        .expected("your program to run")
                        .got("it is not written yet: " + todo.substring(todo.indexOf("TODO")))
                        .next("the Javadoc of Client.run")
                        .build();
            }
            byte[] sent = wire.receivedBytes();
            expectFrameOnWire(doing, wire, Frame.of(text),
                    contains(sent, new byte[] {(byte) 0xef, (byte) 0xbf, (byte) 0xbd})
                            ? "ef bf bd is the replacement character: the typed line was decoded with the default "
                                    + "charset, and each of its bytes became \"unknown\". Client.run: read standard "
                                    + "input with new InputStreamReader(in, StandardCharsets.UTF_8)."
                            : contains(sent, new byte[] {'?'})
                                    ? "3f is \"?\": the text was encoded with the default charset, which has no "
                                            + "Chinese. Client.frame: text.getBytes(StandardCharsets.UTF_8)."
                                    : "every place text becomes bytes: name StandardCharsets.UTF_8.");
            String want = "from server: " + text + " *_*\n";
            if (child.exitCode() != 0 || !lines(child.outText()).equals(want)) {
                throw CheckFailed.when(doing)
                        .expected("exit code 0\nstdout: " + Transcript.quote(want))
                        .got(child.describe())
                        .wire(wire)
                        .next(child.outText().contains("\ufffd")
                                ? "the frame went out right and the reply came back right (see the wire), but the "
                                        + "printed text is \"\ufffd\": the reply's bytes were decoded with the default "
                                        + "charset. Client.text: new String(frame, 0, end, StandardCharsets.UTF_8)."
                                : "every place bytes become text or text becomes bytes: name StandardCharsets.UTF_8.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The learner's program with the given read timeout. */
    private static Program client(Duration readTimeout) {
        return (args, in, out, err) -> Client.run(args, in, out, err, readTimeout);
    }

    /** A server that does what the source's server does: read one frame, answer with its text + " *_*". */
    private static void replyProperly(Conversation c) throws IOException {
        answer(c);
    }

    /** Plays {@link #replyProperly}; true if a whole frame came and was answered. */
    private static boolean answer(Conversation c) throws IOException {
        var request = c.read(Frame.SIZE, SERVER_WAIT);
        if (request.ending() == Conversation.Ending.COMPLETE) {
            c.send(Frame.of(Frame.text(request.bytes()) + " *_*"));
            return true;
        }
        return false;
    }


    /**
     * Closes {@code server} once its script has finished with the learner's connection (at most a few seconds:
     * every script's reads are bounded), so the wire shows what the script did in the order it did it.
     */
    private static void finish(ScriptedServer server, Transcript wire) {
        long deadline = System.nanoTime() + SERVER_WAIT.multipliedBy(2).toNanos();
        while (!wire.isEmpty() && server.served() < 1 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.close();
    }

    private static String port(ScriptedServer server) {
        return String.valueOf(server.port());
    }

    /** Output with Windows line ends made Unix ones, so println on any platform compares equal. */
    private static String lines(String s) {
        return s.replace("\r\n", "\n");
    }

    /** Fails unless the learner's code sent exactly {@code frame}: 128 bytes, nothing more. */
    private static void expectFrameOnWire(String doing, Transcript wire, byte[] frame) {
        expectFrameOnWire(doing, wire, frame, "the text part of the frame: the line without its newline, as UTF-8.");
    }

    /** Like the above; {@code textAdvice} is what to look at when the frame has the right size, wrong text. */
    private static void expectFrameOnWire(String doing, Transcript wire, byte[] frame, String textAdvice) {
        byte[] sent = wire.receivedBytes();
        if (!Arrays.equals(sent, frame)) {
            int lineEnd = indexOf(sent, (byte) '\n');
            String next;
            if (sent.length == 0) {
                next = wire.isEmpty() ? "did your client connect and write the frame?"
                        : "your client connected and closed without sending a byte: the frame never left your "
                                + "program. A BufferedOutputStream (or a PrintWriter or DataOutputStream over one) "
                                + "keeps its bytes until flush(), and closing the socket does not flush it. Write to "
                                + "socket.getOutputStream() itself, or call flush() after the write.";
            } else if (lineEnd >= 0 && indexOf(frame, (byte) '\n') < 0) {
                next = "your frame holds the newline (0a) the user typed, at byte " + lineEnd + ". The text is the "
                        + "line WITHOUT its newline: readLine() drops it for you (the C client cuts it off with "
                        + "buf[strlen(buf) - 1] = '\\0').";
            } else if (sent.length != frame.length) {
                next = "a frame is always 128 bytes: write the whole array from frame(text), once.";
            } else {
                next = textAdvice;
            }
            throw CheckFailed.when(doing)
                    .expected("your client to send exactly one frame, " + frame.length + " bytes:\n"
                            + Hex.dump(frame, ""))
                    .got(sent.length == 0 ? "nothing" : sent.length + " bytes:\n" + Hex.dump(sent, ""))
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** What to look at when {@code got} is not the frame {@code want}. */
    private static String frameAdvice(byte[] got, byte[] want) {
        if (got == null) {
            return "Client.frame: return the 128-byte array, not null.";
        }
        int textEnd = indexOf(want, (byte) 0);
        boolean sameText = got.length >= textEnd && Arrays.equals(got, 0, textEnd, want, 0, textEnd);
        if (sameText && got.length < want.length) {
            return "Client.frame: you returned only the text's bytes. A frame is always 128 bytes, even for a short "
                    + "text: put the text's bytes at the front of a new byte[128] (Arrays.copyOf(bytes, 128)), "
                    + "the zeros behind them are the padding.";
        }
        if (sameText && got.length > textEnd && got[textEnd] == ' ') {
            return "Client.frame: the padding is spaces (20), not NUL bytes (00). A receiver takes the text up to the "
                    + "first NUL, so your spaces would become part of the text. Pad with zeros: a new byte[128] "
                    + "already holds them.";
        }
        return "Client.frame: the UTF-8 bytes of the text first, then zeros up to 128 bytes.";
    }

    /** "at lab//tcplab.lab03.Client.exchange(Client.java:127)" becomes "Client.exchange(Client.java:127)". */
    private static String shortFrame(String traceLine) {
        String frame = traceLine.substring("at ".length());
        frame = frame.substring(frame.indexOf("//") + (frame.contains("//") ? 2 : 0));
        int paren = frame.indexOf('(');
        String head = paren < 0 ? frame : frame.substring(0, paren);
        int method = head.lastIndexOf('.');
        int cls = method <= 0 ? -1 : head.lastIndexOf('.', method - 1);
        return frame.substring(cls + 1);
    }

    /** A quoted text, with a run of NULs at its end shown as a count rather than dozens of \\0. */
    private static String shortQuote(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\0') {
            end--;
        }
        int nuls = text.length() - end;
        return nuls < 4 ? Transcript.quote(text)
                : Transcript.quote(text.substring(0, end)) + " followed by " + nuls + " NUL characters (\\0)";
    }

    /**
     * Like {@code run.describe()}, but a stack trace is shortened to its first line and the line of your code it
     * went through: the JDK's own lines differ from one Java version to the next and tell a learner nothing.
     */
    private static String describe(ProgramRun run) {
        if (!run.hasStackTrace()) {
            return run.describe();
        }
        List<String> err = run.err().lines().toList();
        String yours = err.stream().map(String::strip)
                .filter(l -> l.startsWith("at ") && l.contains("tcplab.lab") && !l.contains("Checks"))
                .findFirst().map(l -> "it went through your " + shortFrame(l)).orElse("none of it is your code");
        return "exit code " + run.exitCode()
                + "\nstdout: " + (run.out().isEmpty() ? "(nothing)" : Transcript.quote(run.out()))
                + "\nstderr: " + Transcript.quote(err.get(0)) + " and a stack trace of Java's inner workings"
                + "\n        (" + yours + ")";
    }

    /** Fails unless the run printed exactly {@code line} on stdout, nothing on stderr, and exited with 0. */
    private static void expectSuccess(String doing, ProgramRun run, Transcript wire, String line) {
        String want = line + "\n";
        if (run.exitCode() != 0 || !lines(run.out()).equals(want) || !run.err().isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected("exit code 0\nstdout: " + Transcript.quote(want) + "\nstderr: (nothing)")
                    .got(describe(run))
                    .wire(wire)
                    .next("Client.run and Client.exchange: one whole frame back, its text up to the first NUL, "
                            + "printed with \"from server: \" in front.")
                    .build();
        }
    }

    /**
     * Runs the learner's program where it must fail politely. An exception let out of {@code run} is what
     * {@code main} would print as a stack trace: it fails the check with a message saying so.
     */
    private static ProgramRun runToFailure(String doing, Program program, String stdin, ScriptedServer server,
            Transcript wire, String... args) {
        try {
            return ProgramRun.of(program, RUN, stdin, args);
        } catch (CheckFailed failed) {
            Throwable thrown = failed.getCause();
            if (!(thrown instanceof Exception) || thrown instanceof UnsupportedOperationException) {
                throw failed; // not written yet, timed out, or a missing method: the kit's message says it best
            }
            if (server != null) {
                finish(server, wire);
            }
            throw CheckFailed.when(doing)
                    .expected("exit code not 0, stdout: (nothing), stderr: one plain line saying what went wrong")
                    .got("Client.run threw " + thrown.getClass().getName()
                            + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage())
                            + "\nat " + LabCode.where(thrown.getStackTrace())
                            + "\n(main would let it out, and Java would print it with a stack trace)")
                    .wire(wire)
                    .next("Client.run: an expected failure is not a bug. Catch it around exchange, err.println one "
                            + "line with its message, return 1.")
                    .cause(thrown)
                    .build();
        }
    }

    /** Fails unless the run failed politely: exit code not 0, nothing on stdout, one line on stderr, no trace. */
    private static void expectPlainFailure(String doing, ProgramRun run, Transcript wire, String what) {
        boolean oneLine = lines(run.err()).strip().lines().count() == 1;
        if (run.exitCode() == 0 || !run.out().isEmpty() || !oneLine || run.hasStackTrace()) {
            String problem = run.exitCode() == 0 ? "it exited with 0, which says \"all went well\""
                    : !run.out().isEmpty() ? "it printed on stdout; a failure prints nothing there"
                    : run.hasStackTrace() ? "it printed a stack trace; a user wants one plain sentence"
                    : "stderr should hold exactly one line";
            String next = run.exitCode() == 0
                    ? "Client.run: after printing the error, return 1 (any code but 0). Scripts and shells "
                            + "(`./client ... && echo ok`) read the exit code to tell failure from success."
                    : run.hasStackTrace()
                            ? "Client.run: catch the exception and err.println one line with its message (no "
                                    + "e.printStackTrace(), no exception let out of run), then return 1."
                            : "Client.run: catch the IOException (or IllegalArgumentException), err.println one line "
                                    + "with its message, return 1.";
            throw CheckFailed.when(doing)
                    .expected("exit code not 0, stdout: (nothing), stderr: " + what)
                    .got(describe(run) + "\n(" + problem + ")")
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Thrown by {@link Dribble} when code keeps reading long after the end: a loop that would spin for ever. */
    private static final class ReadPastTheEnd extends IOException {
        ReadPastTheEnd(int times) {
            super(times + " times");
        }
    }

    /**
     * A stream that hands out at most {@code piece} bytes per read, as a socket might. Unlike a socket, it stops a
     * loop that keeps reading after the end, so such a loop fails the check instead of spinning for ever.
     */
    private static final class Dribble extends InputStream {
        private static final int PATIENCE = 500;
        private final ByteArrayInputStream bytes;
        private final int piece;
        private int endsSeen;
        private int lastOffset;

        Dribble(byte[] data, int piece) {
            this.bytes = new ByteArrayInputStream(data);
            this.piece = piece;
        }

        @Override
        public int read() throws IOException {
            return atEnd(bytes.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            lastOffset = off;
            if (len == 0) {
                return 0;
            }
            return atEnd(bytes.read(b, off, Math.min(len, piece)));
        }

        private int atEnd(int n) throws ReadPastTheEnd {
            if (n < 0 && ++endsSeen > PATIENCE) {
                throw new ReadPastTheEnd(PATIENCE);
            }
            return n;
        }

        int endsSeen() {
            return endsSeen;
        }

        int lastOffset() {
            return lastOffset;
        }

        @Override
        public int available() {
            return 0; // like a socket whose next bytes have not come yet
        }

        int remaining() {
            return bytes.available();
        }
    }
}
