package tcplab.lab03;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.ChildJvm;
import tcplab.kit.Checks;
import tcplab.kit.Conversation;
import tcplab.kit.Frame;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.Program;
import tcplab.kit.ProgramRun;
import tcplab.kit.ScriptedServer;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;

/** The checks of Lab 03, the client: from building one frame to a whole program against misbehaving servers. */
@Checks(lesson = 3)
class ClientChecks {

    /** Limit for learner code that does no networking. */
    private static final Duration QUICK = Duration.ofSeconds(1);
    /** Limit for one whole run of the learner's program. */
    private static final Duration RUN = Duration.ofSeconds(3);
    /** Limit for a run that looks up a name that does not exist. */
    private static final Duration LOOKUP = Duration.ofSeconds(20);
    /** The read timeout the checks hand the learner's client. */
    private static final Duration READ = Duration.ofSeconds(1);
    /** How long a scripted server waits for the learner's frame. */
    private static final Duration SERVER_WAIT = Duration.ofSeconds(2);
    private static final String HOST = "127.0.0.1";
    /** What a usage error prints, in a line of its own or with more around it (exit code 2). */
    private static final String USAGE = "Usage: Client <ip> <port>";

    // ---------------------------------------------------------------- stage 1: frames, no network

    @Test
    @Order(1)
    @Hint("A frame is always 128 bytes, however short the text. Likely causes: returning only the text's bytes "
            + "(5 bytes for \"hello\": no padding at all); padding with spaces, e.g. String.format(\"%-128s\"), "
            + "when the padding must be NUL bytes (value 0, not the character '0' or ' '). The easy way: copy the "
            + "text's UTF-8 bytes (text.getBytes(StandardCharsets.UTF_8)) into a new byte[128]; Java fills new "
            + "arrays with zeros, so the NULs come for free. Arrays.copyOf(bytes, 128) does both. "
            + "Lesson: \"The frame: 128 bytes, always\".")
    @DisplayName("A frame is the text, then NULs up to 128 bytes")
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
    @Hint("127 bytes of text fit (the 128th byte stays NUL, so a C peer still finds the end); 128 or more must "
            + "throw IllegalArgumentException with a message a person can read. Count the BYTES of "
            + "text.getBytes(StandardCharsets.UTF_8): \"你\" is one character and three bytes, \"😀\" two Java chars "
            + "and four bytes. Likely causes: comparing text.length() (chars) with the limit, so 43 \"你\" (129 "
            + "bytes) slip through; an off-by-one, letting 128 bytes in or keeping 127 out; a byte count of your own "
            + "that is wrong for some characters. Lesson: \"The frame: 128 bytes, always\".")
    @DisplayName("A 127-byte text fits; a 128-byte text is refused")
    void a_127_byte_text_fits_and_a_128_byte_text_is_refused() {
        // Each edge in ASCII and with a multi-byte character last, so only a count of UTF-8 bytes gets both right.
        for (String fits : List.of("a".repeat(127), "a" + "你".repeat(42), "a".repeat(123) + "😀")) {
            String doing = "built the frame for " + sizeOf(fits);
            var outcome = LabCode.outcome(doing, QUICK, () -> Client.frame(fits));
            if (outcome.threw() || !Arrays.equals(outcome.value(), Frame.of(fits))) {
                boolean ascii = fits.chars().allMatch(c -> c < 0x80);
                throw CheckFailed.when(doing)
                        .expected("128 bytes: the text's 127 bytes and one NUL:\n" + Hex.dump(Frame.of(fits), ""))
                        .got(outcome.threw() ? "it threw " + outcome.thrown()
                                : outcome.value() == null ? "null"
                                : outcome.value().length + " bytes:\n" + Hex.dump(outcome.value(), ""))
                        .next(!(outcome.thrown() instanceof IllegalArgumentException)
                                ? "Client.frame: 127 bytes of text is the most that fits, and it does fit: its UTF-8 "
                                        + "bytes, then one NUL."
                                : ascii
                                        ? "Client.frame: 127 bytes is the most that fits, and it does fit: refuse only "
                                                + "MORE than 127 bytes (> 127, not >= 127)."
                                        : "Client.frame: 127 ASCII letters fit, but this text of 127 UTF-8 bytes did "
                                                + "not: your count of its bytes is too high. Count "
                                                + "text.getBytes(StandardCharsets.UTF_8).length, which is right for "
                                                + "every character (\"😀\" is 2 chars in Java and 4 bytes in UTF-8).")
                        .build();
            }
        }
        for (String tooLong : List.of("a".repeat(128), "aa" + "你".repeat(42), "a".repeat(124) + "😀",
                "你".repeat(43))) {
            int bytes = tooLong.getBytes(StandardCharsets.UTF_8).length;
            String doing = "built the frame for " + sizeOf(tooLong);
            var outcome = LabCode.outcome(doing, QUICK, () -> Client.frame(tooLong));
            if (!(outcome.thrown() instanceof IllegalArgumentException refused)) {
                boolean ascii = tooLong.chars().allMatch(c -> c < 0x80);
                throw CheckFailed.when(doing)
                        .expected("an IllegalArgumentException: " + bytes + " bytes do not fit in a frame")
                        .got(outcome.threw() ? "it threw " + outcome.thrown()
                                : outcome.value() == null ? "null" : "a frame of " + outcome.value().length + " bytes")
                        .next(outcome.threw()
                                ? "Client.frame: check the length first, then throw new "
                                        + "IllegalArgumentException(\"...\")."
                                : ascii
                                        ? "Client.frame: 128 bytes of text leave no room for the NUL that ends it: "
                                                + "refuse anything MORE than 127 bytes (> 127, not > 128)."
                                        : "Client.frame: 128 ASCII letters were refused, but this text of " + bytes
                                                + " UTF-8 bytes and " + tooLong.length() + " chars was not: your "
                                                + "count is lower than its UTF-8 bytes (text.length() counts chars). "
                                                + "Compare text.getBytes(StandardCharsets.UTF_8).length with 127.")
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

    /** "a text of 44 characters, 128 bytes in UTF-8, ending in "你"". */
    private static String sizeOf(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        int last = text.codePointBefore(text.length());
        return "a text of " + text.length() + " Java chars, " + bytes + " bytes in UTF-8"
                + (last < 0x80 ? "" : ", ending in \"" + Character.toString(last) + "\"");
    }

    @Test
    @Order(3)
    @Hint("The text ends at the first NUL byte, or at the end of the frame if it has none. Likely causes: "
            + "decoding all 128 bytes (new String(frame, UTF_8)), which keeps the NULs in the string and prints them; "
            + "removing them with trim() or replace(\"\\0\", \"\"), which also keeps whatever a C peer left in its "
            + "buffer after the first NUL (and trim() eats the text's own spaces); a search for the 0 that runs off "
            + "the end of a frame without one. Find the index of the first 0 (or 128), then new String(frame, 0, "
            + "index, StandardCharsets.UTF_8). Lesson: \"The frame: 128 bytes, always\".")
    @DisplayName("The text of a frame ends at the first NUL")
    void the_text_of_a_frame_ends_at_the_first_NUL() {
        for (String text : List.of("hello *_*", "", "你好，世界 *_*")) {
            expectText("the frame of " + Transcript.quote(text), Frame.of(text), text);
        }
        // A C peer that copies a short text over a longer one leaves the old bytes after the first NUL.
        byte[] reused = Frame.of("hello *_*");
        System.arraycopy("hi".getBytes(StandardCharsets.UTF_8), 0, reused, 0, 2);
        reused[2] = 0;
        expectText("a frame whose buffer was used before: \"hi\", a NUL, then old bytes \"lo *_*\"", reused, "hi");
        // A peer that fills all 128 bytes leaves no NUL at all: the text is the whole frame.
        byte[] full = new byte[Frame.SIZE];
        Arrays.fill(full, (byte) 'x');
        String doing = "took the text out of a frame of 128 letters x and no NUL at all";
        var outcome = LabCode.outcome(doing, QUICK, () -> Client.text(full.clone()));
        if (outcome.threw() || !"x".repeat(Frame.SIZE).equals(outcome.value())) {
            throw CheckFailed.when(doing)
                    .expected("the 128 letters: with no NUL, every byte is text")
                    .got(outcome.threw() ? "it threw " + outcome.thrown() + "\nat "
                            + LabCode.where(outcome.thrown().getStackTrace())
                            : outcome.value() == null ? "null" : outcome.value().length() + " characters: "
                                    + shortQuote(outcome.value()))
                    .next(outcome.thrown() instanceof ArrayIndexOutOfBoundsException
                            ? "Client.text: your search for the NUL ran past the end of the array. Stop at the end "
                                    + "too: while (end < frame.length && frame[end] != 0)."
                            : "Client.text: when no byte is 0, the text is all 128 bytes, decoded as UTF-8.")
                    .build();
        }
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
    @DisplayName("readFrame collects 128 bytes that arrive in pieces")
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
    @DisplayName("readFrame says how many bytes came when the stream ends early")
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
    @DisplayName("exchange() sends one 128-byte frame and returns the reply")
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

    @Test
    @Order(7)
    @Hint("First a server whose backlog is full, so the kernel drops your SYN and the handshake never completes; "
            + "then a server that takes your frame and never answers. connect(new InetSocketAddress(host, port), "
            + "timeoutMillis) throws java.net.SocketTimeoutException (\"Connect timed out\") after the connect "
            + "timeout, and a read after socket.setSoTimeout(readTimeoutMillis) throws it (\"Read timed out\") after "
            + "the read timeout; let them out of exchange. Each must be the timeout exchange was given. "
            + "Likely causes: connect(address) with no timeout, or a timeout of 0, which waits as long as the kernel "
            + "resends the SYN (about two minutes); a timeout other than connectTimeout (readTimeout, "
            + "CONNECT_TIMEOUT, a number of your own), or the two timeouts swapped; a Duration turned into the "
            + "wrong unit (toSeconds() where the socket wants milliseconds). Lesson: \"When nobody answers\" and "
            + "\"When things go wrong\".")
    @DisplayName("exchange() gives up after the connect and read timeouts it is given")
    void exchange_gives_up_after_the_connect_and_read_timeouts_it_is_given() throws IOException {
        Duration connect = Duration.ofMillis(250);
        Duration limit = connect.multipliedBy(10);
        try (var full = FullBacklog.open()) {
            String doing = "called exchange(\"" + HOST + "\", " + full.port() + ", \"hello\", 0.25 s, 5 s) with a "
                    + "server whose backlog is full, so no handshake with it can complete";
            long start = System.nanoTime();
            LabCode.Outcome<String> outcome;
            try {
                outcome = LabCode.outcome(doing, limit,
                        () -> Client.exchange(HOST, full.port(), "hello", connect, Duration.ofSeconds(5)), full);
            } catch (CheckFailed timedOutOrNotWritten) {
                if (String.valueOf(timedOutOrNotWritten.getMessage()).contains("not written yet")) {
                    throw timedOutOrNotWritten;
                }
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException after about 0.25 s, the connect timeout it was given")
                        .got("it was still running after " + LabCode.seconds(limit) + ", ten times that timeout")
                        .next("Client.exchange: connect(address, timeout) with connectTimeout in milliseconds. "
                                + "Likely causes: no timeout or 0 (as long as the kernel keeps trying, about two "
                                + "minutes); readTimeout, CONNECT_TIMEOUT or a number of your own in its place.")
                        .build();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!(outcome.thrown() instanceof SocketTimeoutException)) {
                throw CheckFailed.when(doing)
                        .expected("a java.net.SocketTimeoutException (\"Connect timed out\") after about 0.25 s")
                        .got(outcome.threw() ? "it threw " + outcome.thrown() + "\nat "
                                + LabCode.where(outcome.thrown().getStackTrace())
                                : "it returned " + Transcript.quote(String.valueOf(outcome.value())))
                        .next("Client.exchange: let the SocketTimeoutException that connect throws out of exchange "
                                + "(run catches it and prints one line); do not wrap it in another exception.")
                        .build();
            }
            if (took.compareTo(connect) < 0) {
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException after at least 0.25 s, the connect timeout it was given")
                        .got("it gave up after " + took.toMillis() + " ms")
                        .next("Client.exchange: connect(address, timeout) with connectTimeout in milliseconds "
                                + "(connectTimeout.toMillis()), not a shorter timeout of your own.")
                        .build();
            }
        }
        exchangeGivesUpReading();
    }

    /** The read half of check 7: a server that takes the frame and says nothing, a read timeout of 0.25 s. */
    private static void exchangeGivesUpReading() throws IOException {
        Duration read = Duration.ofMillis(250);
        Duration limit = read.multipliedBy(10);
        var wire = new Transcript();
        var checkIsOver = new CountDownLatch(1);
        try (var server = ScriptedServer.start(wire, c -> {
            if (c.read(Frame.SIZE, SERVER_WAIT).ending() == Conversation.Ending.COMPLETE) {
                // Silent and open until exchange has returned (or longer than the check waits). The server reads
                // no more: a client that half-closes after its frame (shutdownOutput) is still owed a timeout.
                checkIsOver.await(limit.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
            }
        })) {
            String doing = "called exchange(\"" + HOST + "\", " + server.port() + ", \"hello\", 5 s, 0.25 s) with a "
                    + "server that reads the frame and never answers";
            long start = System.nanoTime();
            LabCode.Outcome<String> outcome;
            try {
                outcome = LabCode.outcome(doing, limit,
                        () -> Client.exchange(HOST, server.port(), "hello", Duration.ofSeconds(5), read), server);
            } catch (CheckFailed timedOut) {
                checkIsOver.countDown();
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException after about 0.25 s, the read timeout it was given")
                        .got("it was still running after " + LabCode.seconds(limit) + ", ten times that timeout")
                        .wire(wire)
                        .next("Client.exchange: socket.setSoTimeout(readTimeout in milliseconds) before the first "
                                + "read. Likely causes: no read timeout, or 0 (\"no limit\"); connectTimeout, "
                                + "READ_TIMEOUT or a number of your own in its place; a Duration in the wrong unit.")
                        .build();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            checkIsOver.countDown();
            finish(server, wire);
            server.rethrowScriptFailure();
            if (!(outcome.thrown() instanceof SocketTimeoutException)) {
                // The server kept the connection open and silent all along: nothing it did ends a read early.
                throw CheckFailed.when(doing)
                        .expected("a java.net.SocketTimeoutException (\"Read timed out\") after about 0.25 s")
                        .got((outcome.threw() ? "it threw " + outcome.thrown() + "\nat "
                                + yours(outcome.thrown().getStackTrace())
                                : "it returned " + Transcript.quote(String.valueOf(outcome.value())))
                                + " after " + took.toMillis() + " ms; the server kept the connection open and sent "
                                + "nothing")
                        .wire(wire)
                        .next("Client.exchange: wait for the reply with socket.setSoTimeout(readTimeout) and let "
                                + "the SocketTimeoutException that read throws out of exchange, as it is (run "
                                + "catches it and prints one line). Likely causes: the exception caught, or wrapped "
                                + "in another one; a read that gives up on its own before any byte came.")
                        .build();
            }
            if (took.compareTo(read) < 0) {
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException after at least 0.25 s, the read timeout it was given")
                        .got("it gave up after " + took.toMillis() + " ms")
                        .wire(wire)
                        .next("Client.exchange: socket.setSoTimeout((int) readTimeout.toMillis()), not a shorter "
                                + "timeout of your own.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------- stage 4: the program

    @Test
    @Order(8)
    @Hint("A usage error is exit code 2 (the kit's convention, lesson 02): with not exactly two arguments (none, one, three), or a port "
            + "that is not a whole number from 1 to 65535 (\"abc\", \"0\", \"65536\", \"-1\"), run prints a line "
            + "containing \"Usage: Client <ip> <port>\" on err (not out), prints nothing on out and returns 2, before "
            + "touching the network. Likely causes: returning 1, which says \"failed at run time\"; the port never "
            + "checked, so Integer.parseInt's NumberFormatException or InetSocketAddress's \"port out of range\" "
            + "decides what happens; a range check that is off by one. Lesson: \"The lab\".")
    @DisplayName("A missing or malformed argument prints the usage and exits 2")
    void a_missing_or_malformed_argument_prints_the_usage_and_exits_2() throws IOException {
        // The three-argument case names a port that is bound here and never listened on: a client that ignores
        // the extra argument and connects is refused at once, and touches nothing else on this machine.
        try (var bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            expectUsageErrors(List.of(new String[0], new String[] {HOST}, new String[] {HOST, "abc"},
                    new String[] {HOST, "0"}, new String[] {HOST, "65536"}, new String[] {HOST, "-1"},
                    new String[] {HOST, String.valueOf(bound.getLocalPort()), "extra"}));
        }
    }

    private static void expectUsageErrors(List<String[]> cases) {
        for (String[] args : cases) {
            // Through the 4-argument run, the one main calls.
            String doing = "ran your client with arguments " + List.of(args);
            ProgramRun run = runToFailure(doing, Client::run, RUN,
                    new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)), "\"hello\\n\"", null, null,
                    "Client.run: check the arguments first: args.length must be exactly 2, then the port (a whole number from 1 to "
                            + "65535, or else a usage error: Integer.parseInt throws NumberFormatException for "
                            + "\"abc\"); err.println a line with \"Usage: Client <ip> <port>\"; return 2.",
                    args);
            boolean usageOnErr = lines(run.err()).lines().anyMatch(l -> l.contains(USAGE));
            if (run.exitCode() == 2 && run.out().isEmpty() && usageOnErr && !run.hasStackTrace()) {
                continue;
            }
            String badPort = args.length == 2 ? args[1] : null;
            String next;
            if (run.out().contains(USAGE)) {
                next = "Client.run: the usage line goes to err (err.println), not to out: out is for the reply only.";
            } else if (!usageOnErr) {
                next = "Client.run: print a line containing \"" + USAGE + "\" on err"
                        + (badPort == null ? ": the client takes exactly two arguments, <ip> and <port>, so "
                                + args.length + (args.length == 1 ? " argument is" : " arguments are")
                                + " a usage error (check args.length != 2)."
                                : ": \"" + badPort + "\" is not a port, which is a usage error (a port is a whole number from 1 to 65535); check it before connecting.");
            } else if (run.exitCode() != 2) {
                next = "Client.run: return 2 after the usage line. 2 says \"you called me wrong\"; 1 is for failures "
                        + "at run time (the kit's convention, lesson 02).";
            } else {
                next = "Client.run: a usage error prints the usage line on err and nothing on out.";
            }
            throw CheckFailed.when(doing)
                    .expected("exit code 2\nstdout: (nothing)\nstderr: a line containing \"" + USAGE + "\"")
                    .got(describe(run))
                    .next(next)
                    .build();
        }
    }

    @Test
    @Order(9)
    @Hint("run reads ONE line from `in`, however many were typed (new BufferedReader(new InputStreamReader(in, "
            + "StandardCharsets.UTF_8)).readLine()), calls exchange, prints \"from server: \" + the reply with "
            + "out.println and returns 0. Likely causes: the line sent with its newline, because standard input was "
            + "read like C's fgets (in.read(buf)), which keeps the '\\n' the user typed (the C client cuts it off, "
            + "readLine() drops it for you); all of standard input read and sent, second line and all. Lesson: "
            + "\"The whole client, C beside Java\".")
    @DisplayName("The program sends the line and prints \"from server: \" and the reply")
    void the_program_sends_the_line_and_prints_from_server_and_the_reply() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            // Two lines typed: the client sends the first and never reads on.
            ProgramRun run = ProgramRun.of(client(READ), RUN, "hello\nbye\n", HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            String doing = "typed \"hello\" and \"bye\" on two lines into your client, connected to a server that "
                    + "answers properly";
            expectFrameOnWire(doing, wire, Frame.of("hello"));
            expectSuccess(doing, run, wire, "from server: hello *_*");
        }
    }

    @Test
    @Order(10)
    @Hint("The server sends its 128 bytes a few at a time. Likely cause: exchange reads the reply with one "
            + "read() of its own instead of calling readFrame; a single read() gets only the first few bytes, and the "
            + "reply is complete only after 128. Use readFrame in exchange. Lesson: \"One write is not one read\".")
    @DisplayName("A reply that arrives in small pieces is printed whole")
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
    @Order(11)
    @Hint("An empty line is a text of 0 bytes: the frame is still 128 bytes, all NUL (the C client does the same). "
            + "Input that ends before any line (readLine() returns null; `./client ... < /dev/null`) is sent the same "
            + "way, as an empty text. Do not skip the write, and do not send 0 bytes: a zero-length write carries "
            + "nothing. Likely causes: a null line passed on to frame(), which throws NullPointerException; "
            + "new Scanner(in).nextLine(), which throws NoSuchElementException when there is no line. "
            + "Lesson: \"A zero-length send\".")
    @DisplayName("An empty line, or no input at all, still sends a full frame of NULs")
    void an_empty_line_or_no_input_at_all_still_sends_a_full_frame_of_NULs() throws IOException {
        for (String input : List.of("\n", "")) {
            var wire = new Transcript();
            try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
                String doing = input.isEmpty()
                        ? "started your client with no input at all (standard input ended before any line)"
                        : "pressed Enter on an empty line in your client";
                ProgramRun run;
                try {
                    run = ProgramRun.of(client(READ), RUN, input, HOST, port(server));
                } catch (CheckFailed failed) {
                    Throwable thrown = failed.getCause();
                    if (!input.isEmpty() || !(thrown instanceof NullPointerException
                            || thrown instanceof NoSuchElementException)) {
                        throw failed;
                    }
                    finish(server, wire);
                    throw CheckFailed.when(doing)
                            .expected("your client to send an empty text, a frame of 128 NULs, and print the reply")
                            .got("Client.run threw " + thrown + "\nat " + yours(thrown.getStackTrace()))
                            .wire(wire)
                            .next(thrown instanceof NullPointerException
                                    ? "Client.run: readLine() returns null when the input ends before any line; "
                                            + "take null for an empty text (line = \"\") before you use it."
                                    : "Client.run: Scanner.nextLine() throws when there is no line at all; read with "
                                            + "new BufferedReader(new InputStreamReader(in, UTF_8)).readLine(), and "
                                            + "take its null for an empty text.")
                            .cause(thrown)
                            .build();
                }
                finish(server, wire);
                server.rethrowScriptFailure();
                expectFrameOnWire(doing, wire, new byte[Frame.SIZE]);
                expectSuccess(doing, run, wire, "from server:  *_*");
            }
        }
    }

    @Test
    @Order(12)
    @Hint("A line of more than 127 UTF-8 bytes does not fit in a frame. frame() throws IllegalArgumentException: "
            + "catch it in run, print its message as one line on err, return 1 (the line is input, not an argument: "
            + "not a usage error); send nothing (build the frame before you connect). Likely causes: the error "
            + "printed, but run still returns 0 (\"all went well\"), so a script cannot tell it failed; the "
            + "exception let out of run as a stack trace; the frame built after connecting (even with nothing sent, "
            + "the server saw a connection come and go). Lesson: \"The frame: 128 bytes, always\" and \"When things "
            + "go wrong\".")
    @DisplayName("A line longer than 127 bytes is refused, and nothing is sent")
    void a_line_longer_than_127_bytes_is_refused_and_nothing_is_sent() throws IOException {
        try (var doorstep = Doorstep.open()) {
            String line = "x".repeat(128);
            String doing = "typed a line of 128 letters into your client";
            ProgramRun run = runToFailure(doing, client(READ), RUN,
                    new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)),
                    Transcript.quote(line + "\n"), doorstep, null, RUN_FAILURE_ADVICE, HOST,
                    String.valueOf(doorstep.port()));
            Doorstep.Visit visit = doorstep.visitBeforeTheKit();
            if (visit != null) {
                throw CheckFailed.when(doing)
                        .expected("no connection at all: 128 bytes of text do not fit in a 128-byte frame with its "
                                + "NUL, and exchange refuses such a text before connecting")
                        .got("your client connected (from port " + visit.port() + ") and "
                                + (visit.sent().length == 0 ? "sent nothing"
                                        : "sent " + visit.sent().length + " bytes:\n"
                                                + Hex.dump(visit.sent(), "  "))
                                + ". Then:\n" + describe(run))
                        .next("Client.exchange: call frame(text) first, before new Socket() and connect, and let its "
                                + "exception out: a text that does not fit must not even open a connection.")
                        .build();
            }
            expectPlainFailure(doing, run, null, "a line saying the line is too long");
        }
    }

    @Test
    @Order(13)
    @Hint("Standard input can fail too (a closed pipe, a disk error): reading it throws IOException. That is a "
            + "failure at run time like the others: one plain line on err, nothing on out, return 1. Likely cause: "
            + "the readLine() outside every try, so the IOException leaves run (main throws Exception) as a stack "
            + "trace. Lesson: \"When things go wrong\".")
    @DisplayName("Standard input that cannot be read gets one plain line")
    void standard_input_that_cannot_be_read_gets_one_plain_line() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            String doing = "ran your client with a standard input whose every read throws "
                    + "IOException(\"Input/output error\"), against a server that answers properly";
            InputStream broken = new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("Input/output error");
                }
            };
            ProgramRun run = runToFailure(doing, client(READ), RUN, broken, "that cannot be read", server, wire,
                    RUN_FAILURE_ADVICE, HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            expectPlainFailure(doing, run, wire, "one line saying standard input could not be read");
        }
    }

    @Test
    @Order(14)
    @Hint("The server closed after 50 of its 128 bytes. That is not a reply: print nothing on out, print one line "
            + "on err saying how many bytes came (the EOFException from readFrame says it), return 1, and close "
            + "your socket. Likely causes: readFrame returns the half-filled frame at -1, so the client prints half "
            + "a reply as if it were whole; -1 taken for \"no data yet\", so the client spins until it is stopped; "
            + "the EOFException not caught in run; the socket closed only when all went well (close() after the "
            + "read instead of try-with-resources), so it stays in CLOSE_WAIT. Lesson: \"0 means the other side "
            + "closed\".")
    @DisplayName("A server that closes in the middle of a frame gets a plain message")
    void a_server_that_closes_in_the_middle_of_a_frame_gets_a_plain_message() throws IOException {
        var wire = new Transcript();
        var clientPort = new AtomicInteger();
        try (var server = ScriptedServer.start(wire, c -> {
            clientPort.set(c.socket().getPort());
            var request = c.read(Frame.SIZE, SERVER_WAIT);
            if (request.ending() == Conversation.Ending.COMPLETE) {
                c.send(Arrays.copyOf(Frame.of(Frame.text(request.bytes()) + " *_*"), 50));
            }
        })) {
            String doing = "typed \"hello\"; the server sent 50 bytes of its reply and closed the connection";
            ProgramRun run = runToFailure(doing, client(READ), "hello\n", server, wire, HOST, port(server));
            // The kernel's table as run returned: a socket left open is in CLOSE_WAIT (the server closed, you not).
            List<Inspector.Row> leftOpen = Inspector.tcp().stream()
                    .filter(r -> r.local().getPort() == clientPort.get() && r.remote().getPort() == server.port())
                    .filter(r -> r.state().equals("CLOSE_WAIT")).toList();
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
            if (!leftOpen.isEmpty()) {
                throw CheckFailed.when(doing)
                        .expected("your client to close its socket before run returns")
                        .got("run returned, and the kernel still lists your socket: " + leftOpen.get(0)
                                + "\n(CLOSE_WAIT: the server closed its side, yours is still open)")
                        .wire(wire)
                        .next("Client.exchange: close the socket whatever happens, also when a read throws: "
                                + "try (Socket socket = new Socket()) { ... } does it. A close() after the read is "
                                + "skipped by the exception.")
                        .build();
            }
        }
    }

    @Test
    @Order(15)
    @Hint("The server read your frame and aborted the connection (RST): your read throws "
            + "java.net.SocketException: Connection reset. Like every failure at run time: one plain line on err, "
            + "nothing on out, return 1. Likely cause: run catches only the exceptions it expects by name "
            + "(ConnectException, SocketTimeoutException, EOFException), so this one leaves run as a stack trace; "
            + "catch IOException last. Lesson: \"When things go wrong\".")
    @DisplayName("A server that resets the connection gets a plain message")
    void a_server_that_resets_the_connection_gets_a_plain_message() throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, c -> {
            if (c.read(Frame.SIZE, SERVER_WAIT).ending() == Conversation.Ending.COMPLETE) {
                c.reset();
            }
        })) {
            String doing = "typed \"hello\"; the server read the frame and reset the connection (RST)";
            ProgramRun run = runToFailure(doing, client(READ), "hello\n", server, wire, HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            expectPlainFailure(doing, run, wire, "one line saying the connection was reset");
        }
    }

    @Test
    @Order(16)
    @Hint("Nobody listens on that port, so connect fails at once with java.net.ConnectException: Connection "
            + "refused. Catch it in run and print ONE line naming the address, e.g. \"client: cannot connect to "
            + "127.0.0.1:5555: Connection refused\"; return 1. Likely causes: e.printStackTrace() in the catch, or "
            + "the exception let out of run (main throws Exception): forty lines of stack trace tell a user "
            + "nothing; or a message without the address. Lesson: \"When things go wrong\".")
    @DisplayName("A refused connection gets one plain line naming the address")
    void a_refused_connection_gets_one_plain_line_naming_the_address() throws IOException {
        int port;
        try (var probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = probe.getLocalPort();
        } // closed: now nothing listens on that port
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
    @Order(17)
    @Hint("A name ending in .invalid never resolves (RFC 6761), so connecting throws "
            + "java.net.UnknownHostException. That is a failure at run time: one plain line on err naming the host, "
            + "nothing on out, return 1. Ports 1 and 65535 are the first and last ports: both are valid, so this is "
            + "not a usage error. Likely causes: a range check off by one (port > 1, port < 65535), which turns "
            + "them into usage errors; the host looked up (InetAddress.getByName) outside the try that catches the "
            + "failures, so the exception leaves run as a stack trace. Lesson: \"When things go wrong\".")
    @DisplayName("An unknown host gets one plain line naming it, even at ports 1 and 65535")
    void an_unknown_host_gets_one_plain_line_naming_it_even_at_ports_1_and_65535() {
        String host = "nosuch.invalid";
        for (String port : List.of("1", "65535")) {
            String doing = "ran your client with arguments [" + host + ", " + port + "]: a valid port, a host name "
                    + "that never resolves";
            // A generous limit: the lookup goes to the system's resolver, which may be slow to say "no such name".
            ProgramRun run = runToFailure(doing, client(READ), LOOKUP,
                    new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)), "\"hello\\n\"", null, null,
                    RUN_FAILURE_ADVICE, host, port);
            if (run.exitCode() == 2 || run.err().contains(USAGE)) {
                throw CheckFailed.when(doing)
                        .expected("exit code 1, and one line on stderr naming " + host)
                        .got(describe(run))
                        .next("Client.run: " + port + " is a port: a port is any whole number from 1 to 65535, both "
                                + "ends included. Your range check turned it into a usage error.")
                        .build();
            }
            expectPlainFailure(doing, run, null, "one line naming " + host);
            if (!run.err().contains(host)) {
                throw CheckFailed.when(doing)
                        .expected("the line on stderr to name the host, " + host)
                        .got(describe(run))
                        .next("Client.run: say which name could not be found; an UnknownHostException's message "
                                + "holds it.")
                        .build();
            }
        }
    }

    @Test
    @Order(18)
    @Hint("The server takes your frame and never answers; the check gives your client a read timeout of 0.2 s, and "
            + "it must give up after at least 0.2 s and well before 2 s, close the socket, print one line and return "
            + "1. Likely causes: no read timeout (setSoTimeout never called, or called with 0, which means \"wait "
            + "for ever\"); a timeout other than the readTimeout run was given (READ_TIMEOUT, CONNECT_TIMEOUT, a "
            + "number of your own) or in the wrong unit; the socket left open when the read times out. "
            + "socket.setSoTimeout(readTimeout in milliseconds), before the first read, makes it throw "
            + "java.net.SocketTimeoutException (\"Read timed out\"). Lesson: \"When things go wrong\".")
    @DisplayName("A server that never answers makes the client give up after its read timeout")
    void a_server_that_never_answers_makes_the_client_give_up_after_its_read_timeout() throws IOException {
        var wire = new Transcript();
        var hungUp = new AtomicReference<Conversation.Ending>();
        var serverGaveUp = new AtomicLong(Long.MAX_VALUE);
        var runReturned = new CountDownLatch(1);
        try (var server = ScriptedServer.start(wire, c -> {
            if (c.read(Frame.SIZE, SERVER_WAIT).ending() == Conversation.Ending.COMPLETE) {
                // Say nothing until the client gives up and closes; after SERVER_WAIT, close to set it free.
                var ending = c.read(1, SERVER_WAIT).ending();
                if (ending == Conversation.Ending.CLOSED
                        && !runReturned.await(SERVER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    // End of stream, yet run has not returned: the client only half-closed (shutdownOutput) and
                    // still waits for the reply. Stay open and silent as promised; if it outlasts us, it waited
                    // too long, just as if no end of stream had come.
                    ending = Conversation.Ending.TIMED_OUT;
                }
                if (ending == Conversation.Ending.TIMED_OUT) {
                    serverGaveUp.set(System.nanoTime());
                }
                hungUp.set(ending);
            }
        })) {
            Duration timeout = Duration.ofMillis(200);
            String doing = "typed \"hello\"; the server accepted, read the frame and never answered "
                    + "(your read timeout: 0.2 s)";
            long start = System.nanoTime();
            ProgramRun run;
            try {
                run = runToFailure(doing, client(timeout), "hello\n", server, wire, HOST, port(server));
            } finally {
                runReturned.countDown();
            }
            long returned = System.nanoTime();
            finish(server, wire);
            server.rethrowScriptFailure();
            if (hungUp.get() == Conversation.Ending.TIMED_OUT && returned < serverGaveUp.get()) {
                throw CheckFailed.when(doing)
                        .expected("your client to give up after about 0.2 s and close the connection")
                        .got("run returned after " + (returned - start) / 1_000_000 + " ms, but the connection was "
                                + "still open " + LabCode.seconds(SERVER_WAIT) + " after the frame came, when the "
                                + "check's server gave up waiting. Run:\n" + describe(run))
                        .wire(wire)
                        .next("Client.exchange: close the socket whatever happens, also when the read times out: "
                                + "try (Socket socket = new Socket()) { ... } does it.")
                        .build();
            }
            if (hungUp.get() == Conversation.Ending.TIMED_OUT) {
                throw CheckFailed.when(doing)
                        .expected("your client to give up after about 0.2 s: close the connection, print one line "
                                + "on stderr, exit with 1")
                        .got("it was still waiting for the reply after " + LabCode.seconds(SERVER_WAIT)
                                + ", when the check's server closed the connection to set it free. Then:\n"
                                + describe(run))
                        .wire(wire)
                        .next("Client.exchange: socket.setSoTimeout(readTimeout in milliseconds) before reading. "
                                + "Likely causes: no read timeout, or 0, which means \"no limit\"; a timeout other "
                                + "than the readTimeout exchange was given (READ_TIMEOUT, CONNECT_TIMEOUT: 5 s each), "
                                + "or the right one in the wrong unit.")
                        .build();
            }
            expectPlainFailure(doing, run, wire, "one line saying the client gave up waiting");
            Duration took = Duration.ofNanos(returned - start);
            if (took.compareTo(timeout) < 0) {
                throw CheckFailed.when(doing)
                        .expected("your client to wait at least 0.2 s, its read timeout, before it gives up")
                        .got("it gave up after " + took.toMillis() + " ms:\n" + describe(run))
                        .wire(wire)
                        .next("Client.exchange: socket.setSoTimeout((int) readTimeout.toMillis()): the readTimeout "
                                + "it was given, in milliseconds, not a shorter one of your own.")
                        .build();
            }
        }
    }

    @Test
    @Order(19)
    @Hint("The server's backlog is full, so no handshake with it can complete, and the program must give up after "
            + "the connectTimeout run is given (0.3 s here; main gives CONNECT_TIMEOUT), not after its readTimeout "
            + "(20 s here): run passes connectTimeout to exchange as the connect timeout, and readTimeout as the read "
            + "timeout. One plain line on err, nothing on out, return 1. Likely causes: readTimeout passed for both, "
            + "or the two swapped; CONNECT_TIMEOUT or a number of your own instead of connectTimeout; no connect "
            + "timeout at all (about two minutes). Lesson: \"When nobody answers\".")
    @DisplayName("A server whose backlog is full makes the program give up connecting after its connect timeout")
    void a_server_whose_backlog_is_full_makes_the_program_give_up_connecting_after_its_connect_timeout()
            throws IOException {
        Duration connectTimeout = Duration.ofMillis(300);
        Duration readTimeout = Duration.ofSeconds(20);
        Duration limit = Duration.ofSeconds(6);
        try (var full = FullBacklog.open()) {
            String doing = "typed \"hello\" into your client, connected to a server whose backlog is full (your "
                    + "connect timeout: 0.3 s; read timeout: 20 s)";
            long start = System.nanoTime();
            ProgramRun run = runToFailure(doing, client(connectTimeout, readTimeout), limit,
                    new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)), "\"hello\\n\"", full, null,
                    RUN_FAILURE_ADVICE, HOST, String.valueOf(full.port()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            expectPlainFailure(doing, run, null, "one line saying the connection timed out");
            if (took.compareTo(connectTimeout) < 0) {
                throw CheckFailed.when(doing)
                        .expected("your client to try for 0.3 s (the connectTimeout run was given) before it gives "
                                + "up connecting")
                        .got("it gave up after " + took.toMillis() + " ms:\n" + describe(run))
                        .next("Client.run: exchange(host, port, line, connectTimeout, readTimeout): the connect "
                                + "timeout comes first; a timeout of your own in its place.")
                        .build();
            }
        }
    }

    @Test
    @Order(20)
    @Hint("Under LANG=C the JVM's default charset is ASCII, and \"你好\" turns into \"??\". Likely causes, one "
            + "per place where text and bytes meet: text.getBytes() without a charset (the frame holds 3f, \"?\"); "
            + "new InputStreamReader(in) or new Scanner(in) without a charset (the frame holds ef bf bd, the "
            + "replacement character); new String(bytes, 0, n) without a charset (the reply prints as "
            + "\"\ufffd\"); the reply printed through a stream that encodes with the platform's charset "
            + "(System.out itself instead of the `out` main gives run, or out.write(text.getBytes())), so it prints "
            + "as \"?\". Name UTF-8 every time: new InputStreamReader(in, StandardCharsets.UTF_8), "
            + "text.getBytes(UTF_8), new String(bytes, 0, n, UTF_8), out.println(...) on the UTF-8 `out` that the "
            + "given main builds. Lesson: \"Text is bytes: say UTF-8\".")
    @DisplayName("Chinese text round-trips, even when the platform charset is ASCII")
    void chinese_text_round_trips_even_when_the_platform_charset_is_ASCII() throws Exception {
        String text = "你好，世界";
        String want = "from server: " + text + " *_*";
        // First in this JVM (UTF-8 by default), so the round trip itself is checked where PIT can see it.
        var inProcess = new Transcript();
        try (var server = ScriptedServer.start(inProcess, ClientChecks::replyProperly)) {
            ProgramRun run = ProgramRun.of(client(READ), RUN, text + "\n", HOST, port(server));
            finish(server, inProcess);
            server.rethrowScriptFailure();
            String doing = "typed " + Transcript.quote(text) + " into your client";
            expectFrameOnWire(doing, inProcess, Frame.of(text));
            expectSuccess(doing, run, inProcess, want);
        }
        // Then in a JVM hostile both ways: ASCII is its default charset and the charset of System.out and
        // System.err (file.encoding for JDK 17 and 25, stdout.encoding for 19+, sun.stdout.encoding for 17).
        var wire = new Transcript();
        try (var server = ScriptedServer.start(wire, ClientChecks::replyProperly)) {
            var child = ChildJvm.run(Client.class.getName(),
                    List.of("-Dfile.encoding=US-ASCII", "-Dstdout.encoding=US-ASCII", "-Dsun.stdout.encoding=US-ASCII",
                            "-Dstderr.encoding=US-ASCII", "-Dsun.stderr.encoding=US-ASCII"),
                    Map.of("LANG", "C", "LC_ALL", "C"),
                    (text + "\n").getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10),
                    HOST, port(server));
            finish(server, wire);
            server.rethrowScriptFailure();
            String doing = "ran your client's main in a JVM whose charsets are all US-ASCII (LANG=C) and typed "
                    + Transcript.quote(text);
            if (child.notWrittenYet() != null) {
                throw CheckFailed.when(doing)
                        .expected("your program to run")
                        .got("it is not written yet: " + child.notWrittenYet())
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
            if (child.exitCode() != 0 || !lines(child.outText()).equals(want + "\n")) {
                String printed = child.outText();
                throw CheckFailed.when(doing)
                        .expected("exit code 0\nstdout: " + Transcript.quote(want + "\n") + " in UTF-8")
                        .got(child.describe())
                        .wire(wire)
                        .next(printed.contains("\ufffd")
                                ? "the frame went out right and the reply came back right (see the wire), but the "
                                        + "printed text is \"\ufffd\": the reply's bytes were decoded with the default "
                                        + "charset. Client.text: new String(frame, 0, end, StandardCharsets.UTF_8)."
                                : printed.startsWith("from server: ?")
                                        ? "the frame went out right and the reply came back right (see the wire), but "
                                                + "the text was printed as \"?\": it went through a stream that "
                                                + "encodes with the platform's charset. Likely causes: main hands "
                                                + "run System.out itself (the given main wraps it: new "
                                                + "PrintStream(System.out, true, StandardCharsets.UTF_8)); run prints "
                                                + "on System.out instead of its `out`; out.write(text.getBytes())."
                                        : "every place bytes become text or text becomes bytes: name "
                                                + "StandardCharsets.UTF_8.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The learner's program with the given read timeout. */
    private static Program client(Duration readTimeout) {
        return client(Client.CONNECT_TIMEOUT, readTimeout);
    }

    private static Program client(Duration connectTimeout, Duration readTimeout) {
        return (args, in, out, err) -> Client.run(args, in, out, err, connectTimeout, readTimeout);
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

    /** What to do with an exception let out of run where the program must fail at run time. */
    private static final String RUN_FAILURE_ADVICE = "Client.run: an expected failure is not a bug. Catch it (an "
            + "IOException, or frame's IllegalArgumentException), err.println one line with its message, return 1.";

    /** Like {@link #runToFailure(String, Program, Duration, InputStream, String, AutoCloseable, Transcript, String,
     * String...)} with the usual limit, {@code stdin} as UTF-8 and the usual advice. */
    private static ProgramRun runToFailure(String doing, Program program, String stdin, ScriptedServer server,
            Transcript wire, String... args) {
        return runToFailure(doing, program, RUN, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Transcript.quote(stdin), server, wire, RUN_FAILURE_ADVICE, args);
    }

    /**
     * Runs the learner's program where it must fail politely, for at most {@code limit}; {@code peer} is closed if
     * the time runs out. An exception let out of {@code run} is what {@code main} would print as a stack trace: it
     * fails the check with a message saying so, and {@code advice}.
     */
    private static ProgramRun runToFailure(String doing, Program program, Duration limit, InputStream in,
            String inShown, AutoCloseable peer, Transcript wire, String advice, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            String what = "ran your program with arguments " + List.of(args) + " and input " + inShown;
            int code = LabCode.call(what, limit, () -> program.run(args.clone(), in, outStream, errStream), peer);
            return new ProgramRun(List.of(args), code, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (CheckFailed failed) {
            Throwable thrown = failed.getCause();
            if (!(thrown instanceof Exception) || thrown instanceof UnsupportedOperationException) {
                throw failed; // not written yet, timed out, or a missing method: the kit's message says it best
            }
            if (peer instanceof ScriptedServer server) {
                finish(server, wire);
            }
            throw CheckFailed.when(doing)
                    .expected("stdout: (nothing), stderr: one plain line saying what went wrong, no stack trace")
                    .got("Client.run threw " + thrown.getClass().getName()
                            + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage())
                            + "\nat " + yours(thrown.getStackTrace())
                            + "\n(main would let it out, and Java would print it with a stack trace)")
                    .wire(wire)
                    .next(advice)
                    .cause(thrown)
                    .build();
        }
    }

    /** Fails unless the run failed politely at run time: exit code 1, nothing on stdout, one line on stderr. */
    private static void expectPlainFailure(String doing, ProgramRun run, Transcript wire, String what) {
        boolean oneLine = lines(run.err()).strip().lines().count() == 1;
        if (run.exitCode() != 1 || !run.out().isEmpty() || !oneLine || run.hasStackTrace()) {
            String problem = run.exitCode() == 0 ? "it exited with 0, which says \"all went well\""
                    : run.exitCode() == 2 ? "it exited with 2, which says \"you called me wrong\" (a usage error)"
                    : run.exitCode() != 1 ? "it exited with " + run.exitCode() + "; a failure at run time is 1"
                    : !run.out().isEmpty() ? "it printed on stdout; a failure prints nothing there"
                    : run.hasStackTrace() ? "it printed a stack trace; a user wants one plain sentence"
                    : "stderr should hold exactly one line";
            String next = run.exitCode() == 0
                    ? "Client.run: after printing the error, return 1. Scripts and shells (`./client ... && echo "
                            + "ok`) read the exit code to tell failure from success."
                    : run.exitCode() != 1
                            ? "Client.run: return 1 for a failure at run time (the kit's convention, lesson 02): 2 is "
                                    + "only for bad arguments, and these were good."
                    : !run.out().isEmpty()
                            ? "Client.run: print the error with err.println, and nothing with out."
                    : run.hasStackTrace()
                            ? "Client.run: catch the exception and err.println one line with its message (no "
                                    + "e.printStackTrace()), then return 1."
                            : "Client.run: catch the exception, err.println ONE line with its message, return 1.";
            throw CheckFailed.when(doing)
                    .expected("exit code 1, stdout: (nothing), stderr: " + what)
                    .got(describe(run) + "\n(" + problem + ")")
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    /** Like {@link LabCode#where}, but never the checks' own code (a stream a check handed in, say). */
    private static String yours(StackTraceElement[] stack) {
        return LabCode.where(Arrays.stream(stack).filter(e -> !e.getClassName().contains("Checks"))
                .toArray(StackTraceElement[]::new));
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

    /**
     * A listener nobody accepts from while the learner's code runs, to tell afterwards whether it connected. The
     * kernel completes a handshake before connect returns, so once the code has returned, its connection (if any)
     * is queued. The check then connects once itself and accepts until its own connection comes out: the queue is
     * first come, first served, so whatever comes out before it is the learner's. No waiting on a clock.
     */
    private static final class Doorstep implements AutoCloseable {
        /** What the learner's connection did: the port it came from and the bytes it sent. */
        record Visit(int port, byte[] sent) {}

        private final ServerSocket listener;

        private Doorstep(ServerSocket listener) {
            this.listener = listener;
        }

        static Doorstep open() throws IOException {
            var listener = new ServerSocket();
            try {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
            } catch (IOException e) {
                listener.close();
                throw e;
            }
            return new Doorstep(listener);
        }

        int port() {
            return listener.getLocalPort();
        }

        /** The first connection that came before the check's own one, or null if none did. */
        Visit visitBeforeTheKit() throws IOException {
            listener.setSoTimeout((int) SERVER_WAIT.toMillis());
            try (var kit = new Socket()) {
                kit.connect(listener.getLocalSocketAddress(), (int) SERVER_WAIT.toMillis());
                Visit first = null;
                while (true) {
                    try (var s = listener.accept()) {
                        if (s.getPort() == kit.getLocalPort()) {
                            return first;
                        }
                        if (first == null) {
                            s.setSoTimeout((int) SERVER_WAIT.toMillis());
                            byte[] sent;
                            try {
                                sent = s.getInputStream().readNBytes(Frame.SIZE);
                            } catch (IOException resetOrSilent) {
                                sent = new byte[0];
                            }
                            first = new Visit(s.getPort(), sent);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            Sockets.closeAll(listener);
        }
    }

    /**
     * A listener on loopback whose accept queue is full: nobody accepts, and the queue holds as many handshakes as
     * it can. Linux then drops every new SYN, so a connect to it neither succeeds nor is refused: it times out.
     */
    private static final class FullBacklog implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> queued = new ArrayList<>();

        private FullBacklog() throws IOException {
            listener = new ServerSocket();
        }

        static FullBacklog open() throws IOException {
            var full = new FullBacklog();
            try {
                full.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                for (int i = 0; i < 16; i++) {
                    var probe = new Socket();
                    try {
                        probe.connect(full.listener.getLocalSocketAddress(), 250);
                        full.queued.add(probe);
                    } catch (SocketTimeoutException queueIsFull) {
                        probe.close();
                        return full;
                    }
                }
            } catch (IOException | RuntimeException e) {
                full.close();
                throw e;
            }
            full.close();
            Assumptions.abort("this system keeps accepting handshakes on a listener nobody accepts from, so a "
                    + "connect that times out cannot be made here (" + System.getProperty("os.name") + ")");
            return full;
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() {
            queued.forEach(Sockets::closeAll);
            Sockets.closeAll(listener);
        }
    }
}
