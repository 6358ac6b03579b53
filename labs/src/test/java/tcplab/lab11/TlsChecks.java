package tcplab.lab11;

import static tcplab.lab11.KitTls.HOST;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.Frame;
import tcplab.kit.Hex;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.LiveOutput;
import tcplab.kit.ProgramRun;
import tcplab.kit.TestCertificates;
import tcplab.kit.TestCertificates.Kind;
import tcplab.kit.Transcript;

@Checks(lesson = 11)
class TlsChecks {

    static {
        TestCertificates.prepare();   // keytool starts now, in the background, while the first checks load
    }

    /** The server's read timeout in most checks: long enough never to matter. */
    private static final Duration PATIENT = Duration.ofSeconds(30);
    /** How long one exchange may take: a TLS handshake is CPU work, and the machine may be busy. */
    private static final Duration CALL = Duration.ofSeconds(10);
    /** How long the kit waits for one reply, one end of stream or one log line. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The short timeout the checks pass to make a timeout matter. */
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final String USAGE = "Usage: Tls client <host> <port> <text> | Tls server <ip> <port>";

    private final Transcript wire = new Transcript();

    private static SSLContext client() {
        return TestCertificates.get().clientContext();
    }

    /** The learner's exchange() against the kit's TLS server, as a check calls it. */
    private String exchange(String host, int port, String text, Duration timeout) {
        String doing = "called TlsClient.exchange(\"" + host + "\", " + port + ", " + Transcript.quote(text)
                + ", a context that trusts the test CA, " + timeout.toMillis() + " ms)";
        SSLContext context = client();
        LabCode.Outcome<String> outcome = LabCode.outcome(doing, CALL.plus(timeout),
                () -> TlsClient.exchange(host, port, text, context, timeout));
        if (outcome.thrown() instanceof IOException e) {
            throw CheckFailed.when(doing)
                    .expected("the reply's text")
                    .got(e.toString())
                    .next("Is the socket made by context.getSocketFactory() (an SSLSocket)? A plain Socket gets "
                            + "the server's TLS alert (7 bytes, 15 03 03 00 02 02 0a) where a reply should be. Is "
                            + "the frame written and read on that socket's own streams?")
                    .build();
        }
        if (outcome.threw()) {
            throw LabCode.threw(doing, outcome.thrown());
        }
        return outcome.value();
    }

    @Test
    @Order(1)
    @Hint("exchange(): an SSLSocket from context.getSocketFactory().createSocket(), connect(new "
            + "InetSocketAddress(host, port), timeout), setSoTimeout, then Frames.write(out, text) and "
            + "Frames.read(in), as in Lab 04, on the SSLSocket's streams; the handshake runs by itself at the first "
            + "write. Close the socket before you return (try-with-resources). Lesson 11, \"The client\".")
    @DisplayName("The client sends a frame over TLS and returns the reply")
    void the_client_sends_a_frame_over_tls_and_returns_the_reply() throws Exception {
        TestCertificates.get();
        try (var server = new KitTls.Server(Kind.GOOD, KitTls.Mode.ANSWER, wire)) {
            for (String host : List.of("localhost", HOST)) {
                String text = "héllo, 世界 via " + host;
                String reply = exchange(host, server.port(), text, CALL);
                if (!Frames.reply(text).equals(reply)) {
                    throw CheckFailed.when("called exchange(\"" + host + "\", …) against the kit's TLS server")
                            .expected("the reply's text " + Transcript.quote(Frames.reply(text)))
                            .got(reply == null ? "null" : Transcript.quote(reply)).wire(wire)
                            .next("exchange(): return Frames.read(in), the text of the frame that came back.")
                            .build();
                }
                KitTls.Served served = server.next(WAIT);
                if (served == null || !served.clientClosed()) {
                    throw CheckFailed.when("called exchange(\"" + host + "\", …) and it returned")
                            .expected("your client to have closed its connection (the kit's server reads the end "
                                    + "of the stream)")
                            .got(served == null ? "the connection still open " + LabCode.seconds(WAIT) + " later"
                                    : "the connection ended with " + served.failure())
                            .wire(wire)
                            .next("exchange(): close the SSLSocket before returning: try (var socket = …) { … }.")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(2)
    @Hint("start(): context.getServerSocketFactory().createServerSocket(), bind it to host:port, start the server's "
            + "thread. serve() accepts and calls converse(client); converse() is Lab 05's loop, Frames.read until "
            + "null and Frames.write(out, Frames.reply(text)). The handshake runs by itself at the first read. An "
            + "exception on the server's thread is printed on the console: look there. Lesson 11, \"The server\".")
    @DisplayName("The server answers every frame over TLS until the client closes")
    void the_server_answers_every_frame_over_tls_until_the_client_closes() throws Exception {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            for (int round = 1; round <= 2; round++) {
                try (SSLSocket socket = KitTls.connect(server.port(), WAIT)) {
                    for (String text : List.of("héllo, 世界 " + round, "and again " + round)) {
                        writeOrFail(socket, text, server);
                        String reply = readOrFail(socket, "sent the frame " + Transcript.quote(text)
                                + " over TLS to your server", server);
                        if (!Frames.reply(text).equals(reply)) {
                            throw CheckFailed.when("sent the frame " + Transcript.quote(text) + " over TLS")
                                    .expected("the reply " + Transcript.quote(Frames.reply(text)))
                                    .got(reply == null ? "the end of the stream" : Transcript.quote(reply))
                                    .next("converse(): answer every frame with Frames.reply(text), until "
                                            + "Frames.read returns null.")
                                    .build();
                        }
                    }
                    socket.shutdownOutput();
                    int end = socket.getInputStream().read();
                    if (end != -1) {
                        throw CheckFailed.when("closed the kit's side after two frames")
                                .expected("your server to close its side too (the end of the stream)")
                                .got("byte " + end).next("converse(): when Frames.read returns null, close the "
                                        + "client's socket (try (client) { … }).").build();
                    }
                }
            }
            // The server's thread must not keep a JVM alive whose main() is done: a daemon, as the constructor
            // makes it. Started as main() starts it, from a thread that is not a daemon (a new thread inherits that).
            try (var fromMain = ServerUnderCheck.startFromAPlainThread(PATIENT);
                 SSLSocket socket = KitTls.connect(fromMain.port(), WAIT)) {
                writeOrFail(socket, "am I served by a daemon?", fromMain);
                readOrFail(socket, "sent a frame", fromMain);   // its thread is in converse() now, for this client
                for (Thread t : fromMain.threads()) {
                    if (!t.isDaemon()) {
                        throw CheckFailed.when("started your server from a thread that is not a daemon, as main() "
                                        + "does, and looked at the thread that serves")
                                .expected("a daemon thread: a program whose main() returns without close() must end")
                                .got("thread \"" + t.getName() + "\" is not a daemon")
                                .next("start(): start the thread the constructor made (server.serving.start()); it "
                                        + "is a daemon already.")
                                .build();
                    }
                }
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("talked to your server with two clients that said goodbye properly")
                        .expected("nothing in the server's log: nothing went wrong")
                        .got(server.logForMessage())
                        .next("converse(): a client that closes between frames (Frames.read returns null) is "
                                + "no problem: log only on an IOException.")
                        .build();
            }
        }
    }

    /** The kit's client sends a frame to the learner's server; the first one runs the handshake. */
    private static void writeOrFail(SSLSocket socket, String text, ServerUnderCheck server) {
        try {
            Frames.write(socket.getOutputStream(), text);
        } catch (IOException e) {
            throw CheckFailed.when("connected to your server over TLS and sent the frame " + Transcript.quote(text)
                            + " (the first write runs the handshake)")
                    .expected("a TLS handshake, then the frame sent")
                    .got(e.toString() + (server == null || server.log().isEmpty() ? ""
                            : "\nserver log: " + server.logForMessage()))
                    .next("Is the listener made by context.getServerSocketFactory() (an SSLServerSocket)? A plain "
                            + "ServerSocket never answers the kit's ClientHello: it waits for 128 bytes of a frame.")
                    .build();
        }
    }

    private static String readOrFail(SSLSocket socket, String doing, ServerUnderCheck server) {
        try {
            return Frames.read(socket.getInputStream());
        } catch (IOException e) {
            throw CheckFailed.when(doing).expected("the reply frame, within " + LabCode.seconds(WAIT))
                    .got(e.toString() + (server.log().isEmpty() ? "" : "\nserver log: " + server.logForMessage()))
                    .next("Is the listener made by context.getServerSocketFactory() (an SSLServerSocket)? A plain "
                            + "ServerSocket does not speak TLS. Does converse() answer each frame?")
                    .build();
        }
    }

    @Test
    @Order(3)
    @Hint("TLS encrypts everything after the first messages of the handshake: a relay between your client and "
            + "your server sees records (type 0x16 handshake, 0x17 application data), never the text. If the "
            + "text shows, a plain Socket or ServerSocket is in the way. Lesson 11, \"Records on the wire\".")
    @DisplayName("On the wire there are TLS records and never the text")
    void on_the_wire_there_are_tls_records_and_never_the_text() throws Exception {
        try (var server = ServerUnderCheck.start(PATIENT);
             var relay = new KitTls.Relay(server.port())) {
            String text = "hello through a relay";
            String reply = exchange("localhost", relay.port(), text, CALL);
            if (!Frames.reply(text).equals(reply)) {
                throw CheckFailed.when("ran your client against your server through a relay")
                        .expected("the reply " + Transcript.quote(Frames.reply(text)))
                        .got(reply == null ? "null" : Transcript.quote(reply))
                        .next("The first two checks test each side alone: pass them first.").build();
            }
            byte[] up = relay.bytes(relay.toServer);
            byte[] down = relay.bytes(relay.toClient);
            for (var side : List.of(new Object[] {"client → server", up}, new Object[] {"server → client", down})) {
                byte[] bytes = (byte[]) side[1];
                List<int[]> records = KitTls.records(bytes);
                boolean sawData = records != null && records.stream().anyMatch(r -> r[0] == 0x17);
                boolean startsWithHandshake = bytes.length > 2 && bytes[0] == 0x16 && bytes[1] == 0x03;
                if (KitTls.contains(bytes, "hello") || !sawData || !startsWithHandshake) {
                    throw CheckFailed.when("recorded the bytes " + side[0] + " with a relay in between")
                            .expected("TLS records only: a handshake record first (16 03 …), application data "
                                    + "records (17 03 03 …) later, and never the text \"hello\"")
                            .got(bytes.length + " bytes, starting\n" + Hex.dump(java.util.Arrays.copyOf(bytes,
                                    Math.min(bytes.length, 32)), "  "))
                            .next("Both sides must use the SSLContext's factories: context.getSocketFactory() "
                                    + "in exchange(), context.getServerSocketFactory() in start().")
                            .build();
                }
            }
        }
    }

    /** Runs exchange() against the kit's server with a certificate of {@code kind}, which must fail. */
    private void refuses(Kind kind, String why, String next) throws Exception {
        try (var server = new KitTls.Server(kind, KitTls.Mode.ANSWER, wire)) {
            String doing = "called exchange(\"localhost\", " + server.port() + ", \"secret\", a context that "
                    + "trusts the test CA, 10 s) against a server whose certificate " + why;
            SSLContext context = client();
            LabCode.Outcome<String> outcome = LabCode.outcome(doing, CALL.plus(CALL),
                    () -> TlsClient.exchange("localhost", server.port(), "secret", context, CALL));
            if (!outcome.threw() || !(outcome.thrown() instanceof IOException)) {
                server.next(WAIT);                // the kit's server has recorded how the connection ended
                throw CheckFailed.when(doing)
                        .expected("an SSLHandshakeException (an IOException): the handshake must fail")
                        .got(outcome.threw() ? String.valueOf(outcome.thrown())
                                : "the reply " + Transcript.quote(String.valueOf(outcome.value()))
                                + ": your client sent its text to that server")
                        .wire(wire).next(next).build();
            }
            KitTls.Served served = server.next(WAIT);
            if (served != null && !served.texts().isEmpty()) {
                throw CheckFailed.when(doing).expected("no frame to reach the server")
                        .got("the server read " + served.texts()).wire(wire).next(next).build();
            }
        }
    }

    @Test
    @Order(4)
    @Hint("A raw SSLSocket checks that a trusted CA signed the certificate, but NOT that it is for the host you "
            + "asked for: any site with any valid certificate could pose as yours. Turn the check on before the "
            + "handshake: SSLParameters p = socket.getSSLParameters(); p.setEndpointIdentificationAlgorithm"
            + "(\"HTTPS\"); socket.setSSLParameters(p). Lesson 11, \"Hostname verification\".")
    @DisplayName("The client refuses a certificate for another name")
    void the_client_refuses_a_certificate_for_another_name() throws Exception {
        refuses(Kind.WRONG_HOST, "is for elsewhere.tcplab.invalid, not localhost (a trusted CA signed it)",
                "exchange(): setEndpointIdentificationAlgorithm(\"HTTPS\") on the socket's SSLParameters, and "
                        + "setSSLParameters, before the handshake (before the first write).");
        // The program says so in one plain line and exits 1.
        try (var server = new KitTls.Server(Kind.WRONG_HOST, KitTls.Mode.ANSWER, wire)) {
            ProgramRun run = program("client", "localhost", String.valueOf(server.port()), "secret");
            if (run.exitCode() != 1 || !run.out().isEmpty() || run.hasStackTrace()
                    || run.err().strip().lines().count() != 1) {
                throw CheckFailed.when("ran your program with " + run.args() + " against a server whose "
                                + "certificate is for another name")
                        .expected("exit code 1, ONE plain line on stderr (the exception's message), nothing on "
                                + "stdout")
                        .got(describe(run))
                        .next("run(): catch the IOException from exchange() (an SSLHandshakeException is one), "
                                + "print one line with e.getMessage() on err, return 1.")
                        .build();
            }
        }
    }

    @Test
    @Order(5)
    @Hint("The client must trust only what its SSLContext trusts. A TrustManager that accepts every certificate "
            + "(an empty checkServerTrusted) makes TLS encrypt to anyone: an expired or self-signed certificate "
            + "then passes. Use the context you are given: context.getSocketFactory(). Lesson 11, \"A chain of "
            + "trust\".")
    @DisplayName("The client refuses an expired certificate")
    void the_client_refuses_an_expired_certificate() throws Exception {
        refuses(Kind.EXPIRED, "expired a month ago (a trusted CA signed it, for localhost)",
                "exchange(): use the context you are given (context.getSocketFactory()), not one with a "
                        + "TrustManager of your own that accepts everything.");
    }

    @Test
    @Order(6)
    @Hint("A self-signed certificate says \"trust me\" and nothing more: no CA in the client's trust store vouches "
            + "for it. Only a TrustManager that accepts everything lets it through. Use the context you are "
            + "given: context.getSocketFactory(). Lesson 11, \"A chain of trust\".")
    @DisplayName("The client refuses a certificate no trusted authority signed")
    void the_client_refuses_a_certificate_no_trusted_authority_signed() throws Exception {
        refuses(Kind.UNTRUSTED, "is self-signed (for localhost, valid, but no trusted CA signed it)",
                "exchange(): use the context you are given (context.getSocketFactory()), not one with a "
                        + "TrustManager of your own that accepts everything.");
    }

    @Test
    @Order(7)
    @Hint("A client that speaks plain TCP sends bytes that are not a TLS record: the server's first read (the "
            + "handshake) throws an SSLException. That is one client gone wrong: one line in the log, close its "
            + "socket, and accept the next client. Lesson 11, \"The server\".")
    @DisplayName("A plain-TCP client costs one log line and the server serves the next client")
    void a_plain_tcp_client_costs_one_log_line_and_the_server_serves_the_next_client() throws Exception {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int plainPort;
            try (var plain = new Socket()) {
                plain.connect(new InetSocketAddress(HOST, server.port()), (int) WAIT.toMillis());
                plain.setSoTimeout((int) WAIT.toMillis());
                plainPort = plain.getLocalPort();
                plain.getOutputStream().write(Frame.of("hello"));
                wire.event("a plain-TCP client sent the frame \"hello\", unencrypted");
                byte[] got = plain.getInputStream().readNBytes(Frame.SIZE);
                if (KitTls.contains(got, "*_*")) {
                    throw CheckFailed.when("sent a frame in plain TCP to your TLS server")
                            .expected("no reply in plain text: a TLS server answers only TLS")
                            .got(Hex.dump(got, "  "))
                            .next("start(): the listener must come from context.getServerSocketFactory().")
                            .build();
                }
            } catch (SocketTimeoutException e) {
                throw CheckFailed.when("sent a frame in plain TCP to your TLS server")
                        .expected("your server to end that connection (its handshake fails at once)")
                        .got("the connection still open " + LabCode.seconds(WAIT) + " later")
                        .next("converse(): the first read on an SSLSocket runs the handshake, which throws an "
                                + "SSLException for bytes that are not TLS: close the socket then.")
                        .build();
            }
            server.awaitLogLines(1, WAIT);
            List<String> lines = server.logLines();
            if (lines.size() != 1 || !lines.get(0).contains(String.valueOf(plainPort))
                    || server.logHasStackTrace()) {
                throw CheckFailed.when("sent a frame in plain TCP to your TLS server")
                        .expected("exactly one log line that names the client (its port is " + plainPort + ")")
                        .got(lines.isEmpty() || lines.get(0).contains(String.valueOf(plainPort))
                                ? server.logForMessage()
                                : "a first line that does not name the client: " + Transcript.quote(lines.get(0)))
                        .next("converse(): catch the IOException (SSLException is one) and log ONE line: the "
                                + "client's address and port (client.getRemoteSocketAddress()) and the message.")
                        .build();
            }
            try (SSLSocket next = KitTls.connect(server.port(), WAIT)) {
                writeOrFail(next, "next, please", server);
                String reply = readOrFail(next, "sent a TLS frame after the plain-TCP client", server);
                if (!Frames.reply("next, please").equals(reply)) {
                    throw CheckFailed.when("sent a TLS frame after the plain-TCP client")
                            .expected("the reply " + Transcript.quote(Frames.reply("next, please")))
                            .got(reply == null ? "the end of the stream" : Transcript.quote(reply))
                            .next("serve(): after a client goes wrong, go back to accept().").build();
                }
            }
        }
    }

    @Test
    @Order(8)
    @Hint("A client that connects and says nothing (not even a ClientHello) must not hold the server: the read "
            + "timeout counts for the handshake's reads too. client.setSoTimeout(readTimeout) before the first "
            + "read; the SocketTimeoutException then ends that conversation with one log line. Lesson 11, "
            + "\"The server\".")
    @DisplayName("A client that says nothing is given up after the read timeout")
    void a_client_that_says_nothing_is_given_up_after_the_read_timeout() throws Exception {
        try (var server = ServerUnderCheck.start(SHORT)) {
            try (var silent = new Socket()) {
                silent.connect(new InetSocketAddress(HOST, server.port()), (int) WAIT.toMillis());
                silent.setSoTimeout((int) WAIT.toMillis());
                long start = System.nanoTime();
                int got;
                try {
                    got = silent.getInputStream().read();
                } catch (SocketTimeoutException e) {
                    got = -2;
                } catch (IOException e) {
                    got = -1;                       // a reset is an end too
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (got == -2) {
                    throw CheckFailed.when("connected a client that says nothing to a server started with "
                                    + "readTimeout " + SHORT.toMillis() + " ms")
                            .expected("your server to close that connection within " + LabCode.seconds(WAIT))
                            .got("nothing for " + LabCode.seconds(WAIT))
                            .next("converse(): client.setSoTimeout((int) readTimeout.toMillis()) before the first "
                                    + "read.")
                            .build();
                }
                if (took.compareTo(SHORT.minusMillis(100)) < 0) {
                    throw CheckFailed.when("connected a client that says nothing to a server started with "
                                    + "readTimeout " + SHORT.toMillis() + " ms")
                            .expected("the server to wait the read timeout it was given before it gives up")
                            .got("it closed the connection sooner, before " + (SHORT.toMillis() - 100) + " ms had "
                                    + "passed")
                            .next("converse(): the timeout is the readTimeout passed to start(), not a number of "
                                    + "your own.")
                            .build();
                }
            }
            server.awaitLogLines(1, WAIT);
            if (server.logLines().size() != 1) {
                throw CheckFailed.when("let a silent client time out")
                        .expected("exactly one log line for it").got(server.logForMessage())
                        .next("converse(): one log line per IOException (a SocketTimeoutException is one).")
                        .build();
            }
        }
    }

    @Test
    @Order(9)
    @Hint("exchange(): the timeout bounds every read, the handshake's and the reply's: socket.setSoTimeout("
            + "timeout) after connect, so a server that never answers costs a SocketTimeoutException, not a client "
            + "that waits forever. A server that closes without a reply is an IOException too (Frames.read "
            + "returned null: throw an EOFException), never a null reply. Lesson 11, \"The client\".")
    @DisplayName("The client gives up after its timeout on a server that never replies")
    void the_client_gives_up_after_its_timeout_on_a_server_that_never_replies() throws Exception {
        TestCertificates.get();
        try (var server = new KitTls.Server(Kind.GOOD, KitTls.Mode.SILENT, wire)) {
            String doing = "called exchange(\"localhost\", " + server.port() + ", \"anyone?\", …, "
                    + SHORT.toMillis() + " ms) against a server that reads the frame and never answers";
            SSLContext context = client();
            long start = System.nanoTime();
            LabCode.Outcome<String> outcome = LabCode.outcome(doing, WAIT,
                    () -> TlsClient.exchange("localhost", server.port(), "anyone?", context, SHORT),
                    server);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!(outcome.thrown() instanceof SocketTimeoutException)
                    || took.compareTo(SHORT.minusMillis(100)) < 0) {
                throw CheckFailed.when(doing)
                        .expected("a SocketTimeoutException after about " + SHORT.toMillis() + " ms")
                        .got(outcome.threw() ? outcome.thrown() + (took.compareTo(SHORT.minusMillis(100)) < 0
                                ? ", sooner than the timeout it was given" : "") : "a reply")
                        .wire(wire)
                        .next("exchange(): socket.setSoTimeout((int) timeout.toMillis()) before reading.")
                        .build();
            }
        }
        var hangUp = new Transcript();
        try (var server = new KitTls.Server(Kind.GOOD, KitTls.Mode.HANG_UP, hangUp)) {
            String doing = "called exchange(\"localhost\", " + server.port() + ", \"anyone?\", …) against a server "
                    + "that reads the frame and closes without an answer";
            SSLContext context = client();
            LabCode.Outcome<String> outcome = LabCode.outcome(doing, WAIT,
                    () -> TlsClient.exchange("localhost", server.port(), "anyone?", context, CALL), server);
            if (!(outcome.thrown() instanceof IOException)) {
                throw CheckFailed.when(doing)
                        .expected("an IOException (an EOFException says it best): there is no reply")
                        .got(outcome.threw() ? String.valueOf(outcome.thrown())
                                : "it returned " + (outcome.value() == null ? "null" : Transcript.quote(
                                        outcome.value())))
                        .wire(hangUp)
                        .next("exchange(): Frames.read returns null at a clean end of stream; there is no reply "
                                + "to return then: throw an EOFException.")
                        .build();
            }
        }
    }

    @Test
    @Order(10)
    @Hint("stop() closes the listener: no new client gets in, and the server's thread ends once the conversation "
            + "in progress is over. close() also closes the connection in progress (keep the client in "
            + "`current`), then waits for the thread. Nothing may stay in the kernel's table. Lesson 11, "
            + "\"The server\".")
    @DisplayName("stop() and close() leave nothing open")
    void stop_and_close_leave_nothing_open() throws Exception {
        // stop(): the listener goes; the thread ends.
        int port;
        try (var server = ServerUnderCheck.start(PATIENT)) {
            port = server.port();
            server.stop();
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("called stop() on your idle server")
                        .expected("the server's thread to end within " + LabCode.seconds(WAIT))
                        .got("it still runs")
                        .next("serve(): when accept() throws because stop() closed the listener, return.")
                        .build();
            }
            refusedAt(port, "called stop() on your server", "stop(): close the listener.");
        }
        // stop() with a conversation in progress: it finishes; only then does the thread end.
        try (var server = ServerUnderCheck.start(PATIENT);
             SSLSocket client = KitTls.connect(server.port(), WAIT)) {
            port = server.port();
            writeOrFail(client, "before stop", server);
            readOrFail(client, "sent a frame", server);
            server.stop();
            refusedAt(port, "called stop() on your server while a client was connected", "stop(): close the "
                    + "listener.");
            if (server.awaitStopped(Duration.ofMillis(200))) {
                throw CheckFailed.when("called stop() while a client was connected, then awaitStopped(200 ms)")
                        .expected("false: the conversation in progress goes on, so the server's thread runs")
                        .got("true").next("stop(): close the listener, and only the listener; the conversation "
                                + "in progress runs to its end.")
                        .build();
            }
            writeOrFail(client, "after stop", server);
            String reply = readOrFail(client, "sent a frame after stop()", server);
            if (!Frames.reply("after stop").equals(reply)) {
                throw CheckFailed.when("sent a frame after stop(), on the connection already in progress")
                        .expected("the reply " + Transcript.quote(Frames.reply("after stop")))
                        .got(reply == null ? "the end of the stream" : Transcript.quote(reply))
                        .next("stop(): close the listener, and only the listener; the conversation in progress "
                                + "runs to its end.")
                        .build();
            }
            client.close();
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("called stop(), then closed the last client")
                        .expected("the server's thread to end within " + LabCode.seconds(WAIT))
                        .got("it still runs")
                        .next("serve(): when accept() throws because stop() closed the listener, return.")
                        .build();
            }
        }
        // close() with a client in the middle of its conversation.
        try (var server = ServerUnderCheck.start(PATIENT);
             SSLSocket client = KitTls.connect(server.port(), WAIT)) {
            port = server.port();
            // A frame and half of the next in one TLS record: once the reply is here, your server has the half
            // frame in hand, and close() ends a conversation that is certainly in the middle of a frame.
            byte[] frameAndAHalf = java.util.Arrays.copyOf(Frame.of("before close"), Frame.SIZE + Frame.SIZE / 2);
            System.arraycopy(Frame.of("half"), 0, frameAndAHalf, Frame.SIZE, Frame.SIZE / 2);
            try {
                client.getOutputStream().write(frameAndAHalf);
            } catch (IOException e) {
                throw CheckFailed.when("connected to your server over TLS and sent a frame and a half")
                        .expected("a TLS handshake, then the bytes sent").got(e.toString())
                        .next("start(): the listener must come from context.getServerSocketFactory().").build();
            }
            readOrFail(client, "sent a frame and half of the next", server);
            server.closeServer();
            int end;
            try {
                end = client.getInputStream().read();
            } catch (SocketTimeoutException e) {
                end = -2;
            } catch (IOException e) {
                end = -1;
            }
            if (end == -2 || !server.awaitStopped(SHORT)) {
                throw CheckFailed.when("called close() on your server while a client was in the middle of a "
                                + "frame")
                        .expected("the client's connection ended and the server's thread over")
                        .got(end == -2 ? "the connection still open " + LabCode.seconds(WAIT) + " later"
                                : "the server's thread still runs")
                        .next("close(): set closing, stop(), close `current` (the client in progress), then "
                                + "awaitStopped.")
                        .build();
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called close() on your server while a client was in the middle of a "
                                + "frame")
                        .expected("nothing in the log: close() is no client going wrong")
                        .got("a line in the log for that client")
                        .next("converse(): log an IOException only when `closing` is false.").build();
            }
            refusedAt(port, "called close() on your server", "close(): stop() closes the listener.");
            if (Inspector.available()) {
                int closedPort = port;
                var left = Inspector.ownTcp().stream()
                        .filter(r -> r.local().getPort() == closedPort && !r.state().equals("TIME_WAIT")).toList();
                if (!left.isEmpty()) {
                    throw CheckFailed.when("called close() on your server").expected("no socket of the server left")
                            .got(left.toString()).next("close(): close the listener and `current`.").build();
                }
            }
        }
    }

    @Test
    @Order(11)
    @Hint("close() waits up to a second for the server's thread (awaitStopped(Duration.ofSeconds(1))), so that "
            + "nothing of the server runs once it returns. If the calling thread is interrupted meanwhile, the "
            + "wait ends with an InterruptedException: catch it and call Thread.currentThread().interrupt(), so "
            + "the caller still knows. Lesson 11, \"The server\".")
    @DisplayName("close() waits for the server's thread and keeps the caller's interrupt")
    void close_waits_for_the_servers_thread_and_keeps_the_callers_interrupt() throws Exception {
        try (var server = ServerUnderCheck.startHoldingTheLog(PATIENT)) {
            holdInItsLog(server);
            var done = new CompletableFuture<Void>();
            long calledAt = System.nanoTime();
            server.closeInBackground(done);
            boolean returned = LabCode.finishedWithin(done, calledAt, Duration.ofMillis(600));
            server.releaseLog();
            if (returned) {
                throw CheckFailed.when("called close() while your server's thread was busy (the kit held it in "
                                + "its log line)")
                        .expected("close() to wait for that thread (up to a second) before it returns")
                        .got(done.isCompletedExceptionally() ? "close() threw" : "close() returned within 600 ms")
                        .next("close(): after stop() and closing `current`, awaitStopped(Duration.ofSeconds(1)).")
                        .build();
            }
            done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        try (var server = ServerUnderCheck.startHoldingTheLog(PATIENT)) {
            // A thread held in its log line is alive for sure, so close()'s wait meets the interrupt on every run; a
            // server's thread left to end by itself may be gone before close() waits, and then nothing is thrown.
            holdInItsLog(server);
            boolean kept = server.closeWhileInterrupted();
            server.releaseLog();
            if (!kept) {
                throw CheckFailed.when("called close() from a thread whose interrupt status was set")
                        .expected("the interrupt status still set when close() returns")
                        .got("it was cleared")
                        .next("close(): catch (InterruptedException e) { Thread.currentThread().interrupt(); }.")
                        .build();
            }
        }
    }

    /** A plain-TCP client makes the server write a log line; the kit holds the server's thread in that line. */
    private static void holdInItsLog(ServerUnderCheck server) throws IOException {
        try (var plain = new Socket()) {
            plain.connect(new InetSocketAddress(HOST, server.port()), (int) WAIT.toMillis());
            plain.getOutputStream().write(Frame.of("hello"));
            if (!server.awaitHeldInLog(WAIT)) {
                throw CheckFailed.when("sent a frame in plain TCP to your TLS server")
                        .expected("one log line for it within " + LabCode.seconds(WAIT))
                        .got("none: " + server.logForMessage())
                        .next("converse(): catch the IOException (an SSLException) and log one line.")
                        .build();
            }
        }
    }

    @Test
    @Order(12)
    @Hint("When bind() fails (the port is in use), start() must close the listener it made before it throws, "
            + "and start no thread: try { listener.bind(…); } catch (IOException | RuntimeException e) { "
            + "listener.close(); throw e; }. Lesson 11, \"The server\".")
    @DisplayName("A start that fails leaves nothing open")
    void a_start_that_fails_leaves_nothing_open() throws Exception {
        SSLContext context = TestCertificates.get().serverContext(Kind.GOOD);
        // The first TLS listener of this JVM opens files for good (random sources): not the learner's leak.
        context.getServerSocketFactory().createServerSocket().close();
        try (var busy = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            int taken = busy.getLocalPort();
            String doing = "called TlsServer.start(\"" + HOST + "\", " + taken + ", …) where port " + taken
                    + " already has a listener";
            var before = Inspector.descriptors();
            var outcome = LabCode.outcome(doing, CALL, () -> TlsServer.start(HOST, taken, context, PATIENT,
                    new PrintStream(java.io.OutputStream.nullOutputStream())));
            if (!outcome.threw()) {
                outcome.value().close();
                throw CheckFailed.when(doing).expected("an IOException (Address already in use)")
                        .got("a running server").next("start(): let bind()'s exception out.").build();
            }
            if (!(outcome.thrown() instanceof IOException)) {
                throw CheckFailed.when(doing).expected("an IOException (Address already in use)")
                        .got(outcome.thrown().toString()).next("start(): let bind()'s exception out as it is.")
                        .build();
            }
            if (Inspector.available()) {
                var left = Inspector.openedSince(before);
                if (!left.isEmpty()) {
                    throw CheckFailed.when(doing)
                            .expected("the IOException, and nothing left open")
                            .got(outcome.thrown() + "\nbut " + left.size() + " descriptor(s) still open (the "
                                    + "listener that failed to bind, most likely)")
                            .next("start(): when bind() throws, close the listener before you throw again.")
                            .build();
                }
            }
        }
    }

    private static void refusedAt(int port, String doing, String next) {
        try (var probe = new Socket()) {
            probe.connect(new InetSocketAddress(HOST, port), (int) WAIT.toMillis());
            throw CheckFailed.when(doing + ", then connected to its port " + port)
                    .expected("Connection refused: nothing listens there any more")
                    .got("the connection was accepted").next(next).build();
        } catch (ConnectException expected) {
            // nothing listens: right
        } catch (IOException e) {
            throw CheckFailed.when(doing + ", then connected to its port " + port)
                    .expected("Connection refused").got(e.toString()).next(next).build();
        }
    }

    /** A run as ProgramRun describes it, with a stack trace cut to its first line (its frames vary by JDK). */
    private static String describe(ProgramRun run) {
        if (!run.hasStackTrace()) {
            return run.describe();
        }
        String first = run.err().lines().findFirst().orElse("");
        return "exit code " + run.exitCode() + "\nstdout: " + (run.out().isEmpty() ? "(nothing)"
                : Transcript.quote(run.out())) + "\nstderr: a stack trace, starting " + Transcript.quote(first);
    }

    private static ProgramRun program(String... args) {
        SSLContext context = client();
        return ProgramRun.of((a, in, out, err) -> Tls.run(a, in, out, err, context), CALL.plus(CALL), "", args);
    }

    @Test
    @Order(13)
    @Hint("Exit code 2 and the usage line on err, nothing on out, for: no arguments, a word other than client "
            + "or server, the wrong number of arguments for it, a port that is not a number from 0 (1 for the "
            + "client) to 65535, a server address that is not an address. The kit's convention (Lesson 02).")
    @DisplayName("Usage errors exit 2 with the usage line")
    void usage_errors_exit_2_with_the_usage_line() throws Exception {
        TestCertificates.get();
        // "Client" has the client's four arguments and the wrong word: a word check that looks at the count alone,
        // or ignores case, goes on to connect instead.
        List<String[]> wrong = List.of(new String[] {}, new String[] {"serve", "127.0.0.1", "0"},
                new String[] {"Client", "localhost", "443", "t"},
                new String[] {"client", "localhost", "443"}, new String[] {"server", "127.0.0.1"},
                new String[] {"server", "127.0.0.1", "0", "extra"}, new String[] {"client", "localhost", "x", "t"},
                new String[] {"client", "localhost", "0", "t"}, new String[] {"client", "localhost", "65536", "t"},
                new String[] {"server", "127.0.0.1", "-1"}, new String[] {"server", "127.0.0.1", "65536"},
                new String[] {"client", "localhost", "443", "t", "extra"},
                new String[] {"server", "nosuchhost.invalid", "0"});
        for (String[] args : wrong) {
            ProgramRun run = program(args);
            if (run.exitCode() != 2 || !run.err().contains(USAGE) || !run.out().isEmpty() || run.hasStackTrace()) {
                throw CheckFailed.when("ran your program with " + run.args())
                        .expected("exit code 2, a line holding \"" + USAGE + "\" on stderr, nothing on stdout")
                        .got(describe(run))
                        .next("run(): check the word, the number of arguments and the port (and the server's "
                                + "address) before anything else; print the usage line on err and return 2.")
                        .build();
            }
        }
    }

    @Test
    @Order(14)
    @Hint("client: print the reply's text on out and return 0; an IOException (refused, a handshake that fails) "
            + "is one line on err and 1. server: start, print \"listening on <ip>:<port> (Ctrl-D stops it)\", "
            + "serve until in ends, close, return 0; a port in use is one line on err and 1. Lesson 11, \"The "
            + "program\".")
    @DisplayName("The program runs the client and the server with exit codes 0 and 1")
    void the_program_runs_the_client_and_the_server_with_exit_codes_0_and_1() throws Exception {
        TestCertificates.get();
        // The client, against the kit's server.
        try (var server = new KitTls.Server(Kind.GOOD, KitTls.Mode.ANSWER, wire)) {
            ProgramRun run = program("client", "localhost", String.valueOf(server.port()), "héllo");
            if (run.exitCode() != 0 || !run.out().equals(Frames.reply("héllo") + System.lineSeparator())
                    || !run.err().isEmpty()) {
                throw CheckFailed.when("ran your program with " + run.args())
                        .expected("exit code 0, the reply " + Transcript.quote(Frames.reply("héllo"))
                                + " as one line on stdout, nothing on stderr")
                        .got(describe(run)).wire(wire)
                        .next("run(): out.println(TlsClient.exchange(host, port, text, context, TIMEOUT)).")
                        .build();
            }
        }
        // The client, where nothing listens.
        int closedPort;
        try (var spare = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            closedPort = spare.getLocalPort();
        }
        ProgramRun refused = program("client", HOST, String.valueOf(closedPort), "anyone?");
        if (refused.exitCode() != 1 || !refused.out().isEmpty() || refused.hasStackTrace()
                || refused.err().strip().lines().count() != 1) {
            throw CheckFailed.when("ran your program with " + refused.args() + " where nothing listens")
                    .expected("exit code 1, one plain line on stderr, nothing on stdout")
                    .got(describe(refused))
                    .next("run(): catch the IOException from exchange(), print one line on err, return 1.")
                    .build();
        }
        // The edges of the port ranges are ports, not usage errors: 1 and 65535 for the client (refused there).
        for (String edge : List.of("1", "65535")) {
            ProgramRun run = program("client", HOST, edge, "anyone?");
            if (run.exitCode() != 1 || run.err().contains(USAGE)) {
                throw CheckFailed.when("ran your program with " + run.args() + " (nothing listens there)")
                        .expected("exit code 1, refused: " + edge + " is a port number")
                        .got(describe(run))
                        .next("run(): a client's port is a number from 1 to 65535, ends included.").build();
            }
        }
        // The server: runs until its input ends.
        var outText = new LiveOutput();
        var errText = new LiveOutput();
        var feed = new PipedOutputStream();
        var in = new PipedInputStream(feed);
        SSLContext serverContext = TestCertificates.get().serverContext(Kind.GOOD);
        var done = new CompletableFuture<Integer>();
        Thread runner = new Thread(() -> {
            try {
                done.complete(Tls.run(new String[] {"server", HOST, "0"}, in, outText.printStream(),
                        errText.printStream(), serverContext));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "your-program");
        runner.setDaemon(true);
        runner.start();
        try {
            int port = awaitListening(outText, errText, done);
            try (SSLSocket client = KitTls.connect(port, WAIT)) {
                writeOrFail(client, "to the program", null);
                String reply = Frames.read(client.getInputStream());
                if (!Frames.reply("to the program").equals(reply)) {
                    throw CheckFailed.when("sent a frame to your program's server")
                            .expected("the reply " + Transcript.quote(Frames.reply("to the program")))
                            .got(String.valueOf(reply)).next("run(): start the TlsServer with the context.")
                            .build();
                }
            }
            feed.close();
            Integer code;
            try {
                code = done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw CheckFailed.when("ended your server program's standard input")
                        .expected("it to close the server and return 0").got("it still runs "
                                + LabCode.seconds(WAIT) + " later")
                        .next("run(): in.transferTo(OutputStream.nullOutputStream()) returns at the end of the "
                                + "input; then close the server and return 0.")
                        .build();
            }
            if (code != 0) {
                throw CheckFailed.when("ended your server program's standard input").expected("exit code 0")
                        .got("exit code " + code + "; stderr: " + Transcript.quote(errText.text())).next(
                                "run(): return 0 after the input ends.").build();
            }
            refusedAt(port, "ended your server program's input", "run(): close the server when the input ends "
                    + "(try (server) { … }).");
            // A port in use: exit 1.
            try (var busy = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
                ProgramRun inUse = program("server", HOST, String.valueOf(busy.getLocalPort()));
                if (inUse.exitCode() != 1 || !inUse.out().isEmpty() || inUse.hasStackTrace()
                        || inUse.err().strip().lines().count() != 1) {
                    throw CheckFailed.when("ran your program with " + inUse.args() + " on a port in use")
                            .expected("exit code 1, one plain line on stderr, nothing on stdout")
                            .got(describe(inUse))
                            .next("run(): catch the IOException from TlsServer.start(), one line on err, return 1.")
                            .build();
                }
            }
        } finally {
            feed.close();
            runner.interrupt();
        }
    }

    /** Waits for the server program's "listening on" line and returns its port. */
    private static int awaitListening(LiveOutput out, LiveOutput err, CompletableFuture<Integer> done)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        var pattern = java.util.regex.Pattern.compile("listening on " + java.util.regex.Pattern.quote(HOST)
                + ":(\\d+) \\(Ctrl-D stops it\\)\\R");
        while (System.nanoTime() < deadline && !done.isDone()) {
            var m = pattern.matcher(out.text());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.onSpinWait();
            Thread.sleep(10);   // polling the program's output, not synchronising with it: the deadline decides
        }
        throw CheckFailed.when("ran your program with [server, " + HOST + ", 0]")
                .expected("the line \"listening on " + HOST + ":<port> (Ctrl-D stops it)\" on stdout")
                .got("stdout: " + Transcript.quote(out.text()) + "\nstderr: " + Transcript.quote(err.text())
                        + (done.isDone() ? "\n(the program returned)" : ""))
                .next("run(): after TlsServer.start, print the line with server.port().")
                .build();
    }
}
