package tcplab.lab10;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.ChildJvm;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.LossyUdpRelay;
import tcplab.kit.ProgramRun;
import tcplab.kit.Transcript;

/** The checks of Lab 10, a request/response client over UDP: from one answer to a network that loses 30 %. */
@Checks(lesson = 10)
class UdpClientChecks {

    /** Limit for a few exchanges that should take milliseconds. */
    private static final Duration QUICK = Duration.ofSeconds(5);
    /** Limit for a run that waits through a schedule of retries. */
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final String USAGE = "Usage: UdpClient <ip> <port>";
    private static final String LAB = "Lesson 10, \"The lab\".";
    private static final String RETRY = "Lesson 10, \"Loss, duplicates, late replies\".";

    // ---------------------------------------------------------------- stage 1: one attempt

    @Test
    @Order(1)
    @Hint("The constructor opens a DatagramSocket and connects it to the server; ask() sends one datagram (a 4-byte "
            + "id, then the text's UTF-8 bytes) and receives one. The answer is the reply's bytes AFTER the 4-byte id, "
            + "as many as the datagram held (reply.getLength() - 4, not the whole buffer), decoded as UTF-8. Likely "
            + "causes: decoding from offset 0 (the id's bytes show up as control characters), or the whole buffer (NUL "
            + "characters after the answer). " + LAB)
    @DisplayName("One question gets its answer")
    void one_question_gets_its_answer() throws IOException {
        try (var peer = new UdpPeer(UdpPeer.ECHO)) {
            var client = open(peer.address(), Duration.ofMillis(300), 3);
            try (client) {
                for (String text : List.of("hello", "你好，世界")) {
                    String doing = "asked " + Transcript.quote(text) + " of a server that answers every request "
                            + "(timeout 0.3 s, 3 attempts)";
                    String answer = ask(doing, client, text, peer);
                    expectAnswer(doing, text + " *_*", answer, peer);
                }
            }
        }
    }

    @Test
    @Order(2)
    @Hint("A request is ONE datagram: the id as 4 bytes, big-endian (most significant first: id 1 is 00 00 00 01; "
            + "ByteBuffer.putInt writes it so), then the text's UTF-8 bytes, nothing more. The ids are 1, 2, 3: one "
            + "per ask. A text of more than 508 bytes (MAX_DATAGRAM - 4) throws IllegalArgumentException before "
            + "anything is sent, and takes no id. Likely causes: an id from 0, a little-endian id, sending the whole "
            + "512-byte buffer instead of just the request's bytes, a limit off by one. " + LAB)
    @DisplayName("A request is a 4-byte big-endian id, then the text in UTF-8")
    void a_request_is_a_4_byte_big_endian_id_then_the_text_in_utf_8() throws Exception {
        try (var peer = new UdpPeer(UdpPeer.ECHO)) {
            var client = open(peer.address(), Duration.ofMillis(300), 2);
            try (client) {
                // The answers do not matter here, only what is sent: a client that gives up still sent its requests.
                List<String> texts = List.of("a", "", "你好");
                for (String text : texts) {
                    LabCode.outcome("asked " + Transcript.quote(text), LONG, () -> client.ask(text), client::close,
                            peer);
                }
                String tooLong = "é".repeat(254) + "a"; // 509 bytes in UTF-8, 255 chars
                String doing = "asked a text of 255 chars, 509 bytes in UTF-8 (508 is the most that fits)";
                var refused = LabCode.outcome(doing, QUICK, () -> client.ask(tooLong), client::close, peer);
                if (!(refused.thrown() instanceof IllegalArgumentException)) {
                    throw CheckFailed.when(doing)
                            .expected("an IllegalArgumentException, and nothing sent")
                            .got(refused.threw() ? "it threw " + refused.thrown() : "the answer "
                                    + Transcript.quote(String.valueOf(refused.value())))
                            .next("ask: count the UTF-8 bytes (text.getBytes(UTF_8).length, not text.length()) and "
                                    + "refuse more than MAX_DATAGRAM - 4 = 508 before sending. " + LAB)
                            .build();
                }
                String fits = "é".repeat(254); // 508 bytes
                LabCode.outcome("asked a text of 508 bytes in UTF-8 (the most that fits)", LONG,
                        () -> client.ask(fits), client::close, peer);
                peer.drained();
                List<byte[]> want = List.of(UdpPeer.request(1, "a"), UdpPeer.request(2, ""),
                        UdpPeer.request(3, "你好"), UdpPeer.request(4, fits));
                // A copy sent again (no reply it took for one) counts once: the bytes are what this check is about.
                var got = new ArrayList<UdpPeer.Got>();
                for (UdpPeer.Got g : peer.got()) {
                    if (got.isEmpty() || !Arrays.equals(got.get(got.size() - 1).data(), g.data())) {
                        got.add(g);
                    }
                }
                boolean same = got.size() == want.size();
                for (int i = 0; same && i < want.size(); i++) {
                    same = Arrays.equals(want.get(i), got.get(i).data());
                }
                if (!same) {
                    throw CheckFailed.when("asked \"a\", \"\", \"你好\", then a text of 509 bytes (refused), then "
                            + "one of 508 bytes, of a server that answers every request")
                            .expected(want.size() + " datagrams:\n" + dumps(want.subList(0, 3)) + "\n  then id 4 and "
                                    + "the 508 bytes")
                            .got(got.size() + " datagrams" + (got.size() > 3 ? ", the first 3" : "") + ":\n"
                                    + dumps(got.stream().limit(3).map(UdpPeer.Got::data).toList()))
                            .next(requestAdvice(want, got))
                            .build();
                }
            }
        }
    }

    @Test
    @Order(3)
    @Hint("A datagram larger than the buffer you receive it into is cut to the buffer's size, silently: the rest is "
            + "gone. Receive into a buffer of MAX_DATAGRAM (512) bytes. A reply of exactly 4 bytes is the id alone: "
            + "a reply with an empty answer. Lesson 10, \"One send, one datagram\".")
    @DisplayName("A reply is read whole, from 4 to 512 bytes")
    void a_reply_is_read_whole_from_4_to_512_bytes() throws IOException {
        String big = "ü".repeat(254); // 508 bytes: the reply is 512
        try (var peer = new UdpPeer((got, copy, p) -> p.send(UdpPeer.reply(got.id(), got.id() == 1 ? big : ""),
                got.from()))) {
            var client = open(peer.address(), Duration.ofMillis(300), 3);
            try (client) {
                String doing = "asked \"x\" of a server that answers with 508 bytes of text (a 512-byte datagram)";
                String answer = ask(doing, client, "x", peer);
                expectAnswer(doing, big, answer, peer);
                String second = "asked \"x\", then \"y\", which the server answers with no text at all (a 4-byte "
                        + "datagram, the id alone; timeout 0.3 s, 3 attempts)";
                var outcome = LabCode.outcome(second, LONG, () -> client.ask("y"), client::close, peer);
                if (outcome.threw() || !"".equals(outcome.value())) {
                    throw CheckFailed.when(second)
                            .expected("\"\": the empty answer")
                            .got(outcome.threw() ? "it threw " + outcome.thrown() : outcome.value() == null ? "null"
                                    : Transcript.quote(outcome.value()))
                            .next("ask: a reply of exactly 4 bytes is a reply (an id and an empty answer): accept "
                                    + "getLength() >= 4. " + LAB)
                            .build();
                }
            }
        }
    }

    // ---------------------------------------------------------------- stage 2: a network that loses, repeats, delays

    @Test
    @Order(4)
    @Hint("UDP loses datagrams, and nobody tells you: when no reply comes within the timeout, send the SAME request "
            + "(the same id, the same bytes) again. Likely causes: one send and one receive with no loop; a new id "
            + "for every attempt (nextId++ inside the loop), so the server sees a new request each time. " + RETRY)
    @DisplayName("A lost request is sent again, with the same id")
    void a_lost_request_is_sent_again_with_the_same_id() throws Exception {
        // The first copy of every request is "lost": the server answers from the second on.
        try (var peer = new UdpPeer((got, copy, p) -> {
            if (copy > 1) {
                UdpPeer.ECHO.on(got, copy, p);
            }
        })) {
            var client = open(peer.address(), Duration.ofMillis(200), 4);
            try (client) {
                String doing = "asked \"hello\" of a server that ignores the first copy of a request (timeout "
                        + "0.2 s, 4 attempts)";
                var outcome = LabCode.outcome(doing, QUICK, () -> client.ask("hello"), client::close, peer);
                peer.drained();
                List<UdpPeer.Got> got = peer.got();
                if (got.size() >= 2 && !Arrays.equals(got.get(0).data(), got.get(1).data())) {
                    throw CheckFailed.when(doing)
                            .expected("the second copy exactly like the first:\n" + dumps(List.of(got.get(0).data())))
                            .got("a different datagram:\n" + dumps(List.of(got.get(1).data())))
                            .next("ask: the id is chosen once per ask, before the loop of attempts; every attempt "
                                    + "sends the same bytes. " + RETRY)
                            .build();
                }
                if (outcome.threw() || !"hello *_*".equals(outcome.value())) {
                    throw CheckFailed.when(doing)
                            .expected("a second copy after 0.2 s, then the answer \"hello *_*\"")
                            .got((outcome.threw() ? "it threw " + outcome.thrown() : "the answer "
                                    + Transcript.quote(String.valueOf(outcome.value())))
                                    + "\nafter the server got " + got.size() + " datagram(s)")
                            .next(got.size() < 2
                                    ? "ask: when receive() times out (SocketTimeoutException), send the request "
                                            + "again, up to `attempts` sends in all. " + RETRY
                                    : "ask: the answer to the second copy came; return it. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(5)
    @Hint("A connected DatagramSocket (socket.connect(server) in the constructor) receives only the server's "
            + "datagrams: the kernel drops everything else. An unconnected one receives from anyone who knows its "
            + "port, and then the id is all that protects the answer. Lesson 10, \"Connected UDP\".")
    @DisplayName("Only the server's datagrams are taken")
    void only_the_server_s_datagrams_are_taken() throws Exception {
        try (var rogue = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
             var peer = new UdpPeer((got, copy, p) -> {
                 // Another program, on 127.0.0.2, sends a reply with the right id first.
                 byte[] forged = UdpPeer.reply(got.id(), "forged");
                 rogue.send(new DatagramPacket(forged, forged.length, got.from()));
                 UdpPeer.ECHO.on(got, copy, p);
             })) {
            var client = open(peer.address(), Duration.ofSeconds(2), 3);
            try (client) {
                String doing = "asked \"hello\" of the server at " + show(peer.address()) + ", while a program at "
                        + "127.0.0.2 sent your client a reply with the right id just before the server's";
                String answer = LabCode.call(doing, QUICK, () -> client.ask("hello"), client::close, peer);
                if (!"hello *_*".equals(answer)) {
                    throw CheckFailed.when(doing)
                            .expected("\"hello *_*\": the server's reply; the other program's datagram never "
                                    + "reaches a socket connected to the server")
                            .got(Transcript.quote(String.valueOf(answer)))
                            .next("UdpClient(...): socket.connect(server) after opening it (and send with "
                                    + "new DatagramPacket(bytes, length), no address). Lesson 10, \"Connected UDP\".")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(6)
    @Hint("A network may deliver a datagram twice. The second copy of the reply to request 1 is still in your "
            + "socket when you ask request 2: a client that takes the first datagram it receives answers question 2 "
            + "with answer 1. Compare the reply's first 4 bytes with the current request's id, and drop a reply with "
            + "another id (then keep waiting, until the same deadline). " + RETRY)
    @DisplayName("A duplicated reply is not taken for the next answer")
    void a_duplicated_reply_is_not_taken_for_the_next_answer() throws IOException {
        try (var peer = new UdpPeer((got, copy, p) -> {
            UdpPeer.ECHO.on(got, copy, p);
            UdpPeer.ECHO.on(got, copy, p);
        })) {
            var client = open(peer.address(), Duration.ofSeconds(2), 3);
            try (client) {
                String first = "asked \"one\" of a server that sends every reply twice";
                LabCode.call(first, QUICK, () -> client.ask("one"), client::close, peer);
                String doing = first + ", then \"two\"";
                String answer = LabCode.call(doing, QUICK, () -> client.ask("two"), client::close, peer);
                if (!"two *_*".equals(answer)) {
                    throw CheckFailed.when(doing)
                            .expected("\"two *_*\": the reply with id 2")
                            .got(Transcript.quote(String.valueOf(answer))
                                    + ("one *_*".equals(answer) ? ": the second copy of the reply with id 1" : ""))
                            .next("ask: drop every reply whose id (its first 4 bytes, big-endian) is not the id of "
                                    + "this request, and receive again. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(7)
    @Hint("A reply can come late: after the client gave up waiting and moved on. It has the old request's id; drop "
            + "it and read on. A datagram of fewer than 4 bytes holds no id at all: drop it too, before you read an "
            + "id from the buffer (whose first bytes may still be an earlier datagram's). " + RETRY)
    @DisplayName("A late reply to an earlier request is ignored")
    void a_late_reply_to_an_earlier_request_is_ignored() throws IOException {
        String answer2 = "the answer to the second question, long enough to need more room than a late reply";
        try (var peer = new UdpPeer((got, copy, p) -> {
            if (got.id() == 2) {
                p.send(UdpPeer.reply(1, "old"), got.from()); // the first request's reply, late
                p.send(UdpPeer.reply(258, "stray"), got.from()); // 00 00 01 02: some other request's
                p.send(new byte[3], got.from()); // too short to hold an id
                p.send(UdpPeer.reply(2, answer2), got.from());
            } else {
                UdpPeer.ECHO.on(got, copy, p);
            }
        })) {
            var client = open(peer.address(), Duration.ofSeconds(2), 3);
            try (client) {
                LabCode.call("asked \"first\"", QUICK, () -> client.ask("first"), client::close, peer);
                String doing = "asked \"first\", then \"second\", whose reply the server sent just after a late "
                        + "reply to the first request (id 1, \"old\"), a reply with id 258 and a datagram of 3 zero "
                        + "bytes";
                var outcome = LabCode.outcome(doing, QUICK, () -> client.ask("second"), client::close, peer);
                if (outcome.threw() || !answer2.equals(outcome.value())) {
                    throw CheckFailed.when(doing)
                            .expected(Transcript.quote(answer2))
                            .got(outcome.threw() ? "it threw " + outcome.thrown() + "\nat "
                                    + LabCode.where(outcome.thrown().getStackTrace())
                                    : Transcript.quote(String.valueOf(outcome.value())))
                            .next(outcome.threw()
                                    ? "ask: a datagram of fewer than 4 bytes holds no id: drop it (getLength() < 4) "
                                            + "before reading an id or an answer from the buffer. " + RETRY
                                    : "ask: a reply whose id is not this request's is dropped, and so is a "
                                            + "datagram too short to hold an id (getLength() < 4); then receive "
                                            + "again. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(8)
    @Hint("Each attempt has a deadline: its send time plus its wait. A reply with another id that comes in the "
            + "meantime is dropped, and the next receive waits only for what is LEFT until that deadline "
            + "(setSoTimeout(deadline - now) each time), not for the whole wait again. Otherwise a stream of stale "
            + "replies keeps the client waiting for ever. " + RETRY)
    @DisplayName("Replies with other ids do not make the wait longer")
    void replies_with_other_ids_do_not_make_the_wait_longer() throws IOException {
        Duration timeout = Duration.ofMillis(300);
        try (var peer = new UdpPeer((got, copy, p) -> {
            // Never the answer; a stale reply every 100 ms for 6 s instead.
            for (int i = 1; i <= 60; i++) {
                p.sendLater(UdpPeer.reply(got.id() + 1000, "stale"), got.from(), Duration.ofMillis(100L * i));
            }
        })) {
            var client = open(peer.address(), timeout, 2);
            try (client) {
                String doing = "asked \"hello\" (timeout 0.3 s, 2 attempts: it gives up 0.9 s after the first send) "
                        + "of a server that never answers but sends a reply with another id every 0.1 s";
                long start = System.nanoTime();
                var outcome = LabCode.outcome(doing, LONG, () -> client.ask("hello"), client::close, peer);
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (!(outcome.thrown() instanceof SocketTimeoutException) || ms > 2_900) {
                    throw CheckFailed.when(doing)
                            .expected("a SocketTimeoutException after about 0.9 s (well before 3 s)")
                            .got((outcome.threw() ? "it threw " + outcome.thrown() : "the answer "
                                    + Transcript.quote(String.valueOf(outcome.value())))
                                    + (ms > 2_900 ? ", more than 2.9 s after the call" : ""))
                            .next("ask: compute each attempt's deadline once (send time + wait) and give receive() "
                                    + "only what is left of it after a stale reply. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(9)
    @Hint("attempts is the number of SENDS: with 4, the request goes out 4 times, then ask throws a "
            + "SocketTimeoutException with the message \"no reply after 4 attempts\". With timeout t the waits are "
            + "t, 2t, 4t, 8t: it gives up 15t after the first send. Likely causes: a loop that runs one time too "
            + "many or too few (< vs <=, a counter from 0 and from 1), another exception type, a message without "
            + "the count. " + RETRY)
    @DisplayName("It gives up after exactly its attempts, at the time the schedule says")
    void it_gives_up_after_exactly_its_attempts_at_the_time_the_schedule_says() throws Exception {
        try (var peer = new UdpPeer(UdpPeer.SILENT)) {
            var client = open(peer.address(), Duration.ofMillis(100), 4);
            try (client) {
                String doing = "asked \"hello\" (timeout 0.1 s, 4 attempts) of a server that never answers";
                long start = System.nanoTime();
                var outcome = LabCode.outcome(doing, LONG, () -> client.ask("hello"), client::close, peer);
                long ms = (System.nanoTime() - start) / 1_000_000;
                peer.drained();
                List<UdpPeer.Got> got = peer.got();
                boolean allSame = got.stream().allMatch(g -> Arrays.equals(g.data(), UdpPeer.request(1, "hello")));
                String message = outcome.thrown() == null ? null : outcome.thrown().getMessage();
                if (got.size() != 4 || !allSame || !(outcome.thrown() instanceof SocketTimeoutException)
                        || message == null || !message.contains("4 attempts")) {
                    throw CheckFailed.when(doing)
                            .expected("4 copies of the request (id 1), then a SocketTimeoutException "
                                    + "\"no reply after 4 attempts\"")
                            .got(got.size() + " datagram(s)" + (allSame ? " of the request" : ", not all the request "
                                    + "with id 1:\n" + dumps(got.stream().limit(6).map(UdpPeer.Got::data).toList()))
                                    + "\nthen " + (outcome.threw() ? outcome.thrown().toString() : "the answer "
                                    + Transcript.quote(String.valueOf(outcome.value()))))
                            .next(got.size() != 4
                                    ? "ask: send at most `attempts` times in all (for (int attempt = 1; attempt <= "
                                            + "attempts; attempt++)), then give up. " + RETRY
                                    : !allSame ? "ask: every attempt sends the same bytes, with this ask's id. " + RETRY
                                    : "ask: after the last attempt, throw new SocketTimeoutException(\"no reply "
                                            + "after \" + attempts + \" attempts\"). " + RETRY)
                            .build();
                }
                if (ms < 1_400 || ms > 6_000) {
                    throw CheckFailed.when(doing)
                            .expected("to give up about 1.5 s after the first send (0.1 + 0.2 + 0.4 + 0.8 s)")
                            .got(ms < 1_400 ? "it gave up less than 1.4 s after the call"
                                    : "it gave up more than 6 s after the call")
                            .next("ask: attempt k waits timeout * 2^(k-1) for its reply, counted from its own send; "
                                    + "after the last wait, throw. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(10)
    @Hint("Backoff: each attempt waits twice as long as the one before (t, 2t, 4t, …), so a client that retries "
            + "does not flood a network that is already losing datagrams. Likely causes: the same wait for every "
            + "attempt; a wait that grows by t (t, 2t, 3t) instead of doubling; the wait doubled before the first "
            + "attempt. " + RETRY)
    @DisplayName("Each attempt waits twice as long as the one before")
    void each_attempt_waits_twice_as_long_as_the_one_before() throws Exception {
        try (var peer = new UdpPeer(UdpPeer.SILENT)) {
            var client = open(peer.address(), Duration.ofMillis(200), 4);
            try (client) {
                String doing = "asked \"hello\" (timeout 0.2 s, 4 attempts) of a server that never answers, and "
                        + "timed the copies as they came";
                long start = System.nanoTime();
                LabCode.outcome(doing, LONG, () -> client.ask("hello"), client::close, peer);
                peer.drained();
                List<UdpPeer.Got> got = peer.got();
                // Copy k + 1 is sent once the waits before it are over: 0.2, 0.6, 1.4 s after the call. Measured
                // from the call, not between arrivals: a busy machine may read one copy late, never send it early.
                long[] want = {200, 600, 1400};
                var wrong = new ArrayList<String>();
                for (int i = 0; i < Math.min(3, got.size() - 1); i++) {
                    long ms = (got.get(i + 1).nanos() - start) / 1_000_000;
                    if (ms < want[i] - 15) {
                        wrong.add("copy " + (i + 2) + " came less than " + want[i] / 1000.0 + " s after the call");
                    } else if (ms > 2 * want[i] + 800) {
                        wrong.add("copy " + (i + 2) + " came more than " + (2 * want[i] + 800) / 1000.0
                                + " s after the call");
                    }
                }
                if (got.size() != 4 || !wrong.isEmpty()) {
                    throw CheckFailed.when(doing)
                            .expected("4 copies, 0.2 s, 0.4 s and 0.8 s apart (each wait twice the one before): "
                                    + "copy 2 at 0.2 s after the call, copy 3 at 0.6 s, copy 4 at 1.4 s")
                            .got(got.size() + " copies" + (wrong.isEmpty() ? "" : ": " + String.join("; ", wrong)))
                            .next("ask: wait = timeout for attempt 1, and wait *= 2 after every attempt that got no "
                                    + "reply. " + RETRY)
                            .build();
                }
            }
        }
    }

    @Test
    @Order(11)
    @Hint("The first attempt waits the timeout the constructor was given, not TIMEOUT (0.5 s), which is main's "
            + "default. Likely causes: TIMEOUT or a number of your own in ask; the timeout in the wrong unit "
            + "(toSeconds() of 0.1 s is 0, and setSoTimeout(0) means \"wait for ever\"). " + RETRY)
    @DisplayName("The first wait is the timeout given")
    void the_first_wait_is_the_timeout_given() throws Exception {
        for (long t : new long[] {100, 1500}) {
            try (var peer = new UdpPeer(UdpPeer.SILENT)) {
                var client = open(peer.address(), Duration.ofMillis(t), 2);
                try (client) {
                    String doing = "asked \"hello\" (timeout " + t + " ms, 2 attempts) of a server that never answers";
                    long start = System.nanoTime();
                    LabCode.outcome(doing, LONG, () -> client.ask("hello"), client::close, peer);
                    peer.drained();
                    List<UdpPeer.Got> got = peer.got();
                    // From the call: the first copy goes at once, the second once the first wait is over.
                    long gap = got.size() < 2 ? -1 : (got.get(1).nanos() - start) / 1_000_000;
                    if (gap < t - 15 || gap > t + 900) {
                        throw CheckFailed.when(doing)
                                .expected("the second copy " + t + " ms after the first (sent at once)")
                                .got(gap < 0 ? got.size() + " copy" : gap < t - 15
                                        ? "it came less than " + t / 1000.0 + " s after the call"
                                        : "it came more than " + (t + 900) / 1000.0 + " s after the call")
                                .next("ask: attempt 1 waits the constructor's timeout (timeout.toMillis() for "
                                        + "setSoTimeout), whatever its value. " + RETRY)
                                .build();
                    }
                }
            }
        }
    }

    @Test
    @Order(12)
    @Hint("Through a network that drops 30 % of the datagrams each way, duplicates some and delays others so they "
            + "come out of order, a correct client still gets every answer right: retries bring back lost ones, and "
            + "the id check drops duplicates and late replies. The failure shows what the relay did to the request "
            + "that went wrong. " + RETRY)
    @DisplayName("Through a relay that loses 30 %, every answer is right")
    void through_a_relay_that_loses_30_percent_every_answer_is_right() throws Exception {
        var faults = new LossyUdpRelay.Faults(0.3, 0.1, 0.15, Duration.ofMillis(60));
        try (var peer = new UdpPeer(UdpPeer.ECHO);
             var relay = LossyUdpRelay.start(peer.address(), 10, faults, faults, UdpClientChecks::label)) {
            var client = open(relay.address(), Duration.ofMillis(50), 8);
            try (client) {
                for (int i = 1; i <= 40; i++) {
                    String text = "question " + i;
                    String tag = "#" + i + " ";
                    String doing = "asked \"question 1\" to \"question " + i + "\" through a relay that drops 30 % "
                            + "of the datagrams each way, duplicates 10 % and delays 15 % (timeout 0.05 s, 8 "
                            + "attempts)";
                    var outcome = LabCode.outcome(doing, Duration.ofSeconds(30), () -> client.ask(text), client::close,
                            peer, relay);
                    if (outcome.threw() || !(text + " *_*").equals(outcome.value())) {
                        throw CheckFailed.when(doing)
                                .expected("\"" + text + " *_*\"")
                                .got((outcome.threw() ? "it threw " + outcome.thrown() : Transcript.quote(
                                        String.valueOf(outcome.value()))) + "\nwhat the relay did with request #"
                                        + i + " and its replies:\n  " + String.join("\n  ", relay.story().stream()
                                        .filter(l -> l.contains(tag)).toList()))
                                .next(outcome.threw()
                                        ? "ask: retry with the same id when the wait runs out, up to `attempts` "
                                                + "sends (request #" + i + " was lost as often as the story says). "
                                                + RETRY
                                        : "ask: take only the reply whose id is this request's; a duplicate or a "
                                                + "late reply of an earlier request has another id. " + RETRY)
                                .build();
                    }
                }
            }
        }
    }

    private static String label(byte[] data) {
        return data.length < 4 ? "a datagram of " + data.length + " bytes"
                : (new String(data, 4, data.length - 4, UTF_8).endsWith(" *_*") ? "reply #" : "request #")
                        + ByteBuffer.wrap(data).getInt();
    }

    // ---------------------------------------------------------------- stage 3: the program

    @Test
    @Order(13)
    @Hint("run asks every line of in (UTF-8) in order and prints each answer on out, one line each, then returns "
            + "0. Read lines with a BufferedReader over new InputStreamReader(in, UTF_8). " + LAB)
    @DisplayName("The program prints one answer per line of input")
    void the_program_prints_one_answer_per_line_of_input() throws IOException {
        try (var peer = new UdpPeer(UdpPeer.ECHO)) {
            ProgramRun run = ProgramRun.of((a, in, out, err) -> UdpClient.run(a, in, out, err, Duration.ofSeconds(2),
                    3), QUICK, "hello\n你好\n\n", "127.0.0.1", String.valueOf(peer.port()));
            if (run.exitCode() != 0 || !run.out().equals("hello *_*\n你好 *_*\n *_*\n") || !run.err().isEmpty()) {
                throw CheckFailed.when("ran your program against a server that answers every request, with the "
                        + "input \"hello\\n你好\\n\\n\"")
                        .expected("exit code 0\nstdout: \"hello *_*\\n你好 *_*\\n *_*\\n\"\nstderr: (nothing)")
                        .got(run.describe())
                        .next("run: for every line of in: out.println(client.ask(line)); then return 0. " + LAB)
                        .build();
            }
        }
    }

    @Test
    @Order(14)
    @Hint("When ask gives up, the program prints what it has, then ONE line on err that names the server "
            + "(<ip>:<port>) and says no reply came, and returns 1: no stack trace, and the lines after it are not "
            + "asked. Catch the IOException around the loop. " + LAB)
    @DisplayName("A server that never answers ends the program with exit code 1")
    void a_server_that_never_answers_ends_the_program_with_exit_code_1() throws Exception {
        try (var peer = new UdpPeer((got, copy, p) -> {
            if (got.id() == 1) {
                UdpPeer.ECHO.on(got, copy, p);
            }
        })) {
            ProgramRun run = ProgramRun.of((a, in, out, err) -> UdpClient.run(a, in, out, err,
                    Duration.ofMillis(100), 2), LONG, "a\nb\nc\n", "127.0.0.1", String.valueOf(peer.port()));
            peer.drained();
            // "a" may go twice on a busy machine (its reply came after 0.1 s): count b's and c's copies only.
            long b = peer.got().stream().filter(g -> g.id() == 2).count();
            long c = peer.got().stream().filter(g -> g.id() == 3).count();
            String sent = b + " of b, " + c + " of c";
            String server = "127.0.0.1:" + peer.port();
            if (run.exitCode() != 1 || !run.out().equals("a *_*\n") || run.hasStackTrace()
                    || run.err().lines().count() != 1 || !run.err().contains(server) || b != 2 || c != 0) {
                throw CheckFailed.when("ran your program (timeout 0.1 s, 2 attempts) with the input \"a\\nb\\nc\\n\" "
                        + "against a server that answers only the first request")
                        .expected("exit code 1\nstdout: \"a *_*\\n\"\nstderr: one line naming " + server
                                + "\nand b sent twice, c never")
                        .got(run.describe() + "\nand the copies sent: " + sent)
                        .next(run.hasStackTrace() || run.exitCode() != 1
                                ? "run: catch the IOException (SocketTimeoutException is one) around the loop, print "
                                        + "one line with the server's address, return 1. " + LAB
                                : "run: stop at the first request that gets no reply: the lines after it are not "
                                        + "asked, and stderr has one line naming <ip>:<port>. " + LAB)
                        .build();
            }
        }
    }

    @Test
    @Order(15)
    @Hint("On a connected UDP socket, the ICMP \"port unreachable\" that comes back when nothing listens at the "
            + "server's port is reported by the next receive() as a PortUnreachableException: nobody will ever "
            + "answer, so the program says so at once (exit code 1, one line) instead of retrying for the whole "
            + "schedule. Likely causes: the socket is not connected (then the kernel says nothing); every "
            + "IOException in receive treated like a timeout. Lesson 10, \"Connected UDP\".")
    @DisplayName("A port nobody listens on ends the program at once with exit code 1")
    void a_port_nobody_listens_on_ends_the_program_at_once_with_exit_code_1() throws Exception {
        int port;
        try (var gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = gone.getLocalPort();
        }
        long start = System.nanoTime();
        ProgramRun run = ProgramRun.of((a, in, out, err) -> UdpClient.run(a, in, out, err, Duration.ofSeconds(3), 3),
                LONG, "hello\n", "127.0.0.1", String.valueOf(port));
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (run.exitCode() != 1 || !run.out().isEmpty() || run.hasStackTrace() || run.err().lines().count() != 1
                || !run.err().contains("127.0.0.1:" + port) || ms >= 2_500) {
            throw CheckFailed.when("ran your program (timeout 3 s, 3 attempts) against 127.0.0.1:" + port
                    + ", where nothing listens")
                    .expected("exit code 1 well before the first timeout (3 s): the kernel's \"port unreachable\" "
                            + "comes back at once\nstdout: (nothing)\nstderr: one line naming 127.0.0.1:" + port)
                    .got(run.describe() + (ms >= 2_500 ? "\nmore than 2.5 s after the start" : ""))
                    .next(ms >= 2_500
                            ? "UdpClient(...): socket.connect(server), so the kernel reports the ICMP error; and in "
                                    + "ask, only a SocketTimeoutException means \"no reply yet\": a "
                                    + "PortUnreachableException goes out of ask at once. Lesson 10, \"Connected UDP\"."
                            : "run: one plain line on err naming <ip>:<port>, exit code 1. " + LAB)
                    .build();
        }
    }

    @Test
    @Order(16)
    @Hint("Text is UTF-8 on the wire and in and out of the program, whatever the platform's default charset: "
            + "getBytes(UTF_8), new String(bytes, offset, length, UTF_8), an InputStreamReader(in, UTF_8). The check "
            + "runs your main in a JVM whose default charset is US-ASCII, where getBytes() turns 你好 into \"??\". "
            + "Lesson 10, \"The lab\".")
    @DisplayName("Text is UTF-8 even under an ASCII locale")
    void text_is_utf_8_even_under_an_ascii_locale() throws Exception {
        try (var peer = new UdpPeer(UdpPeer.ECHO)) {
            var child = ChildJvm.run("tcplab.lab10.UdpClient", List.of("-Dfile.encoding=US-ASCII"),
                    Map.of("LANG", "C", "LC_ALL", "C"), "你好\n".getBytes(UTF_8), LONG, "127.0.0.1",
                    String.valueOf(peer.port()));
            if (child.notWrittenYet() != null) {
                throw CheckFailed.when("ran your program in a JVM whose default charset is US-ASCII")
                        .expected("your code to run").got("it is not written yet: " + child.notWrittenYet())
                        .next("UdpClient: the constructor, ask and run").build();
            }
            peer.drained();
            List<UdpPeer.Got> got = peer.got();
            byte[] want = UdpPeer.request(1, "你好");
            boolean wire = !got.isEmpty() && Arrays.equals(got.get(0).data(), want);
            if (child.exitCode() != 0 || !Arrays.equals(child.out(), "你好 *_*\n".getBytes(UTF_8)) || !wire) {
                throw CheckFailed.when("ran your program in a JVM whose default charset is US-ASCII (LANG=C) with "
                        + "the input \"你好\\n\" in UTF-8")
                        .expected("the request\n" + dumps(List.of(want)) + "\nexit code 0, stdout \"你好 *_*\\n\" in "
                                + "UTF-8")
                        .got((got.isEmpty() ? "no request" : "the request\n" + dumps(List.of(got.get(0).data())))
                                + "\n" + child.describe() + "\nstdout bytes: " + HexFormat.ofDelimiter(" ")
                                .formatHex(child.out()))
                        .next(!wire ? "the request's text: text.getBytes(UTF_8), and the input read with an "
                                        + "InputStreamReader(in, UTF_8)."
                                : "the answer: new String(bytes, 4, length - 4, UTF_8); main's out is already UTF-8.")
                        .build();
            }
        }
    }

    @Test
    @Order(17)
    @Hint("Usage errors exit with 2, before anything is sent: a line containing \"" + USAGE + "\" on err, nothing "
            + "on out. Not two arguments; an <ip> that is not an address (InetAddress.getByName throws "
            + "UnknownHostException); a port that is not a whole number from 1 to 65535 (0 is no port to send to). "
            + "Lesson 02, \"Exit codes\".")
    @DisplayName("Usage errors exit with 2")
    void usage_errors_exit_with_2() throws IOException {
        List<String[]> bad = List.of(new String[] {}, new String[] {"127.0.0.1"},
                new String[] {"127.0.0.1", "5555", "x"}, new String[] {"127.0.0.1", "five"},
                new String[] {"127.0.0.1", "0"}, new String[] {"127.0.0.1", "65536"},
                new String[] {"127.0.0.1", "-1"}, new String[] {"nowhere.invalid", "5555"});
        for (String[] args : bad) {
            ProgramRun run = ProgramRun.of(UdpClient::run, LONG, "hello\n", args);
            if (run.exitCode() != 2 || !run.out().isEmpty() || !run.err().contains(USAGE) || run.hasStackTrace()) {
                throw CheckFailed.when("ran your program with the arguments " + List.of(args))
                        .expected("exit code 2\nstdout: (nothing)\nstderr: a line containing \"" + USAGE + "\"")
                        .got(run.describe())
                        .next("run: check args.length, the address and the port (1 to 65535) before anything "
                                + "else; print the usage line on err and return 2. Lesson 02, \"Exit codes\".")
                        .build();
            }
        }
        // The edges that are ports: with no input, nothing is asked and the program ends with 0.
        for (String port : List.of("1", "65535")) {
            ProgramRun run = ProgramRun.of(UdpClient::run, QUICK, "", "127.0.0.1", port);
            if (run.exitCode() != 0 || !run.err().isEmpty()) {
                throw CheckFailed.when("ran your program with the arguments [127.0.0.1, " + port + "] and no input")
                        .expected("exit code 0: " + port + " is a port, and with no line nothing is asked")
                        .got(run.describe())
                        .next("run: ports go from 1 to 65535, both included. " + LAB)
                        .build();
            }
        }
    }

    @Test
    @Order(18)
    @Hint("run closes its UdpClient whatever happens (try-with-resources), and close() closes the socket: a UDP "
            + "socket left open keeps its port and its row in the kernel's table until the garbage collector "
            + "finds it, which may be never. " + LAB)
    @DisplayName("Nothing is left open")
    void nothing_is_left_open() throws Exception {
        Assumptions.assumeTrue(Inspector.available(), Inspector::unavailableReason);
        try (var peer = new UdpPeer((got, copy, p) -> {
            if (got.id() == 1) {
                UdpPeer.ECHO.on(got, copy, p);
            }
        })) {
            String port = String.valueOf(peer.port());
            // A warm-up, so whatever the JDK opens once (its own helper sockets) is open before the count.
            ProgramRun.of(UdpClient::run, QUICK, "", "127.0.0.1", port);
            for (String input : List.of("a\n", "a\nb\n")) {
                Set<Inspector.Descriptor> before = Inspector.descriptors();
                ProgramRun run = ProgramRun.of((a, in, out, err) -> UdpClient.run(a, in, out, err,
                        Duration.ofMillis(100), 1), LONG, input, "127.0.0.1", port);
                var left = udpSince(before);
                if (!left.isEmpty()) {
                    throw CheckFailed.when("ran your program with the input " + Transcript.quote(input) + " ("
                            + (run.exitCode() == 0 ? "every request answered" : "the second request unanswered")
                            + "), and looked at this JVM's UDP sockets when it returned")
                            .expected("no UDP socket of your program left open")
                            .got(left.size() + " still open: " + left)
                            .next("run: try (var client = new UdpClient(...)) { ... }, and close() closes the "
                                    + "socket. " + LAB)
                            .build();
                }
            }
            Set<Inspector.Descriptor> before = Inspector.descriptors();
            var client = open(peer.address(), Duration.ofSeconds(1), 1);
            LabCode.run("closed a UdpClient", QUICK, client::close);
            var left = udpSince(before);
            if (!left.isEmpty()) {
                throw CheckFailed.when("made a UdpClient and closed it")
                        .expected("its socket closed").got(left.size() + " still open: " + left)
                        .next("close(): socket.close(). " + LAB).build();
            }
        }
    }

    private static List<String> udpSince(Set<Inspector.Descriptor> before) {
        var left = new ArrayList<String>();
        for (var d : Inspector.openedSince(before)) {
            Inspector.row(d.inode()).filter(r -> r.protocol().startsWith("udp"))
                    .ifPresent(r -> left.add(r.toString()));
        }
        return left;
    }

    // ---------------------------------------------------------------- helpers

    private static UdpClient open(InetSocketAddress server, Duration timeout, int attempts) {
        return LabCode.call("made a UdpClient for " + show(server) + " (timeout " + timeout.toMillis() + " ms, "
                + attempts + " attempts)", QUICK, () -> new UdpClient(server, timeout, attempts));
    }

    /**
     * The learner's answer to {@code text}; when ask throws instead, a failure that says what the server did: it
     * answered every datagram, so a client that gave up did not take a reply with its own id.
     */
    private static String ask(String doing, UdpClient client, String text, UdpPeer peer) throws IOException {
        var outcome = LabCode.outcome(doing, LONG, () -> client.ask(text), client::close, peer);
        if (!outcome.threw()) {
            return outcome.value();
        }
        try {
            peer.drained();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<UdpPeer.Got> got = peer.got();
        throw CheckFailed.when(doing)
                .expected("the answer " + Transcript.quote(text + " *_*"))
                .got("it threw " + outcome.thrown() + "\nat " + LabCode.where(outcome.thrown().getStackTrace())
                        + "\nThe server got " + got.size() + " datagram(s) and answered each at once, with the id it "
                        + "came with; the last:\n" + (got.isEmpty() ? "  (none)"
                                : dumps(List.of(got.get(got.size() - 1).data()))))
                .next(outcome.thrown() instanceof SocketTimeoutException
                        ? "ask: the replies came and your client did not take them. Compare the reply's first 4 "
                                + "bytes, read big-endian (ByteBuffer.wrap(buffer).getInt()), with the id you wrote "
                                + "the same way (putInt). " + LAB
                        : "ask: send the request, receive the reply, and return the bytes after its 4-byte id. " + LAB)
                .build();
    }

    private static String show(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static void expectAnswer(String doing, String want, String got, UdpPeer peer) {
        if (!want.equals(got)) {
            String hint;
            if (got != null && got.endsWith(want) && got.length() > want.length()) {
                hint = "ask: the answer starts after the 4-byte id: new String(buffer, 4, reply.getLength() - 4, "
                        + "UTF_8).";
            } else if (got != null && got.startsWith(want)) {
                hint = "ask: decode only the bytes the datagram held (reply.getLength()), not the whole buffer.";
            } else if (got != null && want.startsWith(got)) {
                hint = "ask: the answer was cut: receive into a buffer of MAX_DATAGRAM (512) bytes.";
            } else {
                hint = "ask: send the request, receive the reply, and return the bytes after its 4-byte id, decoded "
                        + "as UTF-8.";
            }
            throw CheckFailed.when(doing)
                    .expected(Transcript.quote(want))
                    .got(got == null ? "null" : Transcript.quote(got))
                    .next(hint + " " + LAB)
                    .build();
        }
    }

    private static String requestAdvice(List<byte[]> want, List<UdpPeer.Got> got) {
        if (got.size() > want.size()) {
            return "ask: a text that does not fit is refused BEFORE anything is sent; and one attempt is enough "
                    + "when the reply comes. " + LAB;
        }
        if (got.size() < want.size()) {
            return "ask: the 508-byte text fits (508 = MAX_DATAGRAM - 4); only more than 508 bytes is refused. " + LAB;
        }
        for (int i = 0; i < want.size(); i++) {
            byte[] w = want.get(i);
            byte[] g = got.get(i).data();
            if (g.length != w.length) {
                return "ask: a request is exactly 4 + the text's UTF-8 bytes long: send new DatagramPacket(request, "
                        + "request.length), not a bigger buffer. " + LAB;
            }
            if (!Arrays.equals(w, 0, 4, g, 0, 4)) {
                return "ask: the ids are 1, 2, 3, 4 (one per ask that sends), written big-endian: "
                        + "ByteBuffer.allocate(4 + n).putInt(id). " + LAB;
            }
        }
        return "ask: after the id, the text's UTF-8 bytes (text.getBytes(UTF_8)). " + LAB;
    }

    private static String dumps(List<byte[]> datagrams) {
        var sb = new StringBuilder();
        for (byte[] d : datagrams) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("  ").append(d.length).append(" bytes:\n").append(Hex.dump(d, "    "));
        }
        return sb.toString();
    }
}
