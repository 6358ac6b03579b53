package tcplab.lab05;

import static tcplab.lab05.ServerUnderCheck.HOST;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.Conversation;
import tcplab.kit.Conversation.Ending;
import tcplab.kit.Conversation.Received;
import tcplab.kit.Frame;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.Poll;
import tcplab.kit.ProgramRun;
import tcplab.kit.RunningProgram;
import tcplab.kit.ScriptedClient;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;

@Checks(lesson = 5)
class CloseChecks {

    /**
     * The server's read timeout in most checks: long enough never to matter, even when a check keeps a client idle
     * for several of its own waits on a machine so busy that each one runs long.
     */
    private static final Duration PATIENT = Duration.ofSeconds(30);
    /** How long the kit waits for one reply or one end of stream. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** Well inside the second close() must wait for a held thread: a close() done by then did not wait. */
    private static final Duration EARLY = Duration.ofMillis(600);
    /** How long the kit polls the kernel's tables for a socket to go away. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long the kit lets descriptors close once the server's thread has ended (they should be closed already). */
    private static final Duration GRACE = Duration.ofMillis(500);

    /** How long a run of the program may take when its input is empty or its arguments are wrong. */
    private static final Duration PROGRAM = Duration.ofSeconds(5);
    /** How long the kit waits for one call into the learner's server. */
    private static final Duration CALL = Duration.ofSeconds(2);
    private static final String USAGE = "Usage: FrameServer <ip> <port>";
    /** Where the misbehaving clients connect from: not the server's 127.0.0.1 where this machine allows it. */
    private static final String CLIENT_IP = Sockets.loopbackAlias("127.0.0.2");

    private final Transcript wire = new Transcript();

    @Test
    @Order(1)
    @Hint("start() must bind a ServerSocket to the host and port it is given (port 0: the system picks one), "
            + "start the server's thread and return at once, without waiting for a client. If the check says your "
            + "code was still running, start() serves by itself: it calls accept() or serve() directly, or "
            + "serving.run() instead of serving.start() (run() runs the thread's work right there, on the "
            + "caller's thread). The thread that serves must be a daemon, so that a forgotten server never keeps "
            + "the JVM alive: the constructor's thread is one. Lesson 05, \"The lab\"; binding is Lesson 04.")
    @DisplayName("The server starts and accepts a connection")
    void the_server_starts_and_accepts_a_connection() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            wire.event("connected: the kernel completed the handshake");
        }
        // The server's thread must not keep a JVM alive whose main() is done: a daemon, as the constructor makes
        // it. Started as main() starts it, from a thread that is not a daemon (a new thread inherits that).
        try (var server = ServerUnderCheck.startFromAPlainThread(PATIENT)) {
            server.awaitWaitingInAccept(WAIT);
            for (Thread t : server.threads()) {
                if (!t.isDaemon()) {
                    throw CheckFailed.when("started your server and looked at the thread that runs it")
                            .expected("a daemon thread: a program whose main() returns without close() must end")
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
    @Order(2)
    @Hint("serve() accepts a client and hands it to converse(); converse() reads a frame with Frames.read(in) "
            + "and answers with Frames.write(out, Frames.reply(text)). An exception thrown on the server's thread "
            + "is printed on the console, not here: look there. Lesson 05, \"The lab\".")
    @DisplayName("One frame gets one reply")
    void one_frame_gets_one_reply() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "héllo, 世界");
        }
    }

    @Test
    @Order(3)
    @Hint("converse() must loop: read a frame, reply, read the next… until Frames.read returns null (the "
            + "client closed: end of stream). Then close the accepted socket: try (client) { … } does it. Likely "
            + "causes: the socket is never closed, so your side sits in CLOSE_WAIT; a loop on !client.isClosed(), "
            + "which never ends (isClosed() is about YOUR side) and either spins or answers the null as a frame "
            + "\"null *_*\"; or the reply to \"one\" ended the connection: out.close() closes the whole socket, "
            + "and shutdownOutput() after a reply ends your side for good. Lesson 05, \"End of stream\" and "
            + "\"CLOSE_WAIT: the forgotten close\".")
    @DisplayName("After three frames and a close, the server closes its side")
    void after_three_frames_and_a_close_the_server_closes_its_side() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "one");
            exchange(server, client, "two");
            exchange(server, client, "three");
            int kitPort = client.socket().getLocalPort();
            client.shutdownOutput();
            Received end = client.read(Frame.SIZE, WAIT);
            if (end.ending() != Ending.CLOSED || end.bytes().length > 0) {
                String next = end.bytes().length > 0
                        ? "converse(): your server answered the end of stream as if it were a frame. When the "
                        + "client closes, Frames.read returns null: that is the end of the conversation, not a "
                        + "message. Loop while Frames.read returns a text, then close the accepted socket."
                        : "converse(): when Frames.read returns null the client has closed; leave the loop and "
                        + "close the accepted socket (try-with-resources). A loop on !client.isClosed() never "
                        + "ends: isClosed() only says whether YOUR side called close().";
                throw CheckFailed.when("sent three frames, read three replies, then closed its sending side (FIN)")
                        .expected("your server to read end of stream, close its side, and the kit to read -1")
                        .got(describe(end) + rowsOfServerSide(server, kitPort))
                        .wire(wire)
                        .next(next + "\n" + server.logForMessage())
                        .build();
            }
            client.close();
            if (Inspector.available()) {
                var left = pollUntil(() -> Inspector.tcpRowsBetween(server.port(), kitPort).isEmpty());
                if (!left) {
                    throw CheckFailed.when("closed the connection after three frames and looked at the kernel's table")
                            .expected("no row left for your server's side of that connection")
                            .got(rowsOfServerSide(server, kitPort).strip())
                            .wire(wire)
                            .next("converse(): close the accepted socket itself, not just its output.")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(4)
    @Hint("After one conversation ends, serve() must go back to accept() for the next client, on the SAME "
            + "listener. If the second client is refused, the listener was closed after the first one: try "
            + "(listener) { … } around accept() or a listener.close() after a conversation does that; only stop() "
            + "closes it. If the second client gets nothing, the first conversation never ended (did converse() "
            + "leave its loop when Frames.read returned null?) or serve() returned after one client. A client that "
            + "closes between frames did nothing wrong: nothing goes to the log for it. Lesson 05, \"A serial "
            + "server's life\".")
    @DisplayName("The next client is served after the first leaves")
    void the_next_client_is_served_after_the_first_leaves() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            try (var first = connect(port)) {
                exchange(server, first, "first client");
            }
            try (var second = connect(port)) {
                exchange(server, second, "second client");
            }
            try (var third = connect(port)) {
                exchange(server, third, "third client");
                // The third conversation began after the first two had ended, and goes on: what the first two
                // logged is there by now, and nothing of the third's yet.
                expectNoLogAfterPoliteClients(server);
            }
        }
    }

    /** Polite clients are worth no line in the log. */
    private static void expectNoLogAfterPoliteClients(ServerUnderCheck server) {
        if (!server.log().isEmpty()) {
            throw CheckFailed.when("served two clients that each sent a frame and closed politely, and a third")
                    .expected("nothing in your server's log: the log is for clients that went wrong, and a "
                            + "client that closes between frames did nothing wrong")
                    .got(server.logForMessage())
                    .next("converse(): log only in the catch for IOException; Frames.read returning null is the "
                            + "normal end of a conversation, not a problem.")
                    .build();
        }
    }

    @Test
    @Order(5)
    @Hint("A client that shuts down its output (a half-close: FIN, but it still reads) must still get a reply "
            + "to every frame it sent before. Answer every whole frame before you look for the end of stream, and "
            + "close only after Frames.read returned null. Lesson 05, \"Half-close\".")
    @DisplayName("A client that half-closes still gets every reply")
    void a_client_that_half_closes_still_gets_every_reply() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            String[] texts = {"alpha", "beta", "gamma"};
            byte[] all = new byte[0];
            for (String t : texts) {
                byte[] f = Frame.of(t);
                all = Arrays.copyOf(all, all.length + f.length);
                System.arraycopy(f, 0, all, all.length - f.length, f.length);
            }
            client.send(all);
            client.shutdownOutput();
            for (String t : texts) {
                expectReply(server, client, t, "sent three frames at once and then shut down its output");
            }
            Received end = client.read(1, WAIT);
            if (end.ending() != Ending.CLOSED) {
                throw CheckFailed.when("read the three replies after its half-close")
                        .expected("end of stream: your server closes once it has answered everything")
                        .got(describe(end))
                        .wire(wire)
                        .next("converse(): after Frames.read returns null, close the socket.")
                        .build();
            }
        }
    }

    @Test
    @Order(6)
    @Hint("stop() closes the listener. A thread blocked in accept() then gets a SocketException: that is the "
            + "normal way out of the accept loop, not an error to print or to retry. Check listener.isClosed() "
            + "and return quietly. Likely causes: e.printStackTrace() (or a log line) for every accept() failure, "
            + "the expected one included; a catch that accepts again, which spins forever on the closed listener. "
            + "Lesson 05, \"Stopping a thread that waits in accept()\".")
    @DisplayName("stop() ends a server that has no client")
    void stop_ends_a_server_that_has_no_client() {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            server.port();
            server.awaitWaitingInAccept(WAIT);
            server.stop();
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("called stop() on a server with no client and waited " + LabCode.seconds(WAIT))
                        .expected("the server's thread to end: accept() fails once the listener is closed")
                        .got("the thread is still running" + (server.log().length() > 1000
                                ? " and its log keeps growing (a loop that retries accept?)" : ""))
                        .next("serve(): when accept() throws and the listener is closed, return.\n"
                                + server.logForMessage())
                        .build();
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called stop() on a server with no client")
                        .expected("a quiet end: stop() is not an error, and the log is for clients that went wrong")
                        .got(server.logForMessage())
                        .next("serve(): the SocketException from accept() after stop() is expected; return and "
                                + "print nothing" + (server.logHasStackTrace() ? ", least of all a stack trace." : "."))
                        .build();
            }
        }
    }

    @Test
    @Order(7)
    @Hint("After stop() the port has no listener, so the kernel answers a new SYN with RST and the client's "
            + "connect fails with \"Connection refused\". If the kit could still connect, the listener is open: "
            + "stop() must close the ServerSocket, not just set a flag. Lesson 05, \"Closing the listener\".")
    @DisplayName("After stop(), a new client is refused")
    void after_stop_a_new_client_is_refused() {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            server.awaitWaitingInAccept(WAIT);
            server.stop();
            // Java's close() returns at once; the thread blocked in accept() is woken and lets go of the kernel's
            // socket as it leaves. Wait for that: a connect in between could still get through (the blocked accept()
            // may even return it, three to four times in five where measured; it varies with the machine), and the
            // check would blame a correct server.
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("called stop() on a server with no client and waited " + LabCode.seconds(WAIT))
                        .expected("the server's thread to end").got("it is still running")
                        .next("serve(): when accept() throws and the listener is closed, return.\n"
                                + server.logForMessage())
                        .build();
            }
            try (var late = new Socket()) {
                late.connect(new InetSocketAddress(HOST, port), (int) WAIT.toMillis());
                wire.event("kit connected after stop(): the kernel still had a listener on " + port);
                var c = new Conversation(late, wire);
                c.send(Frame.of("too late"));
                Received r = c.read(Frame.SIZE, Duration.ofMillis(300));
                throw CheckFailed.when("called stop() and then connected to port " + port)
                        .expected("\"Connection refused\": no listener, no new connection")
                        .got("the connection was accepted" + (r.bytes().length > 0 ? " and even answered" : "")
                                // Only the listener is evidence; the other rows come and go with the load.
                                + (Inspector.available() ? "\nthe kernel's listener for port " + port + ": "
                                + Inspector.tcpRowsFor(port).stream().filter(row -> row.state().equals("LISTEN"))
                                        .toList() : ""))
                        .wire(wire)
                        .next("stop(): close the ServerSocket (listener.close()). A flag that the accept loop "
                                + "looks at is not enough: while the listener is open, the kernel completes "
                                + "handshakes for it (into its backlog), whether or not anyone calls accept().")
                        .build();
            } catch (ConnectException expected) {
                wire.event("connect after stop(): " + expected.getMessage());
            } catch (IOException other) {
                throw CheckFailed.when("called stop() and then connected to port " + port)
                        .expected("\"Connection refused\"")
                        .got(other.toString())
                        .wire(wire)
                        .next("stop(): close the ServerSocket.")
                        .build();
            }
        }
    }

    @Test
    @Order(8)
    @Hint("stop() closes the listener ONLY. The accepted socket is a different socket: the conversation in "
            + "progress goes on until its client closes, and only then does serve() find the listener closed and "
            + "end. If the client lost its connection at stop(), stop() also closed the current client's socket: "
            + "that is close()'s job, not stop()'s. stop() is not close() either in what it logs: if that client then "
            + "resets, it went wrong and is worth its log line (only close() sets `closing`). Lesson 05, \"Closing "
            + "the listener\".")
    @DisplayName("stop() lets the conversation in progress finish")
    void stop_lets_the_conversation_in_progress_finish() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "before stop");
            server.stop();
            wire.event("the check called stop() on your server");
            exchange(server, client, "after stop", "the check called stop()");
            exchange(server, client, "still talking", "the check called stop()");
            // This client ends badly (a reset): after stop(), unlike close(), that is still a client gone wrong.
            // (A polite end after stop() is check 19's.)
            Peer peer = Peer.of(client);
            client.reset();
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("waited for your server to end after stop() and the last client's reset")
                        .expected("the server's thread to end: the listener is closed and the conversation is over")
                        .got("it is still running")
                        .wire(wire)
                        .next("serve(): after a conversation, accept() on the closed listener throws: return then.\n"
                                + server.logForMessage())
                        .build();
            }
            // The thread has ended, so its line, if any, is written.
            expectOneLineLog(server, peer, "called stop(), then made the client of the conversation in progress "
                    + "reset its connection", "the server's thread ended",
                    "after stop() the flag `closing` must stay false: only close() ends a conversation on purpose. "
                    + "Does stop() set it?");
        }
    }

    @Test
    @Order(9)
    @Hint("close() is stop() plus the end of the conversation in progress: close the listener, then the "
            + "accepted socket of the current client (keep it in the `current` field while you converse), then "
            + "wait for the thread. If the client kept its connection, close() only called stop(), or `current` "
            + "was never set. A read blocked on a socket that another thread closes throws SocketException: that "
            + "is expected, not worth a stack trace. Lesson 05, \"Closing the listener\".")
    @DisplayName("close() ends the conversation in progress too")
    void close_ends_the_conversation_in_progress_too() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            int port = server.port();
            exchange(server, client, "talking");
            List<Thread> serving = server.threads();
            server.closeServer();
            wire.event("the check called close() on your server");
            Received end = client.read(1, WAIT);
            if (end.ending() != Ending.CLOSED && end.ending() != Ending.RESET) {
                throw CheckFailed.when("called close() on your server during a conversation")
                        .expected("the conversation to end: the kit reads -1 (or a reset)")
                        .got(describe(end))
                        .wire(wire)
                        .next("close(): after stop(), close the `current` socket too.")
                        .build();
            }
            expectNothingLeftAfterClose(server, port, serving, "called close() on your server during a conversation");
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called close() on your server during a conversation")
                        .expected("nothing in your server's log: close() ended that conversation on purpose, the "
                                + "client did nothing wrong")
                        .got(server.logForMessage())
                        .wire(wire)
                        .next("converse(): the read that close() interrupts throws SocketException; log it only "
                                + "when `closing` is not set (close() sets it before it closes the socket).")
                        .build();
            }
        }
    }

    @Test
    @Order(10)
    @Hint("close() on a server that has no client: `current` is null then, so check it before you close it. And "
            + "close() waits for the server's thread (awaitStopped): when it returns, the thread has ended and the "
            + "port has no listener. Lesson 05, \"Closing the listener\".")
    @DisplayName("close() ends a server that has no client")
    void close_ends_a_server_that_has_no_client() {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            List<Thread> serving = server.awaitWaitingInAccept(WAIT).map(List::of)
                    .orElseGet(server::threads);
            server.closeServer();
            expectNothingLeftAfterClose(server, port, serving, "called close() on a server with no client");
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called close() on a server with no client")
                        .expected("a quiet end: close() is not an error")
                        .got(server.logForMessage())
                        .next("serve(): the exception accept() throws once the listener is closed is the normal way "
                                + "out; print nothing.")
                        .build();
            }
        }
    }

    @Test
    @Order(11)
    @Hint("A client that resets makes your read (or write) throw SocketException \"Connection reset\". Catch "
            + "IOException around ONE conversation (inside converse()), write one line to the log, close that "
            + "socket and go back to accept(). Likely cause: one try/catch around accept() AND converse(), or "
            + "around the whole loop: the first reset jumps out of the loop and ends the server for everyone. "
            + "Lesson 05, \"Resets\" and \"A serial server's life\".")
    @DisplayName("A client that resets does not bring the server down")
    void a_client_that_resets_does_not_bring_the_server_down() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            Peer rudePeer;
            try (var rude = connectFromClientIp(port)) {
                rudePeer = Peer.of(rude);
                exchange(server, rude, "goodbye, rudely");
                rude.reset();
            }
            try (var next = connect(port)) {
                exchange(server, next, "am I served?", "the client before it reset its connection");
            }
            expectOneLineLog(server, rudePeer, "made a client reset its connection");
        }
    }

    @Test
    @Order(12)
    @Hint("A client that closes in the middle of a frame sent half a message: Frames.read throws "
            + "EOFException. Do not answer a half frame; log one line, close, serve the next client. Likely "
            + "causes: a catch for SocketException only (EOFException is not one, so it escapes and ends the "
            + "server); or client.close() written after the loop, which an exception jumps over (try (client) { … "
            + "} closes on every path). Lesson 05, \"End of stream\".")
    @DisplayName("A client that leaves mid-frame gets no reply, and the next is served")
    void a_client_that_leaves_mid_frame_gets_no_reply_and_the_next_is_served() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            Peer leaverPeer;
            try (var leaver = connectFromClientIp(port)) {
                leaverPeer = Peer.of(leaver);
                leaver.send(Arrays.copyOf(Frame.of("half a frame"), 50));
                leaver.shutdownOutput();
                Received r = leaver.read(Frame.SIZE, WAIT);
                if (r.bytes().length > 0 || r.ending() == Ending.TIMED_OUT) {
                    throw CheckFailed.when("sent 50 bytes of a frame and then closed its sending side")
                            .expected("no reply (half a frame is no message), and your server closing its side")
                            .got(describe(r))
                            .wire(wire)
                            .next("converse(): Frames.read throws EOFException here; catch IOException, log one "
                                    + "line, and let try-with-resources close the socket.")
                            .build();
                }
            }
            try (var next = connect(port)) {
                exchange(server, next, "next, please", "the client before it left in the middle of a frame");
            }
            expectOneLineLog(server, leaverPeer, "made a client leave in the middle of a frame");
        }
    }

    @Test
    @Order(13)
    @Hint("One client at a time means a silent client blocks everyone behind it. Set the ACCEPTED socket's "
            + "read timeout (client.setSoTimeout(readTimeout in ms)) so a read that waits too long throws "
            + "SocketTimeoutException; log one line, close, take the next client. Likely causes: no setSoTimeout "
            + "at all, or set on the listener (that one times out accept(), not reads). Lesson 05, \"A serial "
            + "server's life\".")
    @DisplayName("A silent client is dropped after the read timeout")
    void a_silent_client_is_dropped_after_the_read_timeout() throws IOException {
        Duration readTimeout = Duration.ofMillis(250);
        try (var server = ServerUnderCheck.start(readTimeout)) {
            int port = server.port();
            Peer silentPeer;
            try (var silent = connectFromClientIp(port);
                 var next = connect(port)) {
                silentPeer = Peer.of(silent);
                wire.event("the first client says nothing; the second sends a frame");
                next.send(Frame.of("waiting my turn"));
                expectReply(server, next, "waiting my turn",
                        "connected a silent client, then a second one that sent a frame (read timeout "
                                + readTimeout.toMillis() + " ms)", "the silent client's read timed out");
                Received r = silent.read(1, WAIT);
                if (r.ending() != Ending.CLOSED && r.ending() != Ending.RESET) {
                    throw CheckFailed.when("looked at the silent client after the second one was served")
                            .expected("your server to have closed the silent client's connection")
                            .got(describe(r))
                            .wire(wire)
                            .next("converse(): a SocketTimeoutException must end the conversation and close it.")
                            .build();
                }
            }
            expectOneLineLog(server, silentPeer, "left a client silent for the read timeout");
        }
    }

    @Test
    @Order(14)
    @Hint("The read timeout is the one start() is given: client.setSoTimeout((int) readTimeout.toMillis()) on the "
            + "ACCEPTED socket. A number of your own (1000, 30_000) or a unit slip (readTimeout.toSeconds() is 0 for "
            + "150 ms, and setSoTimeout(0) means no timeout at all) makes a server whose clients are cut off too "
            + "early or never. The timeout counts for every read, also in the middle of a frame. Lesson 05, "
            + "\"A serial server's life\".")
    @DisplayName("The read timeout is the one start() was given")
    void the_read_timeout_is_the_one_start_was_given() throws IOException {
        Duration quick = Duration.ofMillis(150);
        Duration slow = Duration.ofMillis(1600);
        // Two servers at once. Any fixed timeout is either above 10 x 150 ms or below 1600 ms, so one of them
        // shows it; and a correct server can close neither early, since its timer starts after the kit's connect.
        try (var quickServer = ServerUnderCheck.start(quick);
             var slowServer = ServerUnderCheck.start(slow);
             var stalled = connectFromClientIp(quickServer.port())) {
            // Timed from before the kit connects, since the server's timer cannot start earlier: a check thread
            // slow to come back from connect() on a busy machine then cannot make a correct server look early.
            long connected = System.nanoTime();
            try (var silent = connect(slowServer.port())) {
                Peer stalledPeer = Peer.of(stalled);
                stalled.send(Arrays.copyOf(Frame.of("half a frame, then nothing"), 40));
                wire.event("a client of the server with readTimeout " + quick.toMillis() + " ms sent 40 bytes of a "
                        + "frame and stalled; a client of the server with readTimeout " + slow.toMillis()
                        + " ms said nothing");
                Duration quickLimit = quick.multipliedBy(10);
                Received cut = stalled.read(1, quickLimit);
                if (cut.ending() != Ending.CLOSED && cut.ending() != Ending.RESET) {
                    throw CheckFailed.when("sent 40 bytes of a frame to a server started with readTimeout "
                                    + quick.toMillis() + " ms, then stalled")
                            .expected("your server to give up on that client within " + LabCode.seconds(quickLimit)
                                    + " (10 times its read timeout) and close the connection")
                            .got(describe(cut, quickLimit))
                            .wire(wire)
                            .next("converse(): client.setSoTimeout((int) readTimeout.toMillis()) before the first "
                                    + "read. Likely causes: no timeout, a fixed one of your own, or a conversion that "
                                    + "rounds 150 ms down to 0 (toSeconds()), which setSoTimeout takes as "
                                    + "\"no timeout\".")
                            .build();
                }
                Duration slowLeft = slow.minus(Duration.ofNanos(System.nanoTime() - connected))
                        .minus(Duration.ofMillis(50));
                Received early = silent.read(1, slowLeft.isNegative() ? Duration.ZERO : slowLeft);
                // A read woken late on a busy machine finds an end of stream that came after its limit: only an end
                // seen before the whole readTimeout had passed is early for certain.
                boolean seenInTime = System.nanoTime() - connected < slow.toNanos();
                if (early.ending() == Ending.COMPLETE || early.ending() != Ending.TIMED_OUT && seenInTime) {
                    throw CheckFailed.when("connected to a server started with readTimeout " + slow.toMillis()
                                    + " ms and said nothing")
                            .expected("the connection to stay open for at least those " + slow.toMillis() + " ms")
                            .got(describe(early) + ", before " + slow.toMillis() + " ms had passed")
                            .wire(wire)
                            .next("converse(): the read timeout must be the readTimeout given to start(), in "
                                    + "milliseconds; a fixed number of your own cuts off clients too early.")
                            .build();
                }
                // The quick server writes its line once it has closed that connection; on a busy machine, a moment
                // after the kit saw the close.
                quickServer.awaitLogLines(1, WAIT);
                expectOneLineLog(quickServer, stalledPeer, "stalled in the middle of a frame");
            }
        }
    }

    @Test
    @Order(15)
    @Hint("start(host, …) must listen on THAT address: bind to new InetSocketAddress(host, port). new "
            + "ServerSocket(port) alone, or an InetSocketAddress without the host, listens on every address of the "
            + "machine (the wildcard, 0.0.0.0 or ::), which lets in clients from networks the server was never "
            + "meant for. Lesson 04, binding.")
    @DisplayName("The server listens on the address it is given")
    void the_server_listens_on_the_address_it_is_given() throws IOException {
        String other = Sockets.loopbackAlias("127.0.0.2");
        try (var server = ServerUnderCheck.start(other, PATIENT, false)) {
            int port = server.port();
            if (Inspector.available()) {
                var rows = Inspector.ownListeners(port);
                boolean right = !rows.isEmpty() && rows.stream()
                        .allMatch(r -> r.local().getAddress().getHostAddress().equals(other));
                if (!right) {
                    throw CheckFailed.when("started your server with FrameServer.start(\"" + other + "\", 0, …) "
                                    + "and looked at the kernel's table")
                            .expected("one listener on " + other + ":" + port)
                            .got(rows.isEmpty() ? "no listener on port " + port : "the kernel lists " + rows)
                            .next("start(): listener.bind(new InetSocketAddress(host, port)); a listener on * (the "
                                    + "wildcard) takes every address of the machine, not the one asked for.")
                            .build();
                }
            }
            try (var client = ScriptedClient.connect(other, port, wire, WAIT)) {
                exchange(server, client, "on " + other);
            }
        }
    }

    @Test
    @Order(16)
    @Hint("start() binds before it makes the server and starts the thread, so a bind that fails leaves nothing "
            + "running. The ServerSocket itself holds a descriptor from the moment bind() tries: close it when "
            + "bind() throws (try/catch, close, throw again), or the failed start leaks it. A port in use and a "
            + "host that does not resolve are IOExceptions; a port outside 0..65535 is an "
            + "IllegalArgumentException. Lesson 05, \"The lab\"; binding is Lesson 04.")
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
        String doing = "called FrameServer.start(\"" + host + "\", " + port + ", …) (" + why + ")";
        var outcome = LabCode.outcome(doing, Duration.ofSeconds(5),
                () -> FrameServer.start(host, port, PATIENT, new PrintStream(OutputStream.nullOutputStream())));
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
        List<Thread> running = new ArrayList<>(ServerUnderCheck.serverThreads());
        running.removeAll(threadsBefore);
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
    @Order(17)
    @Hint("close() waits for the server's thread with awaitStopped(), which throws InterruptedException when the "
            + "calling thread is interrupted. close() cannot pass it on, so it must catch it and call "
            + "Thread.currentThread().interrupt(): that keeps the interrupt for the caller, who is probably being "
            + "asked to stop. An empty catch swallows it. Lesson 05, \"The lab\".")
    @DisplayName("close() keeps the interrupt of the thread that calls it")
    void close_keeps_the_interrupt_of_the_thread_that_calls_it() throws IOException {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            // Alive for sure: close() does wait for the thread, and an interrupt reaches that wait on every run.
            holdInItsLogAfterAReset(server);
            boolean kept = server.closeWhileInterrupted();
            server.releaseLog();
            if (!kept) {
                throw CheckFailed.when("called close() from a thread whose interrupt status was set, while your "
                                + "server's thread was still running")
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
    @Hint("close() ends the server and then WAITS for its thread: awaitStopped(Duration.ofSeconds(1)) after "
            + "closing the listener and the current socket. A close() that returns at once leaves the thread "
            + "still finishing its last conversation, so whoever called close() cannot count on the server being "
            + "over. Lesson 05, \"The lab\".")
    @DisplayName("close() waits until the server's thread has ended")
    void close_waits_until_the_servers_thread_has_ended() throws Exception {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            // While the thread is held, a close() that waits for it is still waiting, on every run.
            holdInItsLogAfterAReset(server);
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
                throw CheckFailed.when("called close() while your server's thread was still busy (the check held it "
                                + "in its log line about a client that reset)")
                        .expected("close() to wait for that thread to end")
                        .got("close() returned at once, the thread still running")
                        .next("close(): after closing the listener and the current socket, "
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
                throw CheckFailed.when("called close(), then let your server's thread go on and end")
                        .expected("close() to return once the thread had ended")
                        .got("close() was still running after " + LabCode.seconds(CALL))
                        .next("close(): wait with awaitStopped(a limit), never without one.")
                        .build();
            } catch (ExecutionException e) {
                throw LabCode.threw("called close() on your server", e.getCause());
            }
            for (Thread t : serving) {
                if (!gaveUpWhileHeld && t.isAlive()) {
                    throw CheckFailed.when("called close() and let it return")
                            .expected("the server's thread to have ended")
                            .got("thread \"" + t.getName() + "\" still runs")
                            .next("close(): wait for the thread with awaitStopped().")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(19)
    @Hint("awaitStopped(limit) is given: it waits up to limit for the server's thread and says whether it ended. "
            + "After stop(), that thread must go on with the conversation in progress, so awaitStopped says false "
            + "until the client closes, and true soon after. If it said true at once, the thread that ran serve() "
            + "had already ended: the conversation runs on another thread (a thread per client), or serve() "
            + "returned right after stop(). awaitStopped(Duration.ZERO) must not wait at all: serving.join(0) would "
            + "wait forever, so the given code joins for at least 1 ms. Lesson 05, \"A serial server's life\".")
    @DisplayName("awaitStopped() waits while the conversation after stop() goes on")
    void await_stopped_waits_while_the_conversation_after_stop_goes_on() throws IOException {
        Duration limit = Duration.ofMillis(300);
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "before stop");
            server.stop();
            wire.event("the check called stop() and then awaitStopped(" + limit.toMillis() + " ms)");
            var early = server.timeAwaitStopped(limit);
            if (early.stopped()) {
                throw CheckFailed.when("called stop() during a conversation, then awaitStopped(" + limit.toMillis()
                                + " ms)")
                        .expected("false: the server's thread is still busy with that conversation")
                        .got("true: the thread had ended")
                        .wire(wire)
                        .next("serve() must run the conversation itself (converse(client), no new thread) and "
                                + "return only when accept() fails after the conversation has ended.\n"
                                + server.logForMessage())
                        .build();
            }
            // join() waits at least its limit; the small margin is for clocks of a coarse grain.
            if (early.took().toMillis() < limit.toMillis() - 20) {
                throw CheckFailed.when("called awaitStopped(" + limit.toMillis() + " ms) while a conversation was "
                                + "in progress after stop()")
                        .expected("it to wait for its whole limit before it says false")
                        .got("false after " + early.took().toMillis() + " ms")
                        .next("awaitStopped() is given: put back serving.join(Math.max(1, limit.toMillis())).")
                        .build();
            }
            // A limit of zero means "do not wait": Thread.join(0) would wait forever instead.
            wire.event("the check called awaitStopped(0 ms)");
            ServerUnderCheck.Awaited zero;
            try {
                zero = server.timeAwaitStopped(Duration.ZERO);
            } catch (CheckFailed hung) {
                throw CheckFailed.when("called awaitStopped(Duration.ZERO) while a conversation was in progress "
                                + "after stop()")
                        .expected("false at once: a limit of zero waits (almost) not at all")
                        .got("it did not return within " + LabCode.seconds(CALL))
                        .next("awaitStopped() is given: serving.join(0) waits forever, hence "
                                + "serving.join(Math.max(1, limit.toMillis())).")
                        .cause(hung)
                        .build();
            }
            if (zero.stopped()) {
                throw CheckFailed.when("called awaitStopped(Duration.ZERO) while a conversation was in progress "
                                + "after stop()")
                        .expected("false: the server's thread is still busy with that conversation")
                        .got("true")
                        .wire(wire)
                        .next("awaitStopped() is given: it returns !serving.isAlive().")
                        .build();
            }
            exchange(server, client, "still here", "the check called stop()");
            client.shutdownOutput();
            Received end = client.read(1, WAIT);
            if (end.ending() != Ending.CLOSED) {
                throw CheckFailed.when("closed its sending side after stop()")
                        .expected("your server to close its side (the kit reads -1)")
                        .got(describe(end))
                        .wire(wire)
                        .next("converse(): close the socket when Frames.read returns null.")
                        .build();
            }
            if (!server.timeAwaitStopped(WAIT).stopped()) {
                throw CheckFailed.when("let the last conversation end after stop(), then called awaitStopped("
                                + LabCode.seconds(WAIT) + ")")
                        .expected("true: the listener is closed and the conversation is over")
                        .got("false: the thread is still running")
                        .wire(wire)
                        .next("serve(): after the conversation, accept() on the closed listener throws: return.\n"
                                + server.logForMessage())
                        .build();
            }
        }
    }

    @Test
    @Order(20)
    @Hint("Every accepted socket must be closed on EVERY path: normal end, reset, half frame. A reset "
            + "connection is gone for the kernel, but your descriptor stays open until you close it: \"nothing "
            + "left to close after a reset\" is the usual leak. try (client) { … } closes even when an exception "
            + "flies. And when the server has stopped, the listener must be closed too. A long-running server "
            + "dies of leaked descriptors. Lesson 05, \"CLOSE_WAIT: the forgotten close\".")
    @DisplayName("No socket is left open after the server stops")
    void no_socket_is_left_open_after_the_server_stops() throws IOException {
        Assumptions.assumeTrue(Inspector.available(), Inspector.unavailableReason());
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            try (var polite = connect(port)) {
                exchange(server, polite, "polite");
            }
            try (var rude = connect(port)) {
                exchange(server, rude, "rude");
                rude.reset();
            }
            try (var leaver = connect(port)) {
                leaver.send(Arrays.copyOf(Frame.of("leaver"), 10));
            }
            try (var last = connect(port)) {
                exchange(server, last, "last");
                server.stop();
                exchange(server, last, "last, after stop");
            }
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("served four clients, called stop() and let the last client close")
                        .expected("your server's thread to end").got("it is still running").wire(wire)
                        .next("serve(): return once accept() fails on the closed listener.\n"
                                + server.logForMessage())
                        .build();
            }
            // The server's thread has ended, so a sound server has closed everything already; the short grace is
            // for the kernel. Polling longer (and more often) only gives the garbage collector time to close a
            // leaked socket behind the learner's back, which would hide the leak on some runs and not on others.
            boolean clean = Poll.until(() -> Inspector.openedSince(before).isEmpty(), GRACE, Duration.ofMillis(50));
            if (!clean) {
                List<String> open = new ArrayList<>();
                for (var d : Inspector.openedSince(before)) {
                    open.add("fd " + d.fd() + ": " + Inspector.row(d.inode()).map(Object::toString)
                            .orElse("a socket with no row (connection over, descriptor never closed)"));
                }
                throw CheckFailed.when("served four clients (polite, reset, half a frame, after stop) and stopped")
                        .expected("every socket your server opened to be closed again")
                        .got("still open:\n" + String.join("\n", open))
                        .wire(wire)
                        .next("converse(): close the accepted socket on every path, also after a reset (the "
                                + "connection is gone, but your descriptor is not): try (client) { … } does it. "
                                + "stop(): close the listener.")
                        .build();
            }
        }
    }

    @Test
    @Order(21)
    @Hint("run() is given finished, and follows the kit's convention (Lesson 02): a usage error (not two "
            + "arguments, an <ip> that is no IP address, a <port> that is not a number from 0 to 65535) is exit "
            + "code 2, with a line holding \"Usage: FrameServer <ip> <port>\" on err and nothing on out. If this "
            + "fails, run() was changed: `git diff labs/src/main/java/tcplab/lab05` shows how. Lesson 05, \"Talk "
            + "to it yourself\".")
    @DisplayName("The program answers a usage error with exit code 2")
    void the_program_answers_a_usage_error_with_exit_code_2() {
        String[][] wrong = {{}, {HOST}, {HOST, "0", "extra"}, {HOST, "port"}, {HOST, ""}, {HOST, "-1"},
            {HOST, "65536"}, {HOST, "99999999999"}, {"nowhere.invalid", "0"}};
        for (String[] args : wrong) {
            ProgramRun run = ProgramRun.of(FrameServer::run, PROGRAM, "", args);
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
        // The edges of the port range are ports: 0 (the system picks one) and 65535 (in use, maybe: then 1).
        for (String port : new String[] {"0", "65535"}) {
            ProgramRun run = ProgramRun.of(FrameServer::run, PROGRAM, "", HOST, port);
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
        // An IPv6 address is an IP address too, shown in brackets ([::1]:PORT) so its colons stay apart from the
        // port's: in "listening on" (exit 0), or in the line that says it cannot listen (1, without IPv6).
        ProgramRun v6 = ProgramRun.of(FrameServer::run, PROGRAM, "", "::1", "0");
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
    }

    @Test
    @Order(22)
    @Hint("run() is given: when start() throws an IOException (the port is in use), it prints one line naming "
            + "the address and port on err and returns 1, the kit's convention (Lesson 02). For that, start() must "
            + "throw an IOException (not wrap it), and leave nothing open: close the ServerSocket when bind() "
            + "fails. Lesson 05, \"The lab\".")
    @DisplayName("The program exits with 1 when its port is in use")
    void the_program_exits_with_1_when_its_port_is_in_use() throws IOException {
        try (var blocker = new java.net.ServerSocket()) {
            blocker.bind(new InetSocketAddress(HOST, 0));
            String taken = String.valueOf(blocker.getLocalPort());
            Set<Inspector.Descriptor> before = Inspector.descriptors();
            List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
            ProgramRun run = ProgramRun.of(FrameServer::run, PROGRAM, "", HOST, taken);
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
            List<Thread> running = new ArrayList<>(ServerUnderCheck.serverThreads());
            running.removeAll(threadsBefore);
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
    @Order(23)
    @Hint("run() is given: it prints \"listening on <ip>:<port> (Ctrl-D stops it)\", serves until its standard "
            + "input ends, then calls stop(), prints \"stopped listening; …\", waits for the conversation in "
            + "progress with awaitStopped(), and closes. So the listener must be gone right after stop(), while "
            + "the client being served still gets its replies; the program returns 0 once that client has closed. "
            + "Lesson 05, \"Talk to it yourself\".")
    @DisplayName("The program serves until its input ends")
    void the_program_serves_until_its_input_ends() throws Exception {
        String ip = Sockets.loopbackAlias("127.0.0.2");
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
        var program = RunningProgram.start(FrameServer::run, ip, "0");
        String doing = program.doing();
        try (program) {
            String listening = program.awaitLine("listening on ", WAIT);
            var m = java.util.regex.Pattern.compile("listening on " + ip.replace(".", "\\.")
                    + ":(\\d+) \\(Ctrl-D stops it\\)").matcher(listening == null ? "" : listening);
            if (!m.matches()) {
                throw CheckFailed.when(doing)
                        .expected("a line \"listening on " + ip + ":<the port it got> (Ctrl-D stops it)\" on out")
                        .got(program.state())
                        .next("run() is given: it prints that line once start() has returned. Did start() return "
                                + "(it must not serve by itself)? Is port() the port the listener got?")
                        .build();
            }
            int port = Integer.parseInt(m.group(1));
            if (Inspector.available() && Inspector.ownListeners(port).stream()
                    .noneMatch(r -> r.local().getAddress().getHostAddress().equals(ip))) {
                throw CheckFailed.when(doing)
                        .expected("a listener on " + ip + ":" + port)
                        .got("the kernel lists " + Inspector.tcpRowsFor(port))
                        .next("start(): bind to new InetSocketAddress(host, port).")
                        .build();
            }
            try (var client = ScriptedClient.connect(ip, port, wire, WAIT)) {
                programExchange(client, "served by the program", null, program);
                program.endInput();
                wire.event("the check ended the program's standard input (Ctrl-D)");
                String stopped = program.awaitLine("stopped listening", WAIT);
                if (stopped == null) {
                    throw CheckFailed.when(doing + ", served a client, then ended the input")
                            .expected("a line \"stopped listening; …\" on out")
                            .got(program.state())
                            .wire(wire)
                            .next("run() is given: after the input ends it calls stop(), which must return at "
                                    + "once: close the listener, and wait for nothing.")
                            .build();
                }
                if (Inspector.available() && !Inspector.ownListeners(port).isEmpty()) {
                    throw CheckFailed.when(doing + ", served a client, then ended the input")
                            .expected("no listener left on " + ip + ":" + port + ": stop() has closed it")
                            .got("the kernel lists " + Inspector.ownListeners(port))
                            .wire(wire)
                            .next("stop(): close the listener (run() is given and calls it once the input ends).")
                            .build();
                }
                programExchange(client, "after the input ended", "the check ended the program's input",
                        program);
                client.shutdownOutput();
                Received end = client.read(1, WAIT);
                if (end.ending() != Ending.CLOSED) {
                    throw CheckFailed.when(doing + "; after the input ended, its client closed")
                            .expected("your server to close its side (the kit reads -1)")
                            .got(describe(end))
                            .wire(wire)
                            .next("converse(): close the socket when Frames.read returns null.")
                            .build();
                }
            }
            int code;
            try {
                code = program.exitCode(WAIT);
            } catch (TimeoutException e) {
                throw CheckFailed.when(doing + "; after the input ended, its last client closed")
                        .expected("the program to return, its server stopped")
                        .got("it was still running after " + LabCode.seconds(WAIT) + "\n" + program.state())
                        .wire(wire)
                        .next("serve(): return once accept() fails on the closed listener; run() waits for that.")
                        .build();
            } catch (ExecutionException e) {
                throw LabCode.threw(doing, e.getCause());
            }
            List<String> expectedOut = List.of("listening on " + ip + ":" + port + " (Ctrl-D stops it)",
                    "stopped listening; waiting up to 10 s for the conversation in progress to end");
            if (code != 0 || !program.out().text().lines().toList().equals(expectedOut)
                    || !program.err().text().isEmpty()) {
                throw CheckFailed.when(doing + ", served a client, ended the input, and the client closed")
                        .expected("exit code 0, out exactly:\n" + String.join("\n", expectedOut)
                                + "\nand nothing on err (no client went wrong)")
                        .got(program.state())
                        .wire(wire)
                        .next("run() is given; the log (err) is for clients that went wrong only.")
                        .build();
            }
            List<Inspector.Descriptor> left = Inspector.openedSince(before);
            List<Thread> running = new ArrayList<>(ServerUnderCheck.serverThreads());
            running.removeAll(threadsBefore);
            if (!left.isEmpty() || !running.isEmpty()) {
                throw CheckFailed.when(doing + "; it returned 0")
                        .expected("nothing left behind: no socket open, no thread running")
                        .got((left.isEmpty() ? "" : left.size() + " socket descriptor(s) still open ")
                                + (running.isEmpty() ? "" : "thread \"" + running.get(0).getName() + "\" still runs"))
                        .next("converse(): close the accepted socket; close(): wait for the server's thread.")
                        .build();
            }
        }
    }

    /** One frame and its reply with the program's server; the failure shows what the program printed. */
    private void programExchange(Conversation c, String text, String event, RunningProgram program)
            throws IOException {
        c.send(Frame.of(text));
        Received r = c.read(Frame.SIZE, WAIT);
        String reply = text + " *_*";
        if (r.ending() == Ending.COMPLETE && Arrays.equals(r.bytes(), Frame.of(reply))) {
            return;
        }
        if (r.ending() == Ending.CLOSED || r.ending() == Ending.RESET) {
            program.awaitEnd(WAIT);   // a server that hung up is likely ending: say how it ended
        }
        throw CheckFailed.when("sent one frame " + Transcript.quote(text) + " to the server your program runs"
                        + (event == null ? "" : ", after " + event))
                .expected("the 128-byte reply frame " + Transcript.quote(reply))
                .got(describe(r) + "\nthe program: " + program.state())
                .wire(wire)
                .next(event == null ? "serve() and converse(), as the earlier checks test them."
                        : "run() calls stop() when its input ends, and stop() must close the listener ONLY: the "
                        + "conversation in progress goes on (ending it is close()'s job).")
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------

    private Conversation connect(int port) {
        return ScriptedClient.connect(HOST, port, wire, WAIT);
    }

    /** Sends one frame and expects its reply. */
    private void exchange(ServerUnderCheck server, Conversation c, String text) throws IOException {
        exchange(server, c, text, null);
    }

    /**
     * Sends one frame and expects its reply; {@code event}, if not null, names what happened just before (a
     * client that reset, stop()…), to explain a reply that never comes or a connection that closes.
     */
    private void exchange(ServerUnderCheck server, Conversation c, String text, String event) throws IOException {
        c.send(Frame.of(text));
        expectReply(server, c, text, "sent one frame " + Transcript.quote(text), event);
    }

    private void expectReply(ServerUnderCheck server, Conversation c, String text, String doing)
            throws IOException {
        expectReply(server, c, text, doing, null);
    }

    private void expectReply(ServerUnderCheck server, Conversation c, String text, String doing, String event)
            throws IOException {
        String reply = text + " *_*";
        Received r = c.read(Frame.SIZE, WAIT);
        if (r.ending() == Ending.COMPLETE && Arrays.equals(r.bytes(), Frame.of(reply))) {
            return;
        }
        String next = switch (r.ending()) {
            case TIMED_OUT -> r.bytes().length == 0 ? noAnswer(server, event)
                    : "a reply is always one whole frame of 128 bytes: Frames.write(out, Frames.reply(text)).";
            case CLOSED -> event != null && event.contains("stop()")
                    ? "your server closed this client's connection when " + event + ". stop() closes the "
                    + "listener ONLY: the accepted socket is another socket, and its conversation goes on until "
                    + "the client closes. (Ending it too is close()'s job.)"
                    : "your server closed the connection instead of answering. converse() must keep reading "
                    + "frames until Frames.read returns null. Closing the socket's OutputStream (or InputStream) "
                    + "closes the whole socket, and shutdownOutput() ends your side for good: neither belongs "
                    + "after a reply. Frames.write flushes; nothing more is needed to send it.";
            case RESET -> "your server reset the connection; an exception on its side? " + server.logForMessage();
            case COMPLETE -> "the reply is the frame's text followed by \" *_*\", NUL-padded to 128 bytes: "
                    + "Frames.reply and Frames.write.";
        };
        throw CheckFailed.when(doing)
                .expected("the 128-byte reply frame " + Transcript.quote(reply))
                .got(describe(r))
                .wire(wire)
                .next(next)
                .build();
    }

    /** Why no reply came, knowing what happened just before ({@code event}, or null). */
    private static String noAnswer(ServerUnderCheck server, String event) {
        if (event == null) {
            return server.whyNoAnswer();
        }
        if (event.contains("stop()")) {
            return server.threadHasEnded()
                    ? "your server's thread ended when " + event + ", in the middle of a conversation. stop() "
                    + "closes the listener only; the conversation in progress goes on until its client closes, and "
                    + "only then does serve() find the listener closed.\n" + server.logForMessage()
                    : server.whyNoAnswer();
        }
        if (server.threadHasEnded()) {
            return "your server's thread ended when " + event + ": an exception got out of serve()'s loop, and "
                    + "that ends the server for everyone. Catch IOException around ONE conversation (in "
                    + "converse()), log one line, close that socket and go back to accept().\n"
                    + server.logForMessage();
        }
        if (event.contains("silent")) {
            return "your server is still busy with the silent client: with no read timeout its read waits "
                    + "forever, and a serial server serves no one else meanwhile. converse(): "
                    + "client.setSoTimeout(the read timeout in ms) before the first read.";
        }
        return server.whyNoAnswer();
    }

    /** A client's end of a connection, as the server sees it from the other side. */
    private record Peer(String ip, int port) {
        /** Taken while the socket is open: a closed socket no longer tells its local address. */
        static Peer of(Conversation c) {
            return new Peer(c.socket().getLocalAddress().getHostAddress(), c.socket().getLocalPort());
        }
    }

    /**
     * A client that connects from {@link #CLIENT_IP}, so that its address differs from the server's (127.0.0.1) and
     * a log line naming the server's own end is told apart from one naming the client.
     */
    private Conversation connectFromClientIp(int port) {
        return ScriptedClient.connectFrom(CLIENT_IP, HOST, port, wire, WAIT);
    }

    private static void expectOneLineLog(ServerUnderCheck server, Peer client, String what) {
        expectOneLineLog(server, client, what, "served the next client", null);
    }

    /**
     * The log must hold exactly one line, naming {@code client}'s address and port: call it once {@code after}
     * (the next client served, the server's thread ended) shows that line has certainly been written.
     * {@code whyEmpty}, if not null, is the likely cause of an empty log.
     */
    private static void expectOneLineLog(ServerUnderCheck server, Peer client, String what, String after,
            String whyEmpty) {
        List<String> lines = server.logLines();
        String doing = what + ", then " + after;
        if (lines.isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected("one line about it in your server's log (the PrintStream given to start)")
                    .got("(your server's log is empty)")
                    .next((whyEmpty == null ? "" : whyEmpty + " ")
                            + "converse(): in the catch for IOException, log.println(who + \": \" + e.getMessage()), "
                            + "where who is the client's address and port (client.getRemoteSocketAddress()).")
                    .build();
        }
        if (server.logHasStackTrace()) {
            throw CheckFailed.when(doing)
                    .expected("one plain line about it in your server's log")
                    .got(server.logForMessage())
                    .next("print the exception's message, not its stack trace: a client that goes wrong is routine.")
                    .build();
        }
        if (lines.size() != 1) {
            throw CheckFailed.when(doing)
                    .expected("exactly one line in your server's log: one per client that went wrong")
                    .got(lines.size() + " lines\n" + server.logForMessage())
                    .next("log once, in converse()'s catch for IOException; a client that closes politely, or "
                            + "the next one, is worth no line. Is the same problem logged twice (in converse() and "
                            + "again in serve())?")
                    .build();
        }
        String line = lines.get(0);
        boolean hasIp = line.contains(client.ip());
        boolean hasPort = hasNumber(line, client.port());
        if (!hasIp || !hasPort) {
            var wrong = new ArrayList<String>();
            if (!hasIp && line.contains(HOST) && !client.ip().equals(HOST)) {
                wrong.add(HOST + " is your server's own address (getLocalAddress()), not the client's");
            }
            if (!hasPort && hasNumber(line, server.port())) {
                wrong.add(server.port() + " is your server's own port (getLocalPort()), not the client's");
            }
            throw CheckFailed.when(what + " (the client came from " + client.ip() + " port " + client.port()
                            + "), then " + after)
                    .expected("the log line to name that client: its address " + client.ip() + " and its port "
                            + client.port())
                    .got(server.logForMessage())
                    .next((wrong.isEmpty() ? "" : String.join("; ", wrong) + ". ")
                            + "converse(): put the client's end in the line: client.getRemoteSocketAddress() (\"/"
                            + client.ip() + ":" + client.port() + "\"), or getInetAddress() and getPort(); a server "
                            + "with many clients needs to say which one.")
                    .build();
        }
    }

    /** Whether {@code text} holds {@code number} as a whole number, not as a part of a longer one. */
    private static boolean hasNumber(String text, int number) {
        return java.util.regex.Pattern.compile("(?<!\\d)" + number + "(?!\\d)").matcher(text).find();
    }

    /**
     * After close() has returned: the threads that ran the server have ended (close() waits for them) and the
     * port has no listener.
     */
    private void expectNothingLeftAfterClose(ServerUnderCheck server, int port, List<Thread> serving,
            String doing) {
        for (Thread t : serving) {
            if (t.isAlive()) {
                throw CheckFailed.when(doing)
                        .expected("close() to return once the server's thread has ended")
                        .got("close() returned while thread \"" + t.getName() + "\" was still running"
                                + (server.awaitStopped(WAIT) ? " (it ended soon after)" : " (and it still runs)"))
                        .wire(wire)
                        .next("close(): after closing the listener and the current socket, wait for the thread: "
                                + "awaitStopped(Duration.ofSeconds(1)).\n" + server.logForMessage())
                        .build();
            }
        }
        if (Inspector.available()) {
            var listening = Inspector.ownListeners(port);
            if (!listening.isEmpty()) {
                throw CheckFailed.when(doing)
                        .expected("no listener left on port " + port + " once close() has returned")
                        .got("the kernel still lists " + listening)
                        .next("close() must call stop(), which closes the listener.")
                        .build();
            }
        }
    }

    private static String describe(Received r) {
        return describe(r, WAIT);
    }

    /** How a read of the kit's ended; {@code limit} is how long the kit waited. */
    private static String describe(Received r, Duration limit) {
        String bytes = r.bytes().length == 0 ? "no bytes"
                : r.bytes().length + " bytes, text " + Transcript.quote(Frame.text(r.bytes()));
        return switch (r.ending()) {
            case COMPLETE -> bytes;
            case CLOSED -> bytes + ", then end of stream (your server closed)";
            case TIMED_OUT -> bytes + ", then nothing more for " + LabCode.seconds(limit);
            case RESET -> bytes + ", then a reset (RST)";
        };
    }

    private static String rowsOfServerSide(ServerUnderCheck server, int kitPort) {
        if (!Inspector.available()) {
            return "";
        }
        var rows = Inspector.tcpRowsBetween(server.port(), kitPort);
        String states = rows.stream().map(Object::toString).collect(Collectors.joining("\n"));
        return "\nthe kernel's row for your server's side: " + (rows.isEmpty() ? "(none)" : states)
                + (rows.stream().anyMatch(r -> r.state().equals("CLOSE_WAIT"))
                ? "\nCLOSE_WAIT: your server got the client's FIN but has not closed its socket" : "");
    }

    /** Polls {@code condition} every 10 ms for up to {@link #SETTLE}: closing takes the kernel a moment. */
    private static boolean pollUntil(java.util.function.BooleanSupplier condition) {
        return Poll.until(condition, SETTLE);
    }


    /**
     * Makes a client reset its connection; the reset makes the server log a line, and the check holds the server's
     * thread right there (until {@code releaseLog()}), so the thread is alive for sure whatever the machine's load.
     */
    private void holdInItsLogAfterAReset(ServerUnderCheck server) throws IOException {
        try (var rude = connect(server.port())) {
            exchange(server, rude, "hold on");
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
}
