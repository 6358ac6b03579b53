package tcplab.lab05;

import static tcplab.lab05.ServerUnderCheck.HOST;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
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
import tcplab.kit.ScriptedClient;
import tcplab.kit.Transcript;

@Checks(lesson = 5)
class CloseChecks {

    /** The server's read timeout in most checks: long enough never to matter. */
    private static final Duration PATIENT = Duration.ofSeconds(5);
    /** How long the kit waits for one reply or one end of stream. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** How long the kit polls the kernel's tables for a socket to go away. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long the kit lets descriptors close once the server's thread has ended (they should be closed already). */
    private static final Duration GRACE = Duration.ofMillis(500);

    private final Transcript wire = new Transcript();

    @Test
    @Order(1)
    @Hint("start() must bind a ServerSocket to the host and port it is given (port 0: the system picks one), "
            + "start the server's thread and return at once, without waiting for a client. If the check says your "
            + "code was still running, start() serves by itself: it calls accept() or serve() directly, or "
            + "serving.run() instead of serving.start() (run() runs the thread's work right there, on the "
            + "caller's thread). Lesson 05, \"The lab\"; binding is Lesson 04.")
    void the_server_starts_and_accepts_a_connection() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            wire.event("connected: the kernel completed the handshake");
        }
    }

    @Test
    @Order(2)
    @Hint("serve() accepts a client and hands it to converse(); converse() reads a frame with Frames.read(in) "
            + "and answers with Frames.write(out, Frames.reply(text)). An exception thrown on the server's thread "
            + "is printed on the console, not here: look there. Lesson 05, \"The lab\".")
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
                var left = pollUntil(() -> serverSideRows(server.port(), kitPort).isEmpty());
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
            + "leave its loop when Frames.read returned null?) or serve() returned after one client. Lesson 05, "
            + "\"A serial server's life\".")
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
            }
        }
    }

    @Test
    @Order(5)
    @Hint("A client that shuts down its output (a half-close: FIN, but it still reads) must still get a reply "
            + "to every frame it sent before. Answer every whole frame before you look for the end of stream, and "
            + "close only after Frames.read returned null. Lesson 05, \"Half-close\".")
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
            if (server.logHasStackTrace()) {
                throw CheckFailed.when("called stop() on a server with no client")
                        .expected("a quiet end: stop() is not an error")
                        .got(server.logForMessage())
                        .next("serve(): the SocketException from accept() after stop() is expected; print nothing.")
                        .build();
            }
        }
    }

    @Test
    @Order(7)
    @Hint("After stop() the port has no listener, so the kernel answers a new SYN with RST and the client's "
            + "connect fails with \"Connection refused\". If the kit could still connect, the listener is open: "
            + "stop() must close the ServerSocket, not just set a flag. Lesson 05, \"Closing the listener\".")
    void after_stop_a_new_client_is_refused() {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            server.awaitWaitingInAccept(WAIT);
            server.stop();
            // Java's close() returns at once; the thread blocked in accept() is woken and lets go of the kernel's
            // socket as it leaves. Wait for that: a connect in between could still get through (the blocked accept()
            // may even return it, measured about four times in five), and the check would blame a correct server.
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
                                + (Inspector.available() ? "\nthe kernel's rows for port " + port + ": "
                                + Inspector.tcpRowsFor(port) : ""))
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
            + "that is close()'s job, not stop()'s. Lesson 05, \"Closing the listener\".")
    void stop_lets_the_conversation_in_progress_finish() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "before stop");
            server.stop();
            wire.event("the check called stop() on your server");
            exchange(server, client, "after stop", "the check called stop()");
            exchange(server, client, "still talking", "the check called stop()");
            client.shutdownOutput();
            Received end = client.read(1, WAIT);
            if (end.ending() != Ending.CLOSED) {
                throw CheckFailed.when("ended the conversation that was in progress when stop() was called")
                        .expected("your server to close its side (the kit reads -1)")
                        .got(describe(end))
                        .wire(wire)
                        .next("converse(): close the socket when Frames.read returns null.")
                        .build();
            }
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("waited for your server to end after stop() and the last client's close")
                        .expected("the server's thread to end: the listener is closed and the conversation is over")
                        .got("it is still running")
                        .wire(wire)
                        .next("serve(): after a conversation, accept() on the closed listener throws: return then.\n"
                                + server.logForMessage())
                        .build();
            }
        }
    }

    @Test
    @Order(9)
    @Hint("close() is stop() plus the end of the conversation in progress: close the listener, then the "
            + "accepted socket of the current client (keep it in the `current` field while you converse), then "
            + "wait for the thread. If the client kept its connection, close() only called stop(), or `current` "
            + "was never set. A read blocked on a socket that another thread closes throws SocketException: that "
            + "is expected, not worth a stack trace. Lesson 05, \"Closing the listener\".")
    void close_ends_the_conversation_in_progress_too() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "talking");
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
            if (!server.awaitStopped(WAIT)) {
                throw CheckFailed.when("waited for your server's thread after close()")
                        .expected("it to end").got("it is still running").wire(wire)
                        .next("serve() must return once the listener is closed.\n" + server.logForMessage())
                        .build();
            }
        }
    }

    @Test
    @Order(10)
    @Hint("A client that resets makes your read (or write) throw SocketException \"Connection reset\". Catch "
            + "IOException around ONE conversation (inside converse()), write one line to the log, close that "
            + "socket and go back to accept(). Likely cause: one try/catch around accept() AND converse(), or "
            + "around the whole loop: the first reset jumps out of the loop and ends the server for everyone. "
            + "Lesson 05, \"Resets\" and \"A serial server's life\".")
    void a_client_that_resets_does_not_bring_the_server_down() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            try (var rude = connect(port)) {
                exchange(server, rude, "goodbye, rudely");
                rude.reset();
            }
            try (var next = connect(port)) {
                exchange(server, next, "am I served?", "the client before it reset its connection");
            }
            expectOneLineLog(server, "made a client reset its connection");
        }
    }

    @Test
    @Order(11)
    @Hint("A client that closes in the middle of a frame sent half a message: Frames.read throws "
            + "EOFException. Do not answer a half frame; log one line, close, serve the next client. Likely "
            + "causes: a catch for SocketException only (EOFException is not one, so it escapes and ends the "
            + "server); or client.close() written after the loop, which an exception jumps over (try (client) { … "
            + "} closes on every path). Lesson 05, \"End of stream\".")
    void a_client_that_leaves_mid_frame_gets_no_reply_and_the_next_is_served() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            try (var leaver = connect(port)) {
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
            expectOneLineLog(server, "made a client leave in the middle of a frame");
        }
    }

    @Test
    @Order(12)
    @Hint("One client at a time means a silent client blocks everyone behind it. Set the ACCEPTED socket's "
            + "read timeout (client.setSoTimeout(readTimeout in ms)) so a read that waits too long throws "
            + "SocketTimeoutException; log one line, close, take the next client. Likely causes: no setSoTimeout "
            + "at all, or set on the listener (that one times out accept(), not reads). Lesson 05, \"A serial "
            + "server's life\".")
    void a_silent_client_is_dropped_after_the_read_timeout() throws IOException {
        Duration readTimeout = Duration.ofMillis(250);
        try (var server = ServerUnderCheck.start(readTimeout)) {
            int port = server.port();
            try (var silent = connect(port);
                 var next = connect(port)) {
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
            expectOneLineLog(server, "left a client silent for the read timeout");
        }
    }

    @Test
    @Order(13)
    @Hint("Every accepted socket must be closed on EVERY path: normal end, reset, half frame. A reset "
            + "connection is gone for the kernel, but your descriptor stays open until you close it: \"nothing "
            + "left to close after a reset\" is the usual leak. try (client) { … } closes even when an exception "
            + "flies. And when the server has stopped, the listener must be closed too. A long-running server "
            + "dies of leaked descriptors. Lesson 05, \"CLOSE_WAIT: the forgotten close\".")
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
            boolean clean = pollUntil(() -> Inspector.openedSince(before).isEmpty(), GRACE, Duration.ofMillis(50));
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

    private static void expectOneLineLog(ServerUnderCheck server, String what) {
        String log = server.log();
        if (log.isBlank()) {
            throw CheckFailed.when(what + ", then served the next client")
                    .expected("one line about it in your server's log (the PrintStream given to start)")
                    .got("(your server's log is empty)")
                    .next("converse(): in the catch for IOException, log.println(who + \": \" + e.getMessage()).")
                    .build();
        }
        if (server.logHasStackTrace()) {
            throw CheckFailed.when(what + ", then served the next client")
                    .expected("one plain line about it in your server's log")
                    .got(server.logForMessage())
                    .next("print the exception's message, not its stack trace: a reset client is routine.")
                    .build();
        }
    }

    private static String describe(Received r) {
        String bytes = r.bytes().length == 0 ? "no bytes"
                : r.bytes().length + " bytes, text " + Transcript.quote(Frame.text(r.bytes()));
        return switch (r.ending()) {
            case COMPLETE -> bytes;
            case CLOSED -> bytes + ", then end of stream (your server closed)";
            case TIMED_OUT -> bytes + ", then nothing more for " + LabCode.seconds(WAIT);
            case RESET -> bytes + ", then a reset (RST)";
        };
    }

    /** Rows of the server's side of the connection from {@code kitPort}: local port = server, remote = kit. */
    private static List<Inspector.Row> serverSideRows(int serverPort, int kitPort) {
        return Inspector.tcp().stream()
                .filter(r -> r.local().getPort() == serverPort && r.remote().getPort() == kitPort)
                .toList();
    }

    private static String rowsOfServerSide(ServerUnderCheck server, int kitPort) {
        if (!Inspector.available()) {
            return "";
        }
        var rows = serverSideRows(server.port(), kitPort);
        String states = rows.stream().map(Object::toString).collect(Collectors.joining("\n"));
        return "\nthe kernel's row for your server's side: " + (rows.isEmpty() ? "(none)" : states)
                + (rows.stream().anyMatch(r -> r.state().equals("CLOSE_WAIT"))
                ? "\nCLOSE_WAIT: your server got the client's FIN but has not closed its socket" : "");
    }

    /** Polls {@code condition} every 10 ms for up to {@link #SETTLE}: closing takes the kernel a moment. */
    private static boolean pollUntil(java.util.function.BooleanSupplier condition) {
        return pollUntil(condition, SETTLE, Duration.ofMillis(10));
    }

    private static boolean pollUntil(java.util.function.BooleanSupplier condition, Duration limit, Duration every) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
