package tcplab.lab07;

import static tcplab.lab07.ServerUnderCheck.HOST;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.ChildJvm;
import tcplab.kit.Conversation;
import tcplab.kit.Conversation.Ending;
import tcplab.kit.Conversation.Received;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.Poll;
import tcplab.kit.ProgramRun;
import tcplab.kit.RunningProgram;
import tcplab.kit.ScriptedClient;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;

@Checks(lesson = 7)
class FramingChecks {

    /** The server's read timeout in most checks: long enough never to matter. */
    private static final Duration PATIENT = Duration.ofSeconds(5);
    /** How long the kit waits for one reply or one end of stream. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** How long the kit waits to be sure that no reply comes to a request that is not whole yet. */
    private static final Duration NOTHING_YET = Duration.ofMillis(300);
    /** How long one call into the learner's codec may take: it has all its bytes at once. */
    private static final Duration CALL = Duration.ofSeconds(2);
    /** How long the kit polls the kernel's tables (or the threads) for something to go away. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Well inside the second close() must wait for a held thread: a close() done by then did not wait. */
    private static final Duration EARLY = Duration.ofMillis(600);
    /** How long the kit lets threads end once close() has returned (they should have ended already). */
    private static final Duration GRACE = Duration.ofMillis(500);
    /** How long a run of the program may take when its input is empty or its arguments are wrong. */
    private static final Duration PROGRAM = Duration.ofSeconds(5);
    private static final String USAGE = "Usage: StoreServer <ip> <port>";
    private static final int MAX = 65536;
    /** Where the misbehaving clients connect from: not the server's 127.0.0.1 where this machine allows it. */
    private static final String CLIENT_IP = Sockets.loopbackAlias("127.0.0.2");

    /** The requests of the charset checks, and the replies they must get (same order). */
    static final List<String> UTF8_REQUESTS = List.of("PUT 键 值", "GET 键", "PUT café 😀 naïve ✓", "GET café",
            "DEL 键", "GET 键");
    private static final List<String> UTF8_REPLIES = List.of("OK", "VALUE 值", "OK", "VALUE 😀 naïve ✓", "OK",
            "NOT_FOUND");

    private final Transcript wire = new Transcript();

    // ---------------------------------------------------------------------------------------------------------
    // The codec

    @Test
    @Order(1)
    @Hint("Messages.write puts the body's length first, as 4 bytes in network byte order (big-endian: the most "
            + "significant byte first, what C's htonl gives), then the body, in ONE write of 4 + n bytes, and "
            + "flushes. ByteBuffer is big-endian unless you change it: ByteBuffer.allocate(4 + n).putInt(n).put(body)"
            + ".array(). A body above MAX is an IllegalArgumentException, with nothing written. Lesson 07, \"A "
            + "length prefix\".")
    @DisplayName("Messages.write sends a 4-byte big-endian length, then the body")
    void messages_write_sends_a_4_byte_big_endian_length_then_the_body() {
        for (int size : new int[] {2, 0, 300, MAX}) {
            byte[] body = body(size);
            var sink = new RecordingStream();
            String doing = "called Messages.write(out, " + describeBody(body) + ")";
            LabCode.run(doing, CALL, () -> Messages.write(sink, body));
            byte[] want = message(body);
            byte[] got = sink.bytes();
            if (!Arrays.equals(got, want)) {
                throw CheckFailed.when(doing)
                        .expected(want.length + " bytes: the length " + size + " as 4 big-endian bytes ("
                                + hex(Arrays.copyOf(want, 4)) + "), then the body\n" + dump(want))
                        .got(got.length + " bytes\n" + dump(got))
                        .next(writeAdvice(got, body))
                        .build();
            }
            if (sink.writes() != 1 || !sink.flushedLast()) {
                throw CheckFailed.when(doing)
                        .expected("the " + want.length + " bytes in one write, then a flush")
                        .got(sink.writes() + " writes (" + sink.sizes() + " bytes)"
                                + (sink.flushedLast() ? ", then a flush" : ", and no flush after the last one"))
                        .next(sink.flushedLast()
                                ? "make the whole message first (ByteBuffer.allocate(4 + n).putInt(n).put(body)) and "
                                + "write it once: a 4-byte write and then the body can wait for Nagle's algorithm "
                                + "(Lesson 07, \"A length prefix\")."
                                : "call out.flush() after the write: a BufferedOutputStream (or your caller's) "
                                + "keeps the bytes until then.")
                        .build();
            }
        }
        var sink = new RecordingStream();
        String doing = "called Messages.write(out, a body of " + (MAX + 1) + " bytes): MAX + 1";
        var outcome = LabCode.outcome(doing, CALL, () -> {
            Messages.write(sink, new byte[MAX + 1]);
            return null;
        });
        if (!(outcome.thrown() instanceof IllegalArgumentException) || sink.bytes().length > 0) {
            throw CheckFailed.when(doing)
                    .expected("an IllegalArgumentException, and nothing written")
                    .got((outcome.threw() ? outcome.thrown().toString() : "no exception") + ", "
                            + sink.bytes().length + " bytes written")
                    .next("Messages.write: if (body.length > MAX) throw new IllegalArgumentException(…), before "
                            + "anything is written. MAX itself is allowed: the test is >, not >=.")
                    .build();
        }
    }

    private static String writeAdvice(byte[] got, byte[] body) {
        if (got.length == 0) {
            return "nothing reached the stream: write the message to the OutputStream you are given, and flush it.";
        }
        if (got.length == body.length + 4 && Arrays.equals(Arrays.copyOfRange(got, 4, got.length), body)) {
            int asWritten = ByteBuffer.wrap(got, 0, 4).getInt();
            if (Integer.reverseBytes(asWritten) == body.length) {
                return "the 4 bytes " + hex(Arrays.copyOf(got, 4)) + " are the length " + body.length
                        + " in little-endian order (least significant byte first): the network's order is "
                        + "big-endian. Integer.reverseBytes or a ByteBuffer set to ByteOrder.LITTLE_ENDIAN does "
                        + "this; a plain ByteBuffer (or DataOutputStream.writeInt) is big-endian already.";
            }
            return "the body is right, the 4 bytes before it are not its length " + body.length + " in big-endian "
                    + "order: ByteBuffer.allocate(4 + n).putInt(n).";
        }
        if (got.length == body.length) {
            return "only the body was written: the 4-byte length goes first.";
        }
        return "a message is exactly 4 + n bytes: the length (4 bytes, big-endian), then the n bytes of the body, "
                + "nothing else.";
    }

    @Test
    @Order(2)
    @Hint("Messages.read reads exactly 4 bytes, turns them into the length (big-endian: ByteBuffer.wrap(four)"
            + ".getInt()), and then reads exactly that many bytes. One read() may return fewer bytes than asked, "
            + "even 1: loop until you have them all (in.readNBytes(n) loops for you; DataInputStream.readFully "
            + "too). available() says nothing about what is still to come. Read nothing beyond the message: the "
            + "next one may already be in the stream. Lesson 07, \"Reading exactly n bytes\".")
    @DisplayName("Messages.read returns each message whole, however its bytes arrive")
    void messages_read_returns_each_message_whole_however_its_bytes_arrive() {
        List<byte[]> bodies = List.of(body(2), body(0), body(300), "héllo, 世界".getBytes(StandardCharsets.UTF_8),
                body(MAX));
        var all = new java.io.ByteArrayOutputStream();
        bodies.forEach(b -> all.writeBytes(message(b)));
        for (boolean trickle : new boolean[] {false, true}) {
            var in = new CountingStream(all.toByteArray(), trickle ? 1 : Integer.MAX_VALUE);
            String how = trickle ? "one byte per read() call, available() always 0"
                    : "all at once, in one stream";
            for (int i = 0; i < bodies.size(); i++) {
                byte[] want = bodies.get(i);
                String doing = "gave Messages.read a stream of " + bodies.size() + " messages, " + how
                        + ", and called it for message " + (i + 1) + " (" + describeBody(want) + ")";
                int before = in.consumed();
                var outcome = LabCode.outcome(doing, CALL, () -> Messages.read(in));
                if (outcome.threw() || !Arrays.equals(outcome.value(), want)) {
                    byte[] got = outcome.value();
                    throw CheckFailed.when(doing)
                            .expected("the body, " + want.length + " bytes"
                                    + (want.length <= 64 ? "\n" + dump(want) : ""))
                            .got(outcome.threw() ? outcome.thrown().toString()
                                    : got == null ? "null (that means: the stream ended cleanly)"
                                    : got.length + " bytes" + (got.length <= 64 ? "\n" + dump(got) : ""))
                            .next(readAdvice(outcome.thrown(), got, want, i, trickle,
                                    Arrays.copyOf(message(want), 4)))
                            .cause(outcome.thrown())
                            .build();
                }
                if (in.consumed() - before != 4 + want.length) {
                    throw CheckFailed.when(doing)
                            .expected("the body, having taken its " + (4 + want.length) + " bytes from the stream "
                                    + "(the length and the body), and not one more")
                            .got("the body, having taken " + (in.consumed() - before) + " bytes: the bytes of the "
                                    + "next message that it took are lost to the next call")
                            .next("Messages.read: read exactly 4 bytes and then exactly the body's length, from the "
                                    + "stream you are given. A BufferedInputStream (or a big read()) made inside "
                                    + "read() takes more than the message and drops the rest when it returns.")
                            .build();
                }
            }
            String doing = "called Messages.read once more on that stream, after its last message (" + how + ")";
            var end = LabCode.outcome(doing, CALL, () -> Messages.read(in));
            if (end.threw() || end.value() != null) {
                throw CheckFailed.when(doing)
                        .expected("null: the stream ended cleanly, between two messages")
                        .got(end.threw() ? end.thrown().toString() : end.value().length + " bytes")
                        .next("Messages.read: when the stream ends before the first byte of a length, return null.")
                        .build();
            }
        }
    }

    private static String readAdvice(Throwable thrown, byte[] got, byte[] want, int index, boolean trickle,
            byte[] prefix) {
        int big = ByteBuffer.wrap(prefix).getInt();
        if (thrown instanceof ProtocolException) {
            int little = Integer.reverseBytes(big);
            if (want.length == MAX) {
                return "the length " + big + " (" + hex(prefix) + ") is exactly MAX, which is allowed: refuse only "
                        + "length < 0 || length > MAX.";
            }
            return "the length in the stream here is " + big + " (" + hex(prefix) + " in big-endian order, the "
                    + "network's), from 0 to MAX, and your read refused a length. Likely causes: the length read "
                    + "little-endian (" + hex(prefix) + " read that way is " + little + "); bytes of another "
                    + "message taken for this one's length.";
        }
        if (trickle) {
            return "the same stream given all at once worked; one byte per read() did not. One read() returns "
                    + "whatever has arrived, 1 byte or more: loop until you have all 4 bytes of the length and then "
                    + "all n of the body (in.readNBytes(n) does). available() is no help: it is 0 here.";
        }
        if (got == null && index > 0) {
            return "the first messages came back right and then null: did an earlier call read past its message? "
                    + "A BufferedInputStream made inside read() takes bytes of the next message with it, and they "
                    + "are lost when it is dropped.";
        }
        if (want.length == 0) {
            return "a length of 0 is a message with an empty body: return new byte[0], not null (null means the "
                    + "stream ended).";
        }
        if (want.length == MAX) {
            return "a body of exactly MAX bytes is allowed: refuse only a length > MAX.";
        }
        return "read exactly 4 bytes, the length (big-endian), then exactly that many bytes of body.";
    }

    @Test
    @Order(3)
    @Hint("A stream that ends before the first byte of a length ends cleanly: Messages.read returns null. One that "
            + "ends inside the 4 bytes of a length or inside a body ends in the middle of a message: throw "
            + "java.io.EOFException (a partial array would look like a whole message). readNBytes returns fewer "
            + "bytes than asked at the end of the stream: compare the count. Lesson 07, \"Reading exactly n "
            + "bytes\".")
    @DisplayName("Messages.read tells a clean end of stream from one inside a message")
    void messages_read_tells_a_clean_end_of_stream_from_one_inside_a_message() {
        byte[] half = Arrays.copyOf(message(body(10)), 4 + 3);
        Object[][] cases = {
            {new byte[0], null, "an empty stream"},
            {new byte[] {0, 0}, EOFException.class, "2 of the 4 bytes of a length, then the end"},
            {new byte[] {0, 0, 0}, EOFException.class, "3 of the 4 bytes of a length, then the end"},
            {Arrays.copyOf(message(body(10)), 4), EOFException.class, "the length 10, then the end"},
            {half, EOFException.class, "the length 10 and 3 bytes of the body, then the end"},
        };
        for (boolean trickle : new boolean[] {false, true}) {
            for (Object[] c : cases) {
                byte[] bytes = (byte[]) c[0];
                Object want = c[1];
                String doing = "called Messages.read on a stream of " + c[2] + " (" + hex(bytes) + ")"
                        + (trickle ? ", one byte per read() call" : "");
                var in = new CountingStream(bytes, trickle ? 1 : Integer.MAX_VALUE);
                var outcome = LabCode.outcome(doing, CALL, () -> Messages.read(in));
                boolean right = want == null ? !outcome.threw() && outcome.value() == null
                        : outcome.thrown() instanceof EOFException;
                if (!right) {
                    throw CheckFailed.when(doing)
                            .expected(want == null ? "null: the stream ended cleanly, before any message"
                                    : "an EOFException: the stream ended in the middle of a message")
                            .got(outcome.threw() ? outcome.thrown().toString()
                                    : outcome.value() == null ? "null"
                                    : outcome.value().length + " bytes: " + hex(outcome.value()))
                            .next(want == null
                                    ? "Messages.read: if the stream ends before the first byte of the length, "
                                    + "return null."
                                    : "Messages.read: the stream ended after some of the message's bytes. Count what "
                                    + "you got (read returns -1, readNBytes returns fewer than asked) and throw "
                                    + "new EOFException(…); null is only for an end before the first byte.")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(4)
    @Hint("A length below 0 or above MAX cannot be a message of this protocol: Messages.read throws "
            + "java.net.ProtocolException with a message that says what the length was, and reads nothing after "
            + "the 4 bytes (no new byte[length] for a length it does not trust). The 4 bytes ff ff ff ff are -1 as "
            + "a Java int. Lesson 07, \"A length you cannot trust\".")
    @DisplayName("Messages.read refuses a length above MAX or below 0, reading nothing past it")
    void messages_read_refuses_a_length_above_max_or_below_0_reading_nothing_past_it() {
        for (int length : new int[] {MAX + 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            byte[] bytes = new byte[4 + 100];
            ByteBuffer.wrap(bytes).putInt(length);
            var in = new CountingStream(bytes, Integer.MAX_VALUE);
            String doing = "called Messages.read on a stream that starts with the length " + length + " ("
                    + hex(Arrays.copyOf(bytes, 4)) + "), followed by 100 more bytes";
            var outcome = LabCode.outcome(doing, CALL, () -> Messages.read(in));
            Throwable t = outcome.thrown();
            if (!(t instanceof ProtocolException) || t.getMessage() == null || t.getMessage().isBlank()) {
                throw CheckFailed.when(doing)
                        .expected("a java.net.ProtocolException with a message that says what was wrong")
                        .got(outcome.threw() ? t.toString() : outcome.value() == null ? "null"
                                : outcome.value().length + " bytes")
                        .next(t instanceof OutOfMemoryError || t instanceof NegativeArraySizeException
                                ? "Messages.read: check the length before new byte[length]: a peer that sends a "
                                + "huge or negative length must not make your server allocate it."
                                : "Messages.read: if (length < 0 || length > MAX) throw new ProtocolException(\"a "
                                + "length of \" + length + …). MAX itself is allowed.")
                        .cause(t instanceof ProtocolException ? null : t)
                        .build();
            }
            if (in.consumed() != 4) {
                throw CheckFailed.when(doing)
                        .expected("a ProtocolException after reading the 4 bytes of the length, and not one byte more")
                        .got("the ProtocolException, after " + in.consumed() + " bytes were read from the stream")
                        .next("Messages.read: check the length as soon as you have it, before reading any of the "
                                + "body.")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The server

    @Test
    @Order(5)
    @Hint("Each request is one message whose body is UTF-8 text: PUT <key> <value> stores and answers OK; GET <key> "
            + "answers VALUE <value> or NOT_FOUND; DEL <key> answers OK or NOT_FOUND. A value is everything after "
            + "the key's space, spaces included, and may be empty (request.split(\" \", 3)). Each reply is one "
            + "message too: Messages.write(out, reply.getBytes(StandardCharsets.UTF_8)). Lesson 07, \"The "
            + "store's protocol\".")
    @DisplayName("The server answers PUT, GET and DEL byte for byte")
    void the_server_answers_put_get_and_del_byte_for_byte() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "GET colour", "NOT_FOUND");
            exchange(server, client, "PUT colour blue", "OK");
            exchange(server, client, "GET colour", "VALUE blue");
            exchange(server, client, "PUT colour dark  blue ", "OK");
            exchange(server, client, "GET colour", "VALUE dark  blue ");
            exchange(server, client, "PUT empty ", "OK");
            exchange(server, client, "GET empty", "VALUE ");
            exchange(server, client, "DEL colour", "OK");
            exchange(server, client, "GET colour", "NOT_FOUND");
            exchange(server, client, "DEL colour", "NOT_FOUND");
            exchange(server, client, "GET empty", "VALUE ");
        }
        // The accept loop's thread must not keep a JVM alive whose main() is done: a daemon, as the constructor
        // makes it. Started as main() starts it, from a thread that is not a daemon (a new thread inherits that).
        try (var server = ServerUnderCheck.startFromAPlainThread(PATIENT)) {
            server.awaitWaitingInAccept(WAIT);
            var threads = new ArrayList<>(server.threads());
            Thread serving = server.servingThread();
            if (serving != null && serving.isAlive() && !threads.contains(serving)) {
                threads.add(serving);
            }
            for (Thread t : threads) {
                if (!t.isDaemon()) {
                    throw CheckFailed.when("started your server and looked at the threads that run it")
                            .expected("daemon threads only: a program whose main() returns without close() must end")
                            .got("thread \"" + t.getName() + "\" is not a daemon: it would keep the JVM running")
                            .next("start(): start the thread the constructor made (server.serving.start()); it is "
                                    + "a daemon already. A new Thread(...) of your own is not, unless you call "
                                    + "setDaemon(true) before starting it.")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(6)
    @Hint("TCP keeps no message boundaries: two requests the client wrote at once can arrive in one read. "
            + "converse() must answer every message in the stream, in order: loop on Messages.read, which takes "
            + "exactly one message and leaves the next one in the stream. Likely causes: one read() into a big "
            + "buffer taken as one request; a BufferedInputStream made afresh for each request (it swallows the "
            + "next one). Lesson 07, \"Message boundaries\".")
    @DisplayName("Two requests in one write get two replies, in order")
    void two_requests_in_one_write_get_two_replies_in_order() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            var both = new java.io.ByteArrayOutputStream();
            both.writeBytes(message("PUT glued yes"));
            both.writeBytes(message("GET glued"));
            both.writeBytes(message("DEL glued"));
            client.send(both.toByteArray());
            wire.event("the kit sent three requests in one write: PUT glued yes, GET glued, DEL glued");
            String doing = "sent three requests in one write (PUT glued yes, GET glued, DEL glued)";
            expectReply(server, client, doing, "OK", "the first reply");
            expectReply(server, client, doing, "VALUE yes", "the second reply");
            expectReply(server, client, doing, "OK", "the third reply");
        }
    }

    @Test
    @Order(7)
    @Hint("TCP can also split a message: its bytes may come in pieces, with pauses between them. Messages.read "
            + "must wait for all 4 bytes of the length and then for all of the body, and the server must not "
            + "answer before the request is whole. Likely causes: one read() taken as the whole message (it "
            + "returns what has arrived so far); available() used to decide how much to read. Lesson 07, \"Reading "
            + "exactly n bytes\".")
    @DisplayName("A request that arrives in three pieces gets one reply")
    void a_request_that_arrives_in_three_pieces_gets_one_reply() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            client.socket().setTcpNoDelay(true);      // each piece leaves at once, in a segment of its own
            exchange(server, client, "PUT split before", "OK");
            byte[] request = message("PUT split three pieces");
            int[] cuts = {2, 9, request.length};
            int from = 0;
            for (int i = 0; i < cuts.length; i++) {
                client.send(Arrays.copyOfRange(request, from, cuts[i]));
                from = cuts[i];
                if (i < cuts.length - 1) {
                    // The piece has been delivered (loopback, no delay) and the server has had time to act on it.
                    Received early = client.read(1, NOTHING_YET);
                    if (early.ending() != Ending.TIMED_OUT) {
                        throw CheckFailed.when("sent the request \"PUT split three pieces\" in three pieces, and "
                                        + "waited " + NOTHING_YET.toMillis() + " ms after piece " + (i + 1)
                                        + " (" + cuts[i] + " of its " + request.length + " bytes so far)")
                                .expected("nothing yet: the request is not whole")
                                .got(early.bytes().length > 0 ? "a reply began (" + hex(early.bytes()) + ")"
                                        : early.ending() == Ending.CLOSED ? "your server closed the connection"
                                        : "your server reset the connection")
                                .wire(wire)
                                .next(early.bytes().length > 0
                                        ? "your server answered part of a message: Messages.read must read exactly 4 "
                                        + "bytes of length and then exactly that many bytes of body, looping while "
                                        + "read() returns fewer."
                                        : "your server gave up on a request that had not all arrived: a read that "
                                        + "returns fewer bytes than asked is not an end of stream. Loop.\n"
                                        + server.logForMessage())
                                .build();
                    }
                    wire.event("the kit waited " + NOTHING_YET.toMillis() + " ms: nothing came, as it should");
                }
            }
            expectReply(server, client, "sent the request \"PUT split three pieces\" in three pieces", "OK",
                    "the reply");
            exchange(server, client, "GET split", "VALUE three pieces");
        }
    }

    @Test
    @Order(8)
    @Hint("A request whose words are wrong (an unknown or lower-case command, a missing key, GET or DEL with more "
            + "than one key, an empty body) is answered with one message \"ERROR <reason>\", and the conversation "
            + "goes on: the framing is intact, only the words are wrong. No log line either: the client did not "
            + "break the protocol. Lesson 07, \"The store's protocol\".")
    @DisplayName("A malformed request gets ERROR, and the conversation goes on")
    void a_malformed_request_gets_error_and_the_conversation_goes_on() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "PUT kept safe", "OK");
            for (String bad : List.of("", "HELLO", "put kept lost", "GET", "GET ", "DEL", "PUT kept", "PUT  lost",
                    "GET kept too", "DEL kept too", "PUT")) {
                expectError(server, client, bad);
            }
            exchange(server, client, "GET kept", "VALUE safe");
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("sent requests with wrong words, each answered with ERROR")
                        .expected("nothing in your server's log: the framing was right, only the words were wrong")
                        .got(server.logForMessage())
                        .next("converse(): a malformed request is answered with ERROR by answer(); log only a "
                                + "client that breaks the framing or the connection.")
                        .build();
            }
        }
    }

    @Test
    @Order(9)
    @Hint("A body may be 0 bytes (a malformed request, answered with ERROR) or exactly MAX bytes (65536): both are "
            + "messages. A PUT of MAX bytes is stored, and the GET that follows gets a reply of exactly MAX bytes. "
            + "Likely causes: length >= MAX refused instead of length > MAX; a length of 0 taken for the end of "
            + "the stream. Lesson 07, \"A length you cannot trust\".")
    @DisplayName("A body of 0 bytes and one of exactly MAX bytes are messages")
    void a_body_of_0_bytes_and_one_of_exactly_max_bytes_are_messages() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            expectError(server, client, "");
            // "PUT k " is as long as "VALUE ", so the reply to the GET is exactly MAX bytes too.
            String value = "x".repeat(MAX - "PUT k ".length());
            exchange(server, client, "PUT k " + value, "OK");
            exchange(server, client, "GET k", "VALUE " + value);
            expectError(server, client, "");
            exchange(server, client, "DEL k", "OK");
        }
    }

    @Test
    @Order(10)
    @Hint("A length above MAX or below 0 breaks the framing itself: no later byte can be trusted to start a "
            + "message. converse() answers it with ONE message \"ERROR <reason>\" and then closes that connection "
            + "(catch the ProtocolException from Messages.read, write the ERROR, close). Every other conversation "
            + "goes on. Lesson 07, \"A length you cannot trust\".")
    @DisplayName("A length above MAX or below 0 gets one ERROR, then a close, and no one else notices")
    void a_length_above_max_or_below_0_gets_one_error_then_a_close() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var other = connect(server.port())) {
            exchange(server, other, "PUT other here", "OK");
            for (int length : new int[] {MAX + 1, -1}) {
                try (var bad = connect(server.port())) {
                    exchange(server, bad, "GET other", "VALUE here");
                    byte[] prefix = ByteBuffer.allocate(4).putInt(length).array();
                    bad.send(prefix);
                    String doing = "sent the length " + length + " (" + hex(prefix) + ") and nothing after it";
                    wire.event("the kit " + doing);
                    byte[] reply = readReply(server, bad, doing, "one ERROR reply");
                    String text = new String(reply, StandardCharsets.UTF_8);
                    if (!text.startsWith("ERROR ")) {
                        throw CheckFailed.when(doing)
                                .expected("one reply \"ERROR <reason>\", then the end of the connection")
                                .got("the reply " + Transcript.quote(text))
                                .wire(wire)
                                .next("converse(): catch the ProtocolException that Messages.read throws, write "
                                        + "one message \"ERROR \" + the reason, then close the connection.")
                                .build();
                    }
                    Received end = bad.read(1, WAIT);
                    if (end.ending() != Ending.CLOSED && end.ending() != Ending.RESET) {
                        throw CheckFailed.when(doing + ", and read its ERROR reply")
                                .expected("the end of the connection: after a length out of range, no byte can be "
                                        + "trusted to start a message")
                                .got(end.bytes().length > 0 ? "more bytes: " + hex(end.bytes())
                                        : "the connection still open after " + LabCode.seconds(WAIT))
                                .wire(wire)
                                .next("converse(): after the ERROR reply, let the ProtocolException end the "
                                        + "conversation (its try-with-resources closes the socket).")
                                .build();
                    }
                }
                exchange(server, other, "GET other", "VALUE here");
            }
        }
    }

    @Test
    @Order(11)
    @Hint("Every client sees the same store, and each has its conversation on a thread of its own: a client "
            + "that has sent half a message (its thread waits in Messages.read) holds up no one. The store is "
            + "shared by many threads at once: a ConcurrentHashMap, not a HashMap. Lesson 07, \"The lab\"; "
            + "Lesson 06 for the threads.")
    @DisplayName("Clients share one store, and one stuck in the middle of a message holds up no one")
    void clients_share_one_store_and_one_stuck_in_the_middle_of_a_message_holds_up_no_one() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var stuck = connect(server.port());
             var writer = connect(server.port());
             var reader = connect(server.port())) {
            stuck.send(Arrays.copyOf(message("PUT never finished"), 6));
            wire.event("a client sent 6 bytes of a message and stopped");
            exchange(server, writer, "PUT shared 1", "OK");
            exchange(server, reader, "GET shared", "VALUE 1");
            exchange(server, reader, "PUT shared 2", "OK");
            exchange(server, writer, "GET shared", "VALUE 2");
            exchange(server, writer, "DEL shared", "OK");
            exchange(server, reader, "GET shared", "NOT_FOUND");
        }
    }

    @Test
    @Order(12)
    @Hint("A request's body is UTF-8, and so is every reply: new String(body, StandardCharsets.UTF_8) and "
            + "reply.getBytes(StandardCharsets.UTF_8). The length is the number of BYTES (\"值\" is 1 char and 3 "
            + "bytes): take it from the byte array, never from String.length(). Lesson 07, \"The store's protocol\".")
    @DisplayName("Keys and values are UTF-8, and a length counts bytes")
    void keys_and_values_are_utf_8_and_a_length_counts_bytes() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            for (int i = 0; i < UTF8_REQUESTS.size(); i++) {
                exchange(server, client, UTF8_REQUESTS.get(i), UTF8_REPLIES.get(i));
            }
        }
    }

    @Test
    @Order(13)
    @Hint("Under LANG=C, JDK 17's default charset is US-ASCII: new String(body) and reply.getBytes() without a "
            + "charset turn 值 into ?. Name UTF-8 every time you turn bytes into text or back: new String(body, "
            + "StandardCharsets.UTF_8), reply.getBytes(StandardCharsets.UTF_8). Lesson 07, \"The store's "
            + "protocol\".")
    @DisplayName("Keys and values stay UTF-8 where the default charset is ASCII")
    void keys_and_values_stay_utf_8_where_the_default_charset_is_ascii() throws Exception {
        var child = ChildJvm.run(Utf8Probe07.class.getName(),
                List.of("-Dfile.encoding=US-ASCII", "-Dsun.jnu.encoding=US-ASCII"),
                Map.of("LANG", "C", "LC_ALL", "C"), new byte[0], Duration.ofSeconds(30));
        String doing = "started your server in a JVM whose default charset is US-ASCII (LANG=C) and sent it "
                + UTF8_REQUESTS;
        if (child.notWrittenYet() != null) {
            throw CheckFailed.when(doing)
                    .expected("the replies " + UTF8_REPLIES)
                    .got("it is not written yet: " + child.notWrittenYet())
                    .next("the earlier checks first")
                    .build();
        }
        List<String> lines = child.outText().lines().toList();
        for (int i = 0; i < UTF8_REPLIES.size(); i++) {
            String want = HexFormat.of().formatHex(message(UTF8_REPLIES.get(i)));
            String got = i < lines.size() ? lines.get(i) : null;
            if (!want.equals(got)) {
                String gotText = got == null || got.equals("EOF") || got.length() < 8 ? String.valueOf(got)
                        : got.substring(0, 8) + " " + Transcript.quote(new String(HexFormat.of()
                        .parseHex(got.substring(8)), StandardCharsets.UTF_8));
                throw CheckFailed.when(doing)
                        .expected("the reply to " + Transcript.quote(UTF8_REQUESTS.get(i)) + ": "
                                + Transcript.quote(UTF8_REPLIES.get(i)) + ", on the wire " + spaced(want))
                        .got(got == null ? "no reply; the child: " + child.describe()
                                : "on the wire " + spaced(got) + " (length prefix, then the body: " + gotText + ")")
                        .next("name the charset: new String(body, StandardCharsets.UTF_8) and "
                                + "reply.getBytes(StandardCharsets.UTF_8). The default one is US-ASCII here, and "
                                + "turns every character it lacks into '?'.")
                        .build();
            }
        }
    }

    @Test
    @Order(14)
    @Hint("A client that resets, leaves in the middle of a message, sends a length out of range or says nothing "
            + "for the read timeout ends ITS conversation, with one line in the log that names it "
            + "(client.getRemoteSocketAddress()). Set the read timeout on each accepted socket (client"
            + ".setSoTimeout), catch IOException in converse() (a ProtocolException is one), close its socket. "
            + "Lesson 07, \"The lab\"; Lesson 06, \"Shared state\".")
    @DisplayName("A client that goes wrong costs one log line, and no one else anything")
    void a_client_that_goes_wrong_costs_one_log_line_and_no_one_else_anything() throws IOException {
        // Longer than the kit ever leaves the talking client idle (WAIT, while it waits for a log line).
        Duration readTimeout = Duration.ofMillis(3000);
        try (var server = ServerUnderCheck.start(readTimeout);
             var talker = connect(server.port())) {
            int port = server.port();
            exchange(server, talker, "PUT t 0", "OK");
            var peers = new ArrayList<Peer>();
            try (var rude = connectFromClientIp(port);
                 var leaver = connectFromClientIp(port);
                 var liar = connectFromClientIp(port);
                 var silent = connectFromClientIp(port)) {
                peers.add(Peer.of(rude));
                peers.add(Peer.of(leaver));
                peers.add(Peer.of(liar));
                peers.add(Peer.of(silent));
                exchange(server, rude, "GET t", "VALUE 0");
                rude.reset();
                server.awaitLogLines(1, WAIT);
                exchange(server, talker, "PUT t 1", "OK");
                leaver.send(Arrays.copyOf(message("PUT half a message"), 10));
                leaver.shutdownOutput();
                Received half = leaver.read(1, WAIT);
                if (half.bytes().length > 0 || half.ending() == Ending.TIMED_OUT) {
                    throw CheckFailed.when("sent 10 bytes of a 22-byte message and then closed its sending side")
                            .expected("no reply (half a message is no request), and your server closing its side")
                            .got(describe(half, WAIT))
                            .wire(wire)
                            .next("converse(): Messages.read throws EOFException here; catch IOException, log one "
                                    + "line, and let try-with-resources close the socket.")
                            .build();
                }
                server.awaitLogLines(2, WAIT);
                exchange(server, talker, "PUT t 2", "OK");
                liar.send(ByteBuffer.allocate(4).putInt(MAX + 1).array());
                readReply(server, liar, "sent the length " + (MAX + 1), "one ERROR reply");
                liar.read(1, WAIT);
                server.awaitLogLines(3, WAIT);
                Duration limit = readTimeout.multipliedBy(4);    // the check's own limit is 30 s
                long deadline = System.nanoTime() + limit.toNanos();
                Received dropped;
                int round = 0;
                do {
                    exchange(server, talker, "PUT t " + ++round, "OK");
                    dropped = silent.read(1, Duration.ofMillis(100));
                } while (dropped.ending() == Ending.TIMED_OUT && System.nanoTime() < deadline);
                if (dropped.ending() != Ending.CLOSED && dropped.ending() != Ending.RESET) {
                    throw CheckFailed.when("connected a client that says nothing to a server started with "
                                    + "readTimeout " + readTimeout.toMillis() + " ms")
                            .expected("your server to close that connection within " + LabCode.seconds(limit))
                            .got(describe(dropped, limit) + " (another client talked on meanwhile)")
                            .next("converse(): client.setSoTimeout((int) readTimeout.toMillis()) on the ACCEPTED "
                                    + "socket before the first read.")
                            .build();
                }
                server.awaitLogLines(4, WAIT);
                exchange(server, talker, "GET t", "VALUE " + round);
            }
            talker.shutdownOutput();
            talker.read(1, WAIT);
            server.closeServer();
            expectOneLinePerPeer(server, peers, "made one client reset, one leave in the middle of a message, one "
                    + "send a length above MAX and one stay silent past the read timeout, while another kept "
                    + "talking; then closed the server");
        }
    }

    @Test
    @Order(15)
    @Hint("A client that closes between two messages (Messages.read returns null) gets its connection closed, "
            + "or it sits in CLOSE_WAIT for good; close() ends every conversation in progress, closes the "
            + "listener and waits for the threads, with no log line for what it ends on purpose. close() is "
            + "given: if this fails, converse() does not close its socket on every path (try (client) { … }), or "
            + "does not keep it in `open` while it talks. Lesson 06, \"Stopping a concurrent server\".")
    @DisplayName("close() ends every connection and leaves nothing listening or in CLOSE_WAIT")
    void close_ends_every_connection_and_leaves_nothing_listening_or_in_close_wait() throws Exception {
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        // A conversation that ends by an exception it does not catch (a NullPointerException on the null that
        // says goodbye, say) closes its socket all the same; only the thread's death shows it.
        var uncaught = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e.getClass().getName()));
        try (var server = ServerUnderCheck.start(PATIENT);
             var idle = connect(server.port());
             var halfway = connect(server.port());
             var leaving = connect(server.port())) {
            int port = server.port();
            exchange(server, idle, "PUT a 1", "OK");
            exchange(server, halfway, "GET a", "VALUE 1");
            halfway.send(Arrays.copyOf(message("GET a"), 5));
            exchange(server, leaving, "DEL a", "OK");
            leaving.shutdownOutput();
            Received gone = leaving.read(1, WAIT);
            int kitPort = leaving.socket().getLocalPort();
            if (gone.ending() != Ending.CLOSED || gone.bytes().length > 0) {
                throw CheckFailed.when("had a client send a request, read its reply and close its sending side (FIN)")
                        .expected("your server to close that connection (the kit reads -1)")
                        .got(describe(gone, WAIT))
                        .wire(wire)
                        .next("converse(): when Messages.read returns null the client has closed; leave the loop "
                                + "and close the socket (try (client) { … }).")
                        .build();
            }
            leaving.close();
            if (Inspector.available() && !pollUntil(() -> Inspector.tcpRowsBetween(port, kitPort).isEmpty())) {
                throw CheckFailed.when("closed a client's connection and looked at the kernel's table")
                        .expected("no row left for your server's side of that connection")
                        .got(Inspector.tcpRowsBetween(port, kitPort).toString())
                        .wire(wire)
                        .next("converse(): close the accepted socket itself, not just its output.")
                        .build();
            }
            // `open` holds the conversations in progress, and only those: a socket left in it after its
            // conversation ended is a leak that grows with every client.
            if (!pollUntil(() -> server.openSockets() == 2)) {
                int count = server.openSockets();
                throw CheckFailed.when("let one of three clients close, and looked at your server's `open` set")
                        .expected("two sockets in it: the clients still connected")
                        .got(count < 0 ? "no `open` set of sockets in your StoreServer" : count + " sockets")
                        .wire(wire)
                        .next(count > 2
                                ? "converse(): remove the client from `open` when its conversation ends, on every "
                                + "path (a finally block)."
                                : "converse(): add the client to `open` when its conversation starts (close() must "
                                + "reach it there), and remove it when the conversation ends.")
                        .build();
            }
            List<Thread> threads = server.threads();
            server.closeServer();
            wire.event("the check called close() on your server");
            for (var entry : List.of(Map.entry("the idle client", idle),
                    Map.entry("the client in the middle of a message", halfway))) {
                Received end = entry.getValue().read(1, WAIT);
                if (end.ending() != Ending.CLOSED && end.ending() != Ending.RESET) {
                    throw CheckFailed.when("called close() on your server with two clients connected")
                            .expected(entry.getKey() + "'s connection to end: the kit reads -1 (or a reset)")
                            .got(describe(end, WAIT))
                            .wire(wire)
                            .next("converse(): add the client to `open` when its conversation starts and remove it "
                                    + "when it ends: close() closes the sockets it finds there.")
                            .build();
                }
            }
            idle.close();                             // the kit's own ends: only your server's may be left now
            halfway.close();
            if (!pollUntil(() -> threads.stream().noneMatch(Thread::isAlive)
                    && (!Inspector.available() || (Inspector.ownListeners(port).isEmpty()
                    && Inspector.openedSince(before).isEmpty())))) {
                var left = Inspector.available() ? Inspector.openedSince(before) : List.<Inspector.Descriptor>of();
                throw CheckFailed.when("called close() on your server")
                        .expected("no thread of your server, no listener and no socket of it left")
                        .got(threads.stream().filter(Thread::isAlive).map(t -> "thread \"" + t.getName()
                                + "\" still runs").collect(Collectors.joining(", "))
                                + (left.isEmpty() ? "" : " " + left.size() + " socket descriptor(s) still open: "
                                + left.stream().map(d -> Inspector.row(d.inode()).map(Object::toString)
                                .orElse("fd " + d.fd())).collect(Collectors.joining("; "))))
                        .wire(wire)
                        .next("converse(): close the socket on every path (try (client) { … }), and return when "
                                + "its read fails.")
                        .build();
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("let a client leave politely and then called close() on your server")
                        .expected("nothing in your server's log: neither is an error")
                        .got(server.logForMessage())
                        .next("converse(): log only when `closing` is not set, and never for a null from "
                                + "Messages.read.")
                        .build();
            }
            // The threads have ended; an uncaught exception is reported as its thread ends: give it a moment.
            Poll.until(() -> !uncaught.isEmpty(), Duration.ofMillis(200), Duration.ofMillis(10));
            if (!uncaught.isEmpty()) {
                throw CheckFailed.when("let a client leave politely and then called close() on your server")
                        .expected("every conversation to end normally")
                        .got("a thread of your server died of an exception it did not catch: " + uncaught.get(0))
                        .next("converse(): Messages.read returns null when the client has closed: leave the loop "
                                + "then, before the request is used (while ((request = Messages.read(in)) != "
                                + "null)).")
                        .build();
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    @Order(16)
    @Hint("stop() is given: it closes the listener ONLY, so no new client gets in (\"Connection refused\") and "
            + "every conversation in progress goes on until its client closes; awaitStopped() (given) says true "
            + "only once they have all ended. If this fails, converse() ends a conversation that stop() should "
            + "have left alone, or does not end when its client closes. Lesson 06, \"Stopping a concurrent "
            + "server\".")
    @DisplayName("stop() refuses new clients and lets every conversation finish")
    void stop_refuses_new_clients_and_lets_every_conversation_finish() throws IOException {
        Duration limit = Duration.ofMillis(300);
        try (var server = ServerUnderCheck.start(PATIENT);
             var one = connect(server.port());
             var two = connect(server.port())) {
            int port = server.port();
            exchange(server, one, "PUT one 1", "OK");
            exchange(server, two, "PUT two 2", "OK");
            server.awaitWaitingInAccept(WAIT);
            server.stop();
            wire.event("the check called stop() on your server");
            pollUntil(() -> server.threadInAccept().isEmpty()
                    && (!Inspector.available() || Inspector.ownListeners(port).isEmpty()));
            try (var late = new Socket()) {
                late.connect(new InetSocketAddress(HOST, port), (int) WAIT.toMillis());
                throw CheckFailed.when("called stop() and then connected to port " + port)
                        .expected("\"Connection refused\": no listener, no new connection")
                        .got("the connection was accepted")
                        .wire(wire)
                        .next("stop() is given: it closes the ServerSocket; put it back as the stub has it.")
                        .build();
            } catch (java.net.ConnectException expected) {
                wire.event("connect after stop(): " + expected.getMessage());
            }
            exchange(server, two, "GET one", "VALUE 1");
            exchange(server, one, "GET two", "VALUE 2");
            var early = server.timeAwaitStopped(limit);
            if (early.stopped()) {
                throw CheckFailed.when("called stop() while two conversations went on, then awaitStopped("
                                + limit.toMillis() + " ms)")
                        .expected("false: two conversations are still in progress")
                        .got("true")
                        .wire(wire)
                        .next("run each conversation with the given conversations executor; awaitStopped() waits "
                                + "for its tasks, and cannot see threads of your own.")
                        .build();
            }
            for (var client : List.of(one, two)) {
                client.shutdownOutput();
                Received end = client.read(1, WAIT);
                if (end.ending() != Ending.CLOSED) {
                    throw CheckFailed.when("closed a client's sending side after stop()")
                            .expected("your server to close its side (the kit reads -1)")
                            .got(describe(end, WAIT))
                            .wire(wire)
                            .next("converse(): close the socket when Messages.read returns null.")
                            .build();
                }
            }
            if (!server.timeAwaitStopped(WAIT).stopped()) {
                throw CheckFailed.when("called stop(), let both conversations end, then called awaitStopped("
                                + LabCode.seconds(WAIT) + ")")
                        .expected("true: the listener is closed and no conversation is left")
                        .got("false")
                        .wire(wire)
                        .next("converse(): return once the client has closed (Messages.read returned null), so its "
                                + "thread ends.\n" + server.logForMessage())
                        .build();
            }
        }
    }

    @Test
    @Order(17)
    @Hint("close() is given: it waits for the threads with awaitStopped(), which throws InterruptedException when "
            + "the calling thread is interrupted, and keeps the interrupt with Thread.currentThread().interrupt(). "
            + "If this fails, close() was changed: put it back as the stub has it. Lesson 06, \"Stopping a "
            + "concurrent server\".")
    @DisplayName("close() keeps the interrupt of the thread that calls it")
    void close_keeps_the_interrupt_of_the_thread_that_calls_it() throws IOException {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            // A conversation held in its log line is alive for sure: close()'s wait meets the interrupt every run.
            holdAConversationInTheLog(server);
            boolean kept = server.closeWhileInterrupted();
            server.releaseLog();
            if (!kept) {
                throw CheckFailed.when("called close() from a thread whose interrupt status was set, while a "
                                + "conversation's thread was still running")
                        .expected("close() to return with the interrupt status still set")
                        .got("the interrupt status was cleared: close() caught the InterruptedException and "
                                + "dropped it")
                        .next("close(): catch (InterruptedException e) { Thread.currentThread().interrupt(); }")
                        .build();
            }
        }
    }

    @Test
    @Order(18)
    @Hint("close() is given: it ends the server and then WAITS for its threads, awaitStopped(Duration.ofSeconds(1)) "
            + "after closing the listener and every socket in `open`. If this fails, close() was changed, or "
            + "converse() runs somewhere awaitStopped() cannot see (use the given conversations executor). Lesson "
            + "06, \"Stopping a concurrent server\".")
    @DisplayName("close() waits until every thread has ended")
    void close_waits_until_every_thread_has_ended() throws Exception {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            holdAConversationInTheLog(server);
            List<Thread> serving = server.threads();
            var done = new CompletableFuture<Void>();
            // close() must wait up to a second for the held thread: done within EARLY, it did not wait.
            long called = System.nanoTime();
            server.closeInBackground(done);
            if (LabCode.finishedWithin(done, called, EARLY)) {
                server.releaseLog();
                if (done.isCompletedExceptionally()) {
                    throw LabCode.threw("called close() on your server",
                            done.handle((v, t) -> t instanceof java.util.concurrent.CompletionException c
                                    ? c.getCause() : t).join());
                }
                throw CheckFailed.when("called close() while a conversation's thread was still busy (the check held "
                                + "it in its log line about a client that reset)")
                        .expected("close() to wait for that thread to end")
                        .got("close() returned at once, the thread still running")
                        .next("close(): after closing the listener and the sockets in `open`, "
                                + "awaitStopped(Duration.ofSeconds(1)).")
                        .build();
            }
            // On a loaded machine the check may come back here after close()'s second is over: it then returned
            // with the thread still held, as it may; only a close() that returns after the release is judged below.
            boolean gaveUpWhileHeld = done.isDone();
            server.releaseLog();
            try {
                done.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw CheckFailed.when("called close(), then let the conversation's thread go on and end")
                        .expected("close() to return once the threads had ended")
                        .got("close() was still running after " + LabCode.seconds(CALL))
                        .next("close(): wait with awaitStopped(a limit), never without one.")
                        .build();
            } catch (ExecutionException e) {
                throw LabCode.threw("called close() on your server", e.getCause());
            }
            if (!gaveUpWhileHeld && !Poll.until(() -> serving.stream().noneMatch(Thread::isAlive), GRACE, Duration.ofMillis(10))) {
                Thread t = serving.stream().filter(Thread::isAlive).findFirst().orElseThrow();
                throw CheckFailed.when("called close() and let it return")
                        .expected("close() to return once the accept loop's thread and the conversations' threads "
                                + "have ended")
                        .got("close() returned while thread \"" + t.getName() + "\" was still running")
                        .next("close(): awaitStopped(Duration.ofSeconds(1)) after closing everything.")
                        .build();
            }
        }
    }

    /** Makes a client reset, and waits until the server's conversation thread is held in its log line about it. */
    private void holdAConversationInTheLog(ServerUnderCheck server) throws IOException {
        try (var rude = connect(server.port())) {
            exchange(server, rude, "PUT hold on", "OK");
            rude.reset();
        }
        if (!server.awaitHeldInLog(WAIT)) {
            throw CheckFailed.when("made a client reset its connection and waited for your server's log line")
                    .expected("one line in the log about that client")
                    .got(server.logForMessage())
                    .wire(wire)
                    .next("converse(): catch IOException around the conversation and log one line.")
                    .build();
        }
    }

    @Test
    @Order(19)
    @Hint("start() binds before it makes the server, so a bind that fails leaves nothing running. Close the "
            + "ServerSocket when bind() throws (try/catch, close, throw again). A port in use and a host that does "
            + "not resolve are IOExceptions; a port outside 0..65535 is an IllegalArgumentException. Lesson 06, "
            + "\"The lab\".")
    @DisplayName("A start() that fails leaves nothing open")
    void a_start_that_fails_leaves_nothing_open() throws IOException {
        try (var blocker = new java.net.ServerSocket()) {
            blocker.bind(new InetSocketAddress(HOST, 0));
            int taken = blocker.getLocalPort();
            expectFailedStart(HOST, taken, IOException.class, "port " + taken + " already has a listener");
            expectFailedStart("nowhere.invalid", 0, IOException.class, "a host name that does not resolve");
            expectFailedStart(HOST, 65536, IllegalArgumentException.class, "port 65536, one above the last");
            expectFailedStart(HOST, -1, IllegalArgumentException.class, "port -1");
        }
    }

    private void expectFailedStart(String host, int port, Class<? extends Exception> type, String why) {
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
        String doing = "called StoreServer.start(\"" + host + "\", " + port + ", …) (" + why + ")";
        var outcome = LabCode.outcome(doing, Duration.ofSeconds(5),
                () -> StoreServer.start(host, port, PATIENT, new PrintStream(OutputStream.nullOutputStream())));
        if (!outcome.threw()) {
            Sockets.closeAll(outcome.value());
            throw CheckFailed.when(doing)
                    .expected("an " + type.getSimpleName())
                    .got("a running server")
                    .next("start(): let bind()'s exception out; the caller has to know the server is not running.")
                    .build();
        }
        if (!type.isInstance(outcome.thrown())) {
            throw CheckFailed.when(doing)
                    .expected("an " + type.getSimpleName())
                    .got(outcome.thrown().toString())
                    .next("start(): let the exception of new InetSocketAddress(…) or bind() out as it is, not "
                            + "wrapped in another one.")
                    .cause(outcome.thrown())
                    .build();
        }
        List<Inspector.Descriptor> left = Inspector.openedSince(before);
        if (!left.isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected(type.getSimpleName() + ", and nothing left open")
                    .got(outcome.thrown() + "\nbut " + left.size() + " socket descriptor(s) still open (the "
                            + "listener that failed to bind, most likely)")
                    .next("start(): when bind() throws, close the ServerSocket before you throw again (try { bind } "
                            + "catch (IOException | RuntimeException e) { listener.close(); throw e; }).")
                    .build();
        }
        List<Thread> running = newThreads(threadsBefore);
        if (!running.isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected(type.getSimpleName() + ", and no thread left running")
                    .got("thread \"" + running.get(0).getName() + "\" still runs your code")
                    .next("start(): bind first; make the server and start its thread only once the listener is "
                            + "bound.")
                    .build();
        }
    }

    @Test
    @Order(20)
    @Hint("run() is given finished, and follows the kit's convention (Lesson 02): a usage error (not two "
            + "arguments, an <ip> that is no IP address, a <port> that is not a number from 0 to 65535) is exit "
            + "code 2, with a line holding \"Usage: StoreServer <ip> <port>\" on err and nothing on out; a port in "
            + "use is exit code 1 with one line on err naming the address and port. If this fails, run() was "
            + "changed, or start() does not throw bind()'s IOException as it is: `git diff "
            + "labs/src/main/java/tcplab/lab07` shows how. Lesson 07, \"The lab\".")
    @DisplayName("The program exits with 2 on a usage error, and 1 when its port is in use")
    void the_program_exits_with_2_on_a_usage_error_and_1_when_its_port_is_in_use() throws IOException {
        String[][] wrong = {{}, {HOST}, {HOST, "0", "extra"}, {HOST, "port"}, {HOST, "-1"}, {HOST, "65536"},
            {HOST, "99999999999"}, {"nowhere.invalid", "0"}};
        for (String[] args : wrong) {
            ProgramRun run = ProgramRun.of(StoreServer::run, PROGRAM, "", args);
            boolean right = run.exitCode() == 2 && run.err().contains(USAGE) && run.out().isEmpty()
                    && !run.hasStackTrace();
            if (!right) {
                throw CheckFailed.when("ran your program with arguments " + run.args())
                        .expected("exit code 2, a line holding \"" + USAGE + "\" on err, nothing on out")
                        .got(run.describe())
                        .next("run() is given: put back its argument checks as the stub has them.")
                        .build();
            }
        }
        for (String port : new String[] {"0", "65535"}) {
            ProgramRun run = ProgramRun.of(StoreServer::run, PROGRAM, "", HOST, port);
            if (run.exitCode() == 2 || run.err().contains("Usage") || run.hasStackTrace()) {
                throw CheckFailed.when("ran your program with arguments [" + HOST + ", " + port + "] and an "
                                + "empty standard input")
                        .expected("not a usage error: " + port + " is a port (0: the system picks one); exit code 0 "
                                + "once the input has ended (or 1 if the port is in use)")
                        .got(run.describe())
                        .next("run() is given: the port range is 0 to 65535, both included.")
                        .build();
            }
        }
        ProgramRun v6 = ProgramRun.of(StoreServer::run, PROGRAM, "", "::1", "0");
        boolean bracketed = java.util.regex.Pattern.compile("\\[(::1|0:0:0:0:0:0:0:1)]:\\d+")
                .matcher(v6.out() + v6.err()).find();
        if (v6.exitCode() == 2 || !bracketed || v6.hasStackTrace()) {
            throw CheckFailed.when("ran your program with arguments [::1, 0] and an empty standard input")
                    .expected("not a usage error (::1 is the IPv6 loopback address), and the address written as "
                            + "[::1]:<port> (or [0:0:0:0:0:0:0:1]:<port>)")
                    .got(v6.describe())
                    .next("run() is given: put back show(), which puts an IPv6 address in brackets.")
                    .build();
        }
        try (var blocker = new java.net.ServerSocket()) {
            blocker.bind(new InetSocketAddress(HOST, 0));
            String taken = String.valueOf(blocker.getLocalPort());
            Set<Inspector.Descriptor> before = Inspector.descriptors();
            List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
            ProgramRun run = ProgramRun.of(StoreServer::run, PROGRAM, "", HOST, taken);
            List<String> errLines = run.err().lines().toList();
            boolean right = run.exitCode() == 1 && run.out().isEmpty() && errLines.size() == 1
                    && errLines.get(0).contains(HOST) && errLines.get(0).contains(taken) && !run.hasStackTrace();
            if (!right) {
                throw CheckFailed.when("ran your program with arguments " + run.args() + " while the kit listened "
                                + "on that port")
                        .expected("exit code 1, one line on err that names " + HOST + " and " + taken
                                + ", nothing on out")
                        .got(run.describe())
                        .next(run.hasStackTrace() || run.exitCode() != 1
                                ? "start(): let bind()'s IOException out as it is; run() turns it into that line."
                                : "run() is given: put back its catch for start()'s IOException as the stub has it.")
                        .build();
            }
            List<Inspector.Descriptor> left = Inspector.openedSince(before);
            List<Thread> running = newThreads(threadsBefore);
            if (!left.isEmpty() || !running.isEmpty()) {
                throw CheckFailed.when("ran your program on a port that was in use")
                        .expected("exit code 1 and nothing left behind")
                        .got((left.isEmpty() ? "" : left.size() + " socket descriptor(s) still open ")
                                + (running.isEmpty() ? "" : "thread \"" + running.get(0).getName() + "\" still runs"))
                        .next("start(): close the ServerSocket when bind() throws, and start the thread only once "
                                + "the listener is bound.")
                        .build();
            }
        }
    }

    @Test
    @Order(21)
    @Hint("run() is given: it prints \"listening on <ip>:<port> (Ctrl-D stops it)\", serves until its standard "
            + "input ends, then calls stop(), prints \"stopped listening; …\", waits for the conversations in "
            + "progress with awaitStopped(), and closes. So the listener must be gone right after stop(), while "
            + "the clients being served still get their replies; the program returns 0 once they have closed. "
            + "Lesson 07, \"Talk to it yourself\".")
    @DisplayName("The program serves until its input ends")
    void the_program_serves_until_its_input_ends() throws Exception {
        String ip = CLIENT_IP;
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
        var program = RunningProgram.start(StoreServer::run, ip, "0");
        String doing = program.doing();
        try (program) {
            String listening = program.awaitLine("listening on ", WAIT);
            var m = java.util.regex.Pattern.compile("listening on " + ip.replace(".", "\\.")
                    + ":(\\d+) \\(Ctrl-D stops it\\)").matcher(listening == null ? "" : listening);
            if (!m.matches()) {
                throw CheckFailed.when(doing)
                        .expected("a line \"listening on " + ip + ":<the port it got> (Ctrl-D stops it)\" on out")
                        .got(program.state())
                        .next("run() is given: it prints that line once start() has returned. Is the listener "
                                + "bound to the host it is given?")
                        .build();
            }
            int port = Integer.parseInt(m.group(1));
            try (var first = ScriptedClient.connect(ip, port, wire, WAIT);
                 var second = ScriptedClient.connect(ip, port, wire, WAIT)) {
                programExchange(second, "PUT who second", "OK", program);
                programExchange(first, "GET who", "VALUE second", program);
                program.endInput();
                wire.event("the check ended the program's standard input (Ctrl-D)");
                String stopped = program.awaitLine("stopped listening", WAIT);
                if (stopped == null) {
                    throw CheckFailed.when(doing + ", served two clients, then ended the input")
                            .expected("a line \"stopped listening; …\" on out")
                            .got(program.state())
                            .wire(wire)
                            .next("run() is given: after the input ends it calls stop(), which must return at once.")
                            .build();
                }
                if (Inspector.available() && !pollUntil(() -> Inspector.ownListeners(port).isEmpty())) {
                    throw CheckFailed.when(doing + ", served two clients, then ended the input")
                            .expected("no listener left on " + ip + ":" + port + ": stop() has closed it")
                            .got("the kernel lists " + Inspector.ownListeners(port))
                            .wire(wire)
                            .next("stop() is given: put it back as the stub has it.")
                            .build();
                }
                for (var client : List.of(first, second)) {
                    programExchange(client, "DEL who", client == first ? "OK" : "NOT_FOUND", program);
                    client.shutdownOutput();
                    Received end = client.read(1, WAIT);
                    if (end.ending() != Ending.CLOSED) {
                        throw CheckFailed.when(doing + "; after the input ended, a client closed")
                                .expected("your server to close its side (the kit reads -1)")
                                .got(describe(end, WAIT))
                                .wire(wire)
                                .next("converse(): close the socket when Messages.read returns null.")
                                .build();
                    }
                }
            }
            int code;
            try {
                code = program.exitCode(WAIT);
            } catch (TimeoutException e) {
                throw CheckFailed.when(doing + "; after the input ended, both clients closed")
                        .expected("the program to return, its server stopped")
                        .got("it was still running after " + LabCode.seconds(WAIT) + "\n" + program.state())
                        .wire(wire)
                        .next("converse(): end the conversation when Messages.read returns null; run() waits for "
                                + "every conversation with awaitStopped().")
                        .build();
            } catch (ExecutionException e) {
                throw LabCode.threw(doing, e.getCause());
            }
            List<String> expectedOut = List.of("listening on " + ip + ":" + port + " (Ctrl-D stops it)",
                    "stopped listening; waiting up to 10 s for the conversations in progress to end");
            if (code != 0 || !program.out().text().lines().toList().equals(expectedOut) || !program.err().text().isEmpty()) {
                throw CheckFailed.when(doing + ", served two clients, ended the input, and the clients closed")
                        .expected("exit code 0, out exactly:\n" + String.join("\n", expectedOut)
                                + "\nand nothing on err (no client went wrong)")
                        .got(program.state())
                        .wire(wire)
                        .next("run() is given; the log (err) is for clients that went wrong only.")
                        .build();
            }
            boolean clean = Poll.until(() -> Inspector.openedSince(before).isEmpty()
                    && newThreads(threadsBefore).isEmpty(), SETTLE, Duration.ofMillis(20));
            if (!clean) {
                List<Inspector.Descriptor> left = Inspector.openedSince(before);
                List<Thread> running = newThreads(threadsBefore);
                throw CheckFailed.when(doing + "; it returned 0")
                        .expected("nothing left behind: no socket open, no thread running")
                        .got((left.isEmpty() ? "" : left.size() + " socket descriptor(s) still open ")
                                + (running.isEmpty() ? "" : "thread \"" + running.get(0).getName() + "\" still runs"))
                        .next("converse(): close the accepted socket on every path (try (client) { … }).")
                        .build();
            }
        }
    }

    /** One request and its reply with the program's server; the failure shows what the program printed. */
    private void programExchange(Conversation c, String request, String want, RunningProgram program) throws IOException {
        c.send(message(request));
        Received head = c.read(4, WAIT);
        int length = head.ending() == Ending.COMPLETE ? ByteBuffer.wrap(head.bytes()).getInt() : -1;
        Received body = length >= 0 && length <= MAX ? c.read(length, WAIT) : head;
        if (head.ending() == Ending.COMPLETE && body.ending() == Ending.COMPLETE
                && Arrays.equals(body.bytes(), want.getBytes(StandardCharsets.UTF_8))) {
            return;
        }
        if (body.ending() == Ending.CLOSED || body.ending() == Ending.RESET) {
            program.awaitEnd(WAIT);   // a server that hung up is likely ending: say how it ended
        }
        throw CheckFailed.when("sent the request " + Transcript.quote(request) + " to the server your program runs")
                .expected("the reply " + Transcript.quote(want))
                .got(describe(body, WAIT) + "\nthe program: " + program.state())
                .wire(wire)
                .next(program.ended() ? "the program ended too early: run() is given, and serves until its input ends."
                        : "converse() and answer(), as the earlier checks test them; stop() (given) closes the "
                        + "listener only.")
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages on the wire

    /** The bytes of one message: the length, 4 bytes big-endian, then the body. */
    static byte[] message(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] message(String text) {
        return message(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of {@code size} bytes that shows its own order: a, b, c … z, a, b … */
    private static byte[] body(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private static String describeBody(byte[] body) {
        return body.length <= 16 ? "a body of " + body.length + " bytes " + Transcript.quote(body)
                : "a body of " + body.length + " bytes";
    }

    private static String hex(byte[] bytes) {
        return spaced(HexFormat.of().formatHex(bytes));
    }

    /** "0000000a" as "00 00 00 0a". */
    private static String spaced(String hex) {
        var sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append(i == 0 ? "" : " ").append(hex, i, Math.min(i + 2, hex.length()));
        }
        return sb.toString();
    }

    /** A hex dump, cut after 64 bytes so that a message of MAX bytes stays readable. */
    private static String dump(byte[] bytes) {
        byte[] shown = Arrays.copyOf(bytes, Math.min(bytes.length, 64));
        return Hex.dump(shown, "    ").stripTrailing() + (bytes.length > 64 ? "\n    … " + (bytes.length - 64)
                + " more bytes" : "");
    }

    private Conversation connect(int port) {
        return ScriptedClient.connect(HOST, port, wire, WAIT);
    }

    /** Sends one request in one write and expects exactly the reply {@code want}. */
    private void exchange(ServerUnderCheck server, Conversation c, String request, String want) throws IOException {
        c.send(message(request));
        expectReply(server, c, "sent the request " + shortQuote(request), want, "the reply");
    }

    /** Sends one request in one write and expects one reply that starts with "ERROR ". */
    private void expectError(ServerUnderCheck server, Conversation c, String request) throws IOException {
        c.send(message(request));
        String doing = "sent the malformed request " + shortQuote(request);
        byte[] reply = readReply(server, c, doing, "one reply \"ERROR <reason>\"");
        String text = new String(reply, StandardCharsets.UTF_8);
        if (!text.startsWith("ERROR ")) {
            throw CheckFailed.when(doing)
                    .expected("one reply \"ERROR <reason>\" (the word ERROR, a space, then why)")
                    .got("the reply " + Transcript.quote(text))
                    .wire(wire)
                    .next("answer(): anything that is not PUT <key> <value>, GET <key> or DEL <key>, with the "
                            + "command in capitals and single spaces, gets \"ERROR \" and a reason.")
                    .build();
        }
    }

    private static String shortQuote(String text) {
        return text.length() <= 40 ? Transcript.quote(text)
                : Transcript.quote(text.substring(0, 30)) + "… (" + text.getBytes(StandardCharsets.UTF_8).length
                + " bytes)";
    }

    /** Reads one reply and compares it, length prefix included, byte for byte with {@code want}. */
    private void expectReply(ServerUnderCheck server, Conversation c, String doing, String want, String which)
            throws IOException {
        byte[] body = readReply(server, c, doing, which + " " + shortQuote(want));
        byte[] wantBody = want.getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(body, wantBody)) {
            String text = new String(body, StandardCharsets.UTF_8);
            throw CheckFailed.when(doing)
                    .expected(which + " " + shortQuote(want) + ", on the wire:\n" + dump(message(wantBody)))
                    .got(shortQuote(text) + ", on the wire:\n" + dump(message(body)))
                    .wire(wire)
                    .next(replyAdvice(text, want))
                    .build();
        }
    }

    private static String replyAdvice(String got, String want) {
        if (got.startsWith("ERROR") && !want.startsWith("ERROR")) {
            return "answer() found the request malformed. A request is the command in capitals, a single space, "
                    + "the key, and for PUT a single space and the value (all the rest, spaces included, maybe "
                    + "empty): request.split(\" \", 3).";
        }
        if (got.contains("\uFFFD") || got.contains("?") && !want.contains("?")) {
            return "characters became '?' or U+FFFD: turn bytes into text and back with StandardCharsets.UTF_8, "
                    + "both ways.";
        }
        return "the replies are OK, VALUE <value> (one space, then the value exactly as it was stored), NOT_FOUND "
                + "and ERROR <reason>, in UTF-8. A DEL of a key that has no value is NOT_FOUND; one that had a "
                + "value is OK.";
    }

    /**
     * Reads one message from the server: the 4-byte length, then that many bytes; fails with the bytes shown when
     * the length is impossible (little-endian, most likely) or the message does not come whole.
     */
    private byte[] readReply(ServerUnderCheck server, Conversation c, String doing, String expected)
            throws IOException {
        Received head = c.read(4, WAIT);
        if (head.ending() != Ending.COMPLETE) {
            throw CheckFailed.when(doing)
                    .expected(expected + ": a 4-byte length, then the body")
                    .got(describe(head, WAIT))
                    .wire(wire)
                    .next(head.bytes().length == 0 && head.ending() == Ending.TIMED_OUT ? server.whyNoAnswer()
                            : head.ending() == Ending.TIMED_OUT
                            ? "a reply's length is always 4 bytes, sent in the same write as its body: Messages.write."
                            : "your server ended the connection instead of answering: an exception in converse()? "
                            + "(Your server's log, or the console, says which.)")
                    .build();
        }
        byte[] prefix = head.bytes();
        int length = ByteBuffer.wrap(prefix).getInt();
        if (length < 0 || length > MAX) {
            int little = Integer.reverseBytes(length);
            boolean looksLittle = little >= 0 && little <= MAX;
            throw CheckFailed.when(doing)
                    .expected(expected + ", with a length from 0 to " + MAX + " in big-endian order")
                    .got("the 4 bytes " + hex(prefix) + ": the length " + length + " when read big-endian (the "
                            + "network's order)" + (looksLittle ? "; they are the length " + little
                            + " in little-endian order (least significant byte first)" : ""))
                    .wire(wire)
                    .next(looksLittle
                            ? "Messages.write puts the length in little-endian order: network byte order is "
                            + "big-endian, the most significant byte first. ByteBuffer (unless set to "
                            + "LITTLE_ENDIAN) and DataOutputStream.writeInt write big-endian; Integer.reverseBytes "
                            + "turns it around."
                            : "a reply is one message: Messages.write(out, reply.getBytes(UTF_8)), nothing else "
                            + "on the socket.")
                    .build();
        }
        Received body = c.read(length, WAIT);
        if (body.ending() != Ending.COMPLETE) {
            throw CheckFailed.when(doing)
                    .expected(expected + ": the length " + length + " (" + hex(prefix) + "), then " + length
                            + " bytes of body")
                    .got("the length, then " + describe(body, WAIT))
                    .wire(wire)
                    .next("the length must count the body's BYTES (its UTF-8 form), not its characters, and the body "
                            + "must follow it whole: Messages.write(out, reply.getBytes(StandardCharsets.UTF_8)).")
                    .build();
        }
        return body.bytes();
    }

    private static String describe(Received r, Duration limit) {
        String bytes = r.bytes().length == 0 ? "no bytes"
                : r.bytes().length + " bytes (" + (r.bytes().length <= 16 ? hex(r.bytes()) : hex(Arrays.copyOf(
                r.bytes(), 16)) + " …") + ")";
        return switch (r.ending()) {
            case COMPLETE -> bytes;
            case CLOSED -> bytes + ", then end of stream (your server closed)";
            case TIMED_OUT -> bytes + ", then nothing more for " + LabCode.seconds(limit);
            case RESET -> bytes + ", then a reset (RST)";
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Streams for the codec

    /** An OutputStream that keeps what it is given and counts the writes, and whether a flush came after them. */
    private static final class RecordingStream extends OutputStream {
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final List<Integer> sizes = new ArrayList<>();
        private boolean flushedLast = true;

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            kept.write(b, off, len);
            sizes.add(len);
            flushedLast = false;
        }

        @Override
        public synchronized void flush() {
            flushedLast = true;
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }

        synchronized int writes() {
            return sizes.size();
        }

        synchronized String sizes() {
            return sizes.stream().map(String::valueOf).collect(Collectors.joining(" + "));
        }

        synchronized boolean flushedLast() {
            return flushedLast && !sizes.isEmpty();
        }
    }

    /**
     * An InputStream over fixed bytes that gives at most {@code most} bytes per read call, says 0 to available(),
     * and counts what was taken from it.
     */
    private static final class CountingStream extends InputStream {
        private final ByteArrayInputStream in;
        private final int most;
        private int consumed;

        CountingStream(byte[] bytes, int most) {
            this.in = new ByteArrayInputStream(bytes);
            this.most = most;
        }

        @Override
        public synchronized int read() {
            int b = in.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, Math.min(len, most));
            if (n > 0) {
                consumed += n;
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }

        synchronized int consumed() {
            return consumed;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Peers, the log, the kernel's table

    /** A client's end of a connection, as the server sees it from the other side. */
    private record Peer(String ip, int port) {
        static Peer of(Conversation c) {
            return new Peer(c.socket().getLocalAddress().getHostAddress(), c.socket().getLocalPort());
        }
    }

    /** A client that connects from {@link #CLIENT_IP}, so that its address differs from the server's. */
    private Conversation connectFromClientIp(int port) {
        return ScriptedClient.connectFrom(CLIENT_IP, HOST, port, wire, WAIT);
    }

    /** The log must hold one line per peer, naming its address and port, and no other line. */
    private static void expectOneLinePerPeer(ServerUnderCheck server, List<Peer> peers, String doing) {
        Poll.until(() -> server.logLines().size() >= peers.size(), WAIT, Duration.ofMillis(10));
        List<String> lines = server.logLines();
        if (server.logHasStackTrace()) {
            throw CheckFailed.when(doing)
                    .expected("one plain line per client that went wrong in your server's log")
                    .got(server.logForMessage())
                    .next("print the exception's message, not its stack trace: a client that goes wrong is routine.")
                    .build();
        }
        var expected = peers.stream().map(p -> p.ip() + " port " + p.port()).collect(Collectors.joining(", "));
        for (Peer p : peers) {
            long naming = lines.stream().filter(l -> l.contains(p.ip()) && hasNumber(l, p.port())).count();
            if (naming != 1) {
                throw CheckFailed.when(doing)
                        .expected("exactly one log line for each of the " + peers.size() + " clients that went "
                                + "wrong (" + expected + "), naming its address and port")
                        .got(naming + " line(s) name " + p.ip() + " port " + p.port() + "\n" + server.logForMessage())
                        .next(naming == 0
                                ? "converse(): in the catch for IOException, log.println(who + \": \" + "
                                + "e.getMessage()), where who is client.getRemoteSocketAddress(), taken while the "
                                + "socket is open. Is every kind of trouble (a reset, EOFException, "
                                + "ProtocolException, SocketTimeoutException) caught as an IOException?"
                                : "log once per client, in converse()'s catch; not again elsewhere.")
                        .build();
            }
        }
        if (lines.size() != peers.size()) {
            throw CheckFailed.when(doing)
                    .expected("exactly " + peers.size() + " lines in your server's log, one per client that went "
                            + "wrong")
                    .got(lines.size() + " lines\n" + server.logForMessage())
                    .next("the client that kept talking and closed politely, and close() itself, are worth no line: "
                            + "log only in converse()'s catch, and only when `closing` is not set.")
                    .build();
        }
    }

    private static boolean hasNumber(String text, int number) {
        return java.util.regex.Pattern.compile("(?<![\\d-])" + number + "(?!\\d)").matcher(text).find();
    }

    private static List<Thread> newThreads(List<Thread> before) {
        Poll.until(() -> ServerUnderCheck.serverThreads().stream().allMatch(before::contains), SETTLE, Duration.ofMillis(10));
        var now = new ArrayList<>(ServerUnderCheck.serverThreads());
        now.removeAll(before);
        return now;
    }

    private static boolean pollUntil(java.util.function.BooleanSupplier condition) {
        return Poll.until(condition, SETTLE);
    }

}
