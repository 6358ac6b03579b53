package tcplab.lab06;

import static tcplab.lab06.ServerUnderCheck.HOST;

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

@Checks(lesson = 6)
class ConcurrencyChecks {

    /**
     * The server's read timeout in most checks: long enough never to matter, even when a check keeps a client idle
     * for several of its own waits on a machine so busy that each one runs long.
     */
    private static final Duration PATIENT = Duration.ofSeconds(30);
    /** How long the kit waits for one reply or one end of stream. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** Well inside the second close() must wait for a held thread: a close() done by then did not wait. */
    private static final Duration EARLY = Duration.ofMillis(600);
    /** How long the kit polls the kernel's tables (or the threads) for something to go away. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long the kit lets descriptors close once close() has returned (they should be closed already). */
    private static final Duration GRACE = Duration.ofMillis(500);
    /** How long a run of the program may take when its input is empty or its arguments are wrong. */
    private static final Duration PROGRAM = Duration.ofSeconds(5);
    /** How long the kit waits for one call into the learner's server. */
    private static final Duration CALL = Duration.ofSeconds(2);
    /** How many well-behaved clients the crowd check runs at once. */
    private static final int CROWD = 20;
    private static final String USAGE = "Usage: FrameServer <ip> <port>";
    /** Where the misbehaving clients connect from: not the server's 127.0.0.1 where this machine allows it. */
    private static final String CLIENT_IP = Sockets.canBind("127.0.0.2") ? "127.0.0.2" : HOST;

    private final Transcript wire = new Transcript();

    @Test
    @Order(1)
    @Hint("start() is Lab 05's: bind a ServerSocket to the host and port (port 0: the system picks one), make the "
            + "server, start its thread (serving.start(), a daemon) and return at once. serve() accepts a client "
            + "and hands it to conversations.execute(() -> converse(client)); converse() answers each frame with "
            + "Frames.write(out, Frames.reply(text)). An exception on the server's or a conversation's thread is "
            + "printed on the console, not here: look there. Lesson 06, \"The lab\".")
    @DisplayName("The server starts and answers a client")
    void the_server_starts_and_answers_a_client() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var client = connect(server.port())) {
            exchange(server, client, "héllo, 世界");
            exchange(server, client, "and again");
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
    @Order(2)
    @Hint("A serial server (Lab 05's) talks to one client at a time: while the first client is connected and "
            + "silent, the second waits. Here serve() must only accept, and give each client a thread of its own: "
            + "conversations.execute(() -> converse(client)), then straight back to accept(). Likely causes: "
            + "converse(client) called directly in serve() (it runs on the accept loop's thread); a new thread "
            + "that is run() instead of start()ed; a conversation that holds a lock (synchronized) the others "
            + "need. Lesson 06, \"A thread per connection\".")
    @DisplayName("A second client is answered while the first is silent")
    void a_second_client_is_answered_while_the_first_is_silent() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var first = connect(server.port())) {
            // The first client's conversation is surely under way before the second client connects.
            exchange(server, first, "first");
            try (var second = connect(server.port())) {
                wire.event("the first client now says nothing; the second sends a frame");
                exchange(server, second, "am I served?", "the first client is connected and silent");
                exchange(server, first, "first, again", null);
            }
        }
    }

    @Test
    @Order(3)
    @Hint("Three clients connect in the order A, B, C and then send in the order C, B, A, each waiting for its "
            + "reply before the next sends. Only a server that reads every connection at the same time can answer "
            + "C first: a serial one is still waiting for A. Each conversation needs its own thread, and nothing "
            + "one conversation does may wait for another. Lesson 06, \"A thread per connection\".")
    @DisplayName("Replies follow the order clients send in, not the order they connected")
    void replies_follow_the_order_clients_send_in_not_the_order_they_connected() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var a = connect(server.port());
             var b = connect(server.port());
             var c = connect(server.port())) {
            wire.event("clients A, B and C connected in that order; they send in the order C, B, A");
            exchange(server, c, "C first", "A and B are connected and have sent nothing yet");
            exchange(server, b, "B second", "A is connected and has sent nothing yet");
            exchange(server, a, "A last", null);
            exchange(server, c, "C again", null);
        }
    }

    @Test
    @Order(4)
    @Hint("Twenty clients talk at once while one more says nothing and another sends frames without ever reading "
            + "the replies (so your server's write to it blocks: a full send buffer has no timeout). Every other "
            + "client must still get each reply in time. Likely causes: a fixed pool too small for the clients "
            + "(Executors.newFixedThreadPool(n) queues the rest behind the stuck ones); a lock shared by every "
            + "conversation (a synchronized converse(), or one shared stream); a serial accept loop. Use the "
            + "given conversations executor: a new thread per task. Lesson 06, \"A thread per connection\" and "
            + "\"A bounded pool\".")
    @DisplayName("Many clients are served beside a silent one and one that never reads")
    void many_clients_are_served_beside_a_silent_one_and_one_that_never_reads() throws Exception {
        try (var server = ServerUnderCheck.start(PATIENT);
             var silent = connect(server.port());
             var flooder = new Flooder(HOST, server.port())) {
            wire.event("a silent client, and a client that sends frames without pause and never reads, connected; "
                    + "then " + CROWD + " clients each send two frames (their bytes are not shown here)");
            var crowdWire = new Transcript();
            var crowd = new ArrayList<Conversation>();
            try {
                for (int i = 0; i < CROWD; i++) {
                    crowd.add(ScriptedClient.connect(HOST, server.port(), crowdWire, WAIT));
                }
                for (int round = 1; round <= 2; round++) {
                    // Every client sends before any reads: the frames wait in the server at the same time.
                    for (int i = CROWD - 1; i >= 0; i--) {
                        crowd.get(i).send(Frame.of("client " + i + ", frame " + round));
                    }
                    for (int i = 0; i < CROWD; i++) {
                        String text = "client " + i + ", frame " + round;
                        Received r = crowd.get(i).read(Frame.SIZE, WAIT);
                        if (r.ending() != Ending.COMPLETE || !Arrays.equals(r.bytes(), Frame.of(text + " *_*"))) {
                            throw CheckFailed.when("connected a silent client, a client that never reads, and " + CROWD
                                            + " clients that each sent frame " + round + " of 2")
                                    .expected("client " + i + " to get the reply " + Transcript.quote(text + " *_*")
                                            + " within " + LabCode.seconds(WAIT))
                                    .got(describe(r))
                                    .wire(wire)
                                    .next(crowdAdvice(server, r))
                                    .build();
                        }
                    }
                }
            } finally {
                crowd.forEach(Conversation::close);
            }
        }
    }

    private static String crowdAdvice(ServerUnderCheck server, Received r) {
        if (r.ending() == Ending.COMPLETE) {
            return "a reply is the frame's text followed by \" *_*\", NUL-padded to 128 bytes; and every "
                    + "conversation must answer on its OWN socket. Is a socket or a stream shared between threads "
                    + "(a field that each new client overwrites)?";
        }
        if (r.ending() == Ending.TIMED_OUT && r.bytes().length == 0) {
            return "some clients are waiting behind others. Likely causes: conversations run one after another "
                    + "(on the accept loop's thread, or on a pool with too few threads: the silent and the stuck "
                    + "client hold theirs); a lock that every conversation takes. serve(): "
                    + "conversations.execute(() -> converse(client)) with the given executor.\n"
                    + server.logForMessage();
        }
        return "your server ended this client's conversation: an exception on its thread? " + server.logForMessage();
    }

    @Test
    @Order(5)
    @Hint("When a client closes (Frames.read returns null), its conversation must close the accepted socket, "
            + "or the server's side of that connection sits in CLOSE_WAIT for good. With a thread per client, "
            + "each conversation closes its own socket: try (client) { … } does it, on every path. Likely causes: "
            + "no close at all; a close only in close() (for the clients still open then); a loop on "
            + "!client.isClosed(), which never ends. Lesson 06, \"Shared state\"; CLOSE_WAIT is Lesson 05's.")
    @DisplayName("A client that closes leaves nothing in CLOSE_WAIT")
    void a_client_that_closes_leaves_nothing_in_close_wait() throws IOException {
        try (var server = ServerUnderCheck.start(PATIENT);
             var staying = connect(server.port());
             var one = connect(server.port());
             var two = connect(server.port())) {
            exchange(server, staying, "I stay");
            for (var leaving : List.of(one, two)) {
                exchange(server, leaving, "goodbye");
                leaving.shutdownOutput();
            }
            for (var leaving : List.of(one, two)) {
                int kitPort = leaving.socket().getLocalPort();
                Received end = leaving.read(Frame.SIZE, WAIT);
                if (end.ending() != Ending.CLOSED || end.bytes().length > 0) {
                    throw CheckFailed.when("had two clients send a frame and close their sending side (FIN), while "
                                    + "a third stays connected")
                            .expected("your server to close each of those two connections (the kit reads -1)")
                            .got(describe(end) + rowsOfServerSide(server, kitPort))
                            .wire(wire)
                            .next("converse(): when Frames.read returns null the client has closed; leave the loop "
                                    + "and close the accepted socket (try (client) { … }). The other conversations "
                                    + "have nothing to do with it.")
                            .build();
                }
                leaving.close();
                if (Inspector.available() && !pollUntil(() -> Inspector.tcpRowsBetween(server.port(), kitPort).isEmpty())) {
                    throw CheckFailed.when("closed a client's connection and looked at the kernel's table")
                            .expected("no row left for your server's side of that connection")
                            .got(rowsOfServerSide(server, kitPort).strip())
                            .wire(wire)
                            .next("converse(): close the accepted socket itself, not just its output.")
                            .build();
                }
            }
            exchange(server, staying, "still here", "two other clients closed their connections");
            // `open` holds the conversations in progress, and only those: a socket left in it after its
            // conversation ended is a leak that grows with every client (and close() would close it again).
            if (!pollUntil(() -> server.openSockets() == 1)) {
                int count = server.openSockets();
                throw CheckFailed.when("let two of three clients close, and looked at your server's `open` set")
                        .expected("one socket in it: the client still talking")
                        .got(count < 0 ? "no `open` set of sockets in your FrameServer" : count + " sockets")
                        .wire(wire)
                        .next(count > 1
                                ? "converse(): remove the client from `open` when its conversation ends, on every "
                                + "path (a finally block)."
                                : "converse(): add the client to `open` when its conversation starts (close() must "
                                + "reach it there), and remove it when the conversation ends.")
                        .build();
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("let two clients close politely while a third stayed")
                        .expected("nothing in your server's log: a client that closes between frames did nothing "
                                + "wrong")
                        .got(server.logForMessage())
                        .next("converse(): log only in the catch for IOException; Frames.read returning null is the "
                                + "normal end of a conversation.")
                        .build();
            }
        }
    }

    @Test
    @Order(6)
    @Hint("A client that resets, leaves in the middle of a frame, or says nothing for the read timeout ends ITS "
            + "conversation, with one line in the log that names it (client.getRemoteSocketAddress()), and nobody "
            + "else's. Set the read timeout on each accepted socket (client.setSoTimeout), catch IOException in "
            + "converse() around that one conversation, and close its socket. Likely causes: an exception that "
            + "escapes and ends the accept loop; a read timeout on the listener instead; a log line that names the "
            + "server's own address. Lesson 06, \"Shared state\"; Lesson 05, \"Resets\".")
    @DisplayName("A client that goes wrong costs one log line, and no one else anything")
    void a_client_that_goes_wrong_costs_one_log_line_and_no_one_else_anything() throws IOException {
        Duration readTimeout = Duration.ofMillis(1000);
        try (var server = ServerUnderCheck.start(readTimeout);
             var talker = connect(server.port())) {
            int port = server.port();
            // The talker keeps its conversation alive across the others' trouble, well inside the read timeout.
            exchange(server, talker, "before");
            var peers = new ArrayList<Peer>();
            try (var rude = connectFromClientIp(port);
                 var leaver = connectFromClientIp(port);
                 var silent = connectFromClientIp(port)) {
                peers.add(Peer.of(rude));
                peers.add(Peer.of(leaver));
                peers.add(Peer.of(silent));
                exchange(server, rude, "goodbye, rudely");
                rude.reset();
                // Each line is written on its conversation's own thread: wait for it, so the log's order is fixed.
                server.awaitLogLines(1, WAIT);
                exchange(server, talker, "after a reset", "another client reset its connection");
                leaver.send(Arrays.copyOf(Frame.of("half a frame"), 50));
                leaver.shutdownOutput();
                Received half = leaver.read(Frame.SIZE, WAIT);
                if (half.bytes().length > 0 || half.ending() == Ending.TIMED_OUT) {
                    throw CheckFailed.when("sent 50 bytes of a frame and then closed its sending side")
                            .expected("no reply (half a frame is no message), and your server closing its side")
                            .got(describe(half))
                            .wire(wire)
                            .next("converse(): Frames.read throws EOFException here; catch IOException, log one "
                                    + "line, and let try-with-resources close the socket.")
                            .build();
                }
                server.awaitLogLines(2, WAIT);
                exchange(server, talker, "after a half frame", "another client left in the middle of a frame");
                // The talker goes on talking while the silent client waits for its timeout: its own reads never
                // wait long enough to time out.
                Duration limit = readTimeout.multipliedBy(10);
                long deadline = System.nanoTime() + limit.toNanos();
                Received dropped;
                int round = 0;
                do {
                    exchange(server, talker, "meanwhile " + ++round, "another client is silent");
                    dropped = silent.read(1, Duration.ofMillis(100));
                } while (dropped.ending() == Ending.TIMED_OUT && System.nanoTime() < deadline);
                if (dropped.ending() != Ending.CLOSED && dropped.ending() != Ending.RESET) {
                    throw CheckFailed.when("connected a client that says nothing to a server started with "
                                    + "readTimeout " + readTimeout.toMillis() + " ms")
                            .expected("your server to close that connection within " + LabCode.seconds(limit))
                            .got(describe(dropped, limit) + " (the other client talked on meanwhile)")
                            .next("converse(): client.setSoTimeout((int) readTimeout.toMillis()) on the ACCEPTED "
                                    + "socket before the first read; the SocketTimeoutException then ends that "
                                    + "conversation.")
                            .build();
                }
                // Its line comes after the close the kit saw (try-with-resources closes first). Wait for it before
                // close(): a line still unwritten when close() sets `closing` would be held back, as it should be
                // for the trouble close() itself causes, and a busy machine would make a correct server fail here.
                server.awaitLogLines(3, WAIT);
                exchange(server, talker, "after a silence", "another client was dropped for its silence");
            }
            talker.shutdownOutput();
            talker.read(1, WAIT);
            // Everyone has gone: once close() has waited for the conversations' threads, every line is written.
            server.closeServer();
            expectOneLinePerPeer(server, peers, "made one client reset, one leave in the middle of a frame and one "
                    + "stay silent past the read timeout, while another kept talking; then closed the server");
        }
    }

    @Test
    @Order(7)
    @Hint("The read timeout is the one start() is given: client.setSoTimeout((int) readTimeout.toMillis()) on "
            + "each ACCEPTED socket. A number of your own or a unit slip (readTimeout.toSeconds() is 0 for 150 ms, "
            + "and setSoTimeout(0) means no timeout at all) cuts clients off too early or never. Lesson 05, \"A "
            + "serial server's life\".")
    @DisplayName("The read timeout is the one start() was given")
    void the_read_timeout_is_the_one_start_was_given() throws IOException {
        Duration quick = Duration.ofMillis(150);
        Duration slow = Duration.ofMillis(1600);
        // Two servers at once. Any fixed timeout is either above 10 x 150 ms or below 1600 ms, so one of them
        // shows it; and a correct server can close neither early, since its timer starts after the kit's connect.
        try (var quickServer = ServerUnderCheck.start(quick);
             var slowServer = ServerUnderCheck.start(slow);
             var stalled = connect(quickServer.port())) {
            // Timed from before the kit connects, since the server's timer cannot start earlier: a check thread
            // slow to come back from connect() on a busy machine then cannot make a correct server look early.
            long connected = System.nanoTime();
            try (var silent = connect(slowServer.port())) {
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
            }
        }
    }

    @Test
    @Order(8)
    @Hint("stop() closes the listener ONLY: no new client gets in (\"Connection refused\"), and every "
            + "conversation in progress goes on until its client closes. awaitStopped() (given) says true only "
            + "when the accept loop has ended AND conversations has been shut down with no conversation left, so "
            + "serve() must call conversations.shutdown() on its way out (a finally block does it). Likely causes: "
            + "stop() closes the clients too (that is close()'s job); no shutdown(), so awaitStopped never says "
            + "true; conversations on threads of your own, which awaitStopped cannot see. Lesson 06, \"Stopping a "
            + "concurrent server\".")
    @DisplayName("stop() refuses new clients and lets every conversation finish")
    void stop_refuses_new_clients_and_lets_every_conversation_finish() throws IOException {
        Duration limit = Duration.ofMillis(300);
        try (var server = ServerUnderCheck.start(PATIENT);
             var one = connect(server.port());
             var two = connect(server.port())) {
            int port = server.port();
            exchange(server, one, "one, before stop");
            exchange(server, two, "two, before stop");
            server.awaitWaitingInAccept(WAIT);
            server.stop();
            wire.event("the check called stop() on your server");
            // The accept loop lets go of the kernel's listener as it leaves accept(): wait for that, or a connect
            // in between could still get through and the check would blame a correct server.
            awaitAcceptLoopGone(server, port);
            expectRefused(port);
            exchange(server, two, "two, after stop", "the check called stop()");
            exchange(server, one, "one, after stop", "the check called stop()");
            var early = server.timeAwaitStopped(limit);
            if (early.stopped()) {
                throw CheckFailed.when("called stop() while two conversations went on, then awaitStopped("
                                + limit.toMillis() + " ms)")
                        .expected("false: two conversations are still in progress")
                        .got("true")
                        .wire(wire)
                        .next("run each conversation with the given conversations executor "
                                + "(conversations.execute(() -> converse(client))): awaitStopped() waits for its "
                                + "tasks, and cannot see threads of your own.")
                        .build();
            }
            for (var client : List.of(one, two)) {
                client.shutdownOutput();
                Received end = client.read(1, WAIT);
                if (end.ending() != Ending.CLOSED) {
                    throw CheckFailed.when("closed a client's sending side after stop()")
                            .expected("your server to close its side (the kit reads -1)")
                            .got(describe(end))
                            .wire(wire)
                            .next("converse(): close the socket when Frames.read returns null.")
                            .build();
                }
            }
            if (!server.timeAwaitStopped(WAIT).stopped()) {
                throw CheckFailed.when("called stop(), let both conversations end, then called awaitStopped("
                                + LabCode.seconds(WAIT) + ")")
                        .expected("true: the listener is closed and no conversation is left")
                        .got("false: " + (server.threadInAccept().isEmpty()
                                ? "no thread waits in accept() any more, but conversations was never shut down, or "
                                + "a conversation still runs"
                                : "a thread still waits in accept()"))
                        .wire(wire)
                        .next("serve(): once accept() fails on the closed listener, call conversations.shutdown() "
                                + "(in a finally block) and return; shutdown() lets the conversations in progress "
                                + "finish and starts no new ones.\n" + server.logForMessage())
                        .build();
            }
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called stop() and let two clients close politely")
                        .expected("nothing in your server's log: stop() is not an error")
                        .got(server.logForMessage())
                        .next("serve(): the exception accept() throws once the listener is closed is the normal way "
                                + "out; print nothing.")
                        .build();
            }
        }
    }

    @Test
    @Order(9)
    @Hint("close() is stop() plus the end of EVERY conversation in progress: set closing, close the listener, "
            + "close every socket in `open` (each conversation adds its socket when it starts and removes it when "
            + "it ends), then wait for the threads (awaitStopped). Closing a socket wakes its thread, whether it "
            + "waits in a read or in a write that a client who never reads has blocked. Likely causes: one "
            + "`current` field, Lab 05's, which holds only the latest client; sockets never added to `open`; a "
            + "log line for the exceptions that close() itself causes (log only when `closing` is false). Lesson "
            + "06, \"Stopping a concurrent server\".")
    @DisplayName("close() ends every conversation at once")
    void close_ends_every_conversation_at_once() throws Exception {
        try (var server = ServerUnderCheck.start(PATIENT);
             var silent = connect(server.port());
             var flooder = new Flooder(HOST, server.port());
             var talker = connect(server.port())) {
            int port = server.port();
            exchange(server, talker, "talking");
            List<Thread> before = server.threads();
            server.closeServer();
            wire.event("the check called close() on your server");
            for (var entry : List.of(java.util.Map.entry("the silent client", silent),
                    java.util.Map.entry("the client in a conversation", talker))) {
                Received end = entry.getValue().read(1, WAIT);
                if (end.ending() != Ending.CLOSED && end.ending() != Ending.RESET) {
                    throw CheckFailed.when("called close() on your server with three clients connected")
                            .expected(entry.getKey() + "'s connection to end: the kit reads -1 (or a reset)")
                            .got(describe(end))
                            .wire(wire)
                            .next("close(): after stop(), close every socket in `open`, not only the latest "
                                    + "client's.")
                            .build();
                }
            }
            if (!flooder.awaitEnded(WAIT.toMillis())) {
                throw CheckFailed.when("called close() on your server while a client that never reads kept sending")
                        .expected("that connection to end too, so the client's next write fails")
                        .got("it still sends (" + flooder.sent() / 1024 + " KiB so far) after "
                                + LabCode.seconds(WAIT))
                        .wire(wire)
                        .next("close(): close every socket in `open`. The conversation of a client that never "
                                + "reads may be blocked in a write, which no read timeout ends: only closing its "
                                + "socket does.")
                        .build();
            }
            expectNothingRunningAfterClose(server, port, before, "called close() on your server with three clients "
                    + "connected");
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called close() on your server with three clients connected")
                        .expected("nothing in your server's log: close() ended those conversations on purpose")
                        .got(server.logForMessage())
                        .wire(wire)
                        .next("converse(): the read (or write) that close() interrupts throws SocketException; "
                                + "log it only when `closing` is not set (close() sets it before it closes "
                                + "anything).")
                        .build();
            }
        }
    }

    @Test
    @Order(10)
    @Hint("close() on a server that has no client: `open` is empty then; close the listener and wait. When close() "
            + "returns, the accept loop's thread has ended and the port has no listener. Lesson 06, \"Stopping a "
            + "concurrent server\".")
    @DisplayName("close() ends a server that has no client")
    void close_ends_a_server_that_has_no_client() {
        try (var server = ServerUnderCheck.start(PATIENT)) {
            int port = server.port();
            List<Thread> serving = server.awaitWaitingInAccept(WAIT).map(List::of).orElseGet(server::threads);
            server.closeServer();
            expectNothingRunningAfterClose(server, port, serving, "called close() on a server with no client");
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("called close() on a server with no client")
                        .expected("a quiet end: close() is not an error")
                        .got(server.logForMessage())
                        .next("serve(): the exception accept() throws once the listener is closed is the normal "
                                + "way out; print nothing.")
                        .build();
            }
        }
    }

    @Test
    @Order(11)
    @Hint("Every accepted socket must be closed on every path (a polite end, a reset, half a frame, a read "
            + "timeout, close()), and every thread must end: the accept loop's and the conversations'. Then the "
            + "process has the descriptors and threads it had before. Likely causes: a socket closed only on the "
            + "happy path (try (client) { … } closes on all of them); a socket never added to `open`, so close() "
            + "misses it; conversations never shut down, so a pool keeps its threads. Lesson 06, \"Stopping a "
            + "concurrent server\".")
    @DisplayName("No socket or thread is left once the server has closed")
    void no_socket_or_thread_is_left_once_the_server_has_closed() throws Exception {
        Assumptions.assumeTrue(Inspector.available(), Inspector.unavailableReason());
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        List<Thread> threadsBefore = ServerUnderCheck.serverThreads();
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
            try (var silent = connect(port);
                 var flooder = new Flooder(HOST, port);
                 var talker = connect(port)) {
                exchange(server, talker, "last");
                server.closeServer();
                // Every conversation has ended by now; let the kit's ends close before looking.
            }
            boolean clean = Poll.until(() -> Inspector.openedSince(before).isEmpty(), GRACE, Duration.ofMillis(50));
            if (!clean) {
                List<String> open = new ArrayList<>();
                for (var d : Inspector.openedSince(before)) {
                    open.add("fd " + d.fd() + ": " + Inspector.row(d.inode()).map(Object::toString)
                            .orElse("a socket with no row (connection over, descriptor never closed)"));
                }
                throw CheckFailed.when("served six clients (polite, reset, half a frame, silent, never reads, "
                                + "talking) and called close()")
                        .expected("every socket your server opened to be closed again")
                        .got("still open:\n" + String.join("\n", open))
                        .wire(wire)
                        .next("converse(): close the accepted socket on every path (try (client) { … }); close(): "
                                + "close the listener and every socket in `open`.")
                        .build();
            }
            boolean ended = pollUntil(() -> newThreads(threadsBefore).isEmpty());
            if (!ended) {
                var left = newThreads(threadsBefore);
                throw CheckFailed.when("served six clients and called close()")
                        .expected("every thread your server started to have ended")
                        .got(left.size() + " still running, among them \"" + left.get(0).getName() + "\"")
                        .wire(wire)
                        .next("serve(): conversations.shutdown() when the accept loop ends (a pool keeps idle "
                                + "threads until then); close(): close every socket in `open` and awaitStopped.")
                        .build();
            }
        }
    }

    private static List<Thread> newThreads(List<Thread> before) {
        var now = new ArrayList<>(ServerUnderCheck.serverThreads());
        now.removeAll(before);
        return now;
    }

    @Test
    @Order(12)
    @Hint("close() waits for the threads with awaitStopped(), which throws InterruptedException when the calling "
            + "thread is interrupted. close() cannot pass it on, so it must catch it and call "
            + "Thread.currentThread().interrupt(): that keeps the interrupt for the caller. An empty catch "
            + "swallows it. Lesson 05, \"The lab\".")
    @DisplayName("close() keeps the interrupt of the thread that calls it")
    void close_keeps_the_interrupt_of_the_thread_that_calls_it() throws IOException {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            // A conversation held in its log line is alive for sure: close()'s wait meets the interrupt every run.
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
    @Order(13)
    @Hint("close() ends the server and then WAITS for its threads: awaitStopped(Duration.ofSeconds(1)) after "
            + "closing the listener and every socket in `open`. A close() that returns at once leaves "
            + "conversations still finishing, so whoever called close() cannot count on the server being over. "
            + "Lesson 06, \"Stopping a concurrent server\".")
    @DisplayName("close() waits until every thread has ended")
    void close_waits_until_every_thread_has_ended() throws Exception {
        try (var server = ServerUnderCheck.start(HOST, PATIENT, true)) {
            // While a conversation's thread is held in its log line, a close() that waits for it is still waiting.
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
            if (!gaveUpWhileHeld) {
                expectNothingRunningAfterClose(server, server.port(), serving, "called close() and let it return");
            }
        }
    }

    @Test
    @Order(14)
    @Hint("start() binds before it makes the server, so a bind that fails leaves nothing running and no "
            + "executor made. Close the ServerSocket when bind() throws (try/catch, close, throw again), or the "
            + "failed start leaks it. A port in use and a host that does not resolve are IOExceptions; a port "
            + "outside 0..65535 is an IllegalArgumentException. Lesson 05, \"The lab\".")
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
    @Order(15)
    @Hint("run() is given finished, and follows the kit's convention (Lesson 02): a usage error (not two "
            + "arguments, an <ip> that is no IP address, a <port> that is not a number from 0 to 65535) is exit "
            + "code 2, with a line holding \"Usage: FrameServer <ip> <port>\" on err and nothing on out; a port in "
            + "use is exit code 1 with one line on err naming the address and port. If this fails, run() was "
            + "changed, or start() does not throw an IOException as it is: `git diff labs/src/main/java/tcplab/lab06` "
            + "shows how. Lesson 06, \"Talk to it yourself\".")
    @DisplayName("The program exits with 2 on a usage error, and 1 when its port is in use")
    void the_program_exits_with_2_on_a_usage_error_and_1_when_its_port_is_in_use() throws IOException {
        String[][] wrong = {{}, {HOST}, {HOST, "0", "extra"}, {HOST, "port"}, {HOST, "-1"}, {HOST, "65536"},
            {HOST, "99999999999"}, {"nowhere.invalid", "0"}};
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
    @Order(16)
    @Hint("run() is given: it prints \"listening on <ip>:<port> (Ctrl-D stops it)\", serves until its standard "
            + "input ends, then calls stop(), prints \"stopped listening; …\", waits for the conversations in "
            + "progress with awaitStopped(), and closes. So the listener must be gone right after stop(), while "
            + "the clients being served still get their replies; the program returns 0 once they have closed. "
            + "Lesson 06, \"Talk to it yourself\".")
    @DisplayName("The program serves until its input ends")
    void the_program_serves_until_its_input_ends() throws Exception {
        String ip = "127.0.0.2";
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
                                + "(it must not serve by itself)? Is the listener bound to the host it is given?")
                        .build();
            }
            int port = Integer.parseInt(m.group(1));
            try (var first = ScriptedClient.connect(ip, port, wire, WAIT);
                 var second = ScriptedClient.connect(ip, port, wire, WAIT)) {
                programExchange(second, "second, served first", null, program);
                programExchange(first, "first, served second", null, program);
                program.endInput();
                wire.event("the check ended the program's standard input (Ctrl-D)");
                String stopped = program.awaitLine("stopped listening", WAIT);
                if (stopped == null) {
                    throw CheckFailed.when(doing + ", served two clients, then ended the input")
                            .expected("a line \"stopped listening; …\" on out")
                            .got(program.state())
                            .wire(wire)
                            .next("run() is given: after the input ends it calls stop(), which must return at "
                                    + "once: close the listener, and wait for nothing.")
                            .build();
                }
                if (Inspector.available() && !Inspector.ownListeners(port).isEmpty()) {
                    throw CheckFailed.when(doing + ", served two clients, then ended the input")
                            .expected("no listener left on " + ip + ":" + port + ": stop() has closed it")
                            .got("the kernel lists " + Inspector.ownListeners(port))
                            .wire(wire)
                            .next("stop(): close the listener (run() is given and calls it once the input ends).")
                            .build();
                }
                for (var client : List.of(first, second)) {
                    programExchange(client, "after the input ended", "the check ended the program's input", program);
                    client.shutdownOutput();
                    Received end = client.read(1, WAIT);
                    if (end.ending() != Ending.CLOSED) {
                        throw CheckFailed.when(doing + "; after the input ended, a client closed")
                                .expected("your server to close its side (the kit reads -1)")
                                .got(describe(end))
                                .wire(wire)
                                .next("converse(): close the socket when Frames.read returns null.")
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
                        .next("serve(): once accept() fails on the closed listener, conversations.shutdown() and "
                                + "return; run() waits for that with awaitStopped().")
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
                    && newThreads(threadsBefore).isEmpty(), GRACE, Duration.ofMillis(20));
            if (!clean) {
                List<Inspector.Descriptor> left = Inspector.openedSince(before);
                List<Thread> running = newThreads(threadsBefore);
                throw CheckFailed.when(doing + "; it returned 0")
                        .expected("nothing left behind: no socket open, no thread running")
                        .got((left.isEmpty() ? "" : left.size() + " socket descriptor(s) still open ")
                                + (running.isEmpty() ? "" : "thread \"" + running.get(0).getName() + "\" still runs"))
                        .next("converse(): close the accepted socket; serve(): conversations.shutdown() on the "
                                + "way out; close(): wait with awaitStopped().")
                        .build();
            }
        }
    }

    /** One frame and its reply with the program's server; the failure shows what the program printed. */
    private void programExchange(Conversation c, String text, String event, RunningProgram program) throws IOException {
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
                        + "conversations in progress go on (ending them is close()'s job).")
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------

    private Conversation connect(int port) {
        return ScriptedClient.connect(HOST, port, wire, WAIT);
    }

    private void exchange(ServerUnderCheck server, Conversation c, String text) throws IOException {
        exchange(server, c, text, null);
    }

    /**
     * Sends one frame and expects its reply; {@code event}, if not null, names what happened just before (another
     * client that is silent, stop()…), to explain a reply that never comes or a connection that closes.
     */
    private void exchange(ServerUnderCheck server, Conversation c, String text, String event) throws IOException {
        c.send(Frame.of(text));
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
                    + "listener ONLY: the accepted sockets are other sockets, and their conversations go on until "
                    + "their clients close. (Ending them too is close()'s job.)"
                    : "your server closed the connection instead of answering. converse() must keep reading "
                    + "frames until Frames.read returns null" + (event == null ? "." : "; and what happened to "
                    + "another client (" + event + ") must end only that client's conversation.")
                    + "\n" + server.logForMessage();
            case RESET -> "your server reset the connection; an exception on its side? " + server.logForMessage();
            case COMPLETE -> "the reply is the frame's text followed by \" *_*\", NUL-padded to 128 bytes: "
                    + "Frames.reply and Frames.write; each conversation writes on its own client's socket.";
        };
        throw CheckFailed.when("sent one frame " + Transcript.quote(text)
                        + (event == null ? "" : " (" + event + ")"))
                .expected("the 128-byte reply frame " + Transcript.quote(reply))
                .got(describe(r))
                .wire(wire)
                .next(next)
                .build();
    }

    /** Why no reply came, knowing what happened just before ({@code event}, or null). */
    private static String noAnswer(ServerUnderCheck server, String event) {
        if (event == null || server.nothingRuns()) {
            return server.whyNoAnswer();
        }
        if (event.contains("stop()")) {
            return "your server did not answer after " + event + ". stop() closes the listener only; the "
                    + "conversations in progress go on until their clients close.\n" + server.logForMessage();
        }
        if (event.contains("silent") || event.contains("sent nothing")) {
            return "your server is busy with another client, one that has nothing to say right now, and serves no "
                    + "one else meanwhile: conversations run one after another. serve() must hand each client to "
                    + "conversations.execute(() -> converse(client)) and go straight back to accept(); converse() "
                    + "must run on that thread, not on the accept loop's. (Is a new Thread run() instead of "
                    + "start()ed? Does converse() hold a lock the others need?)";
        }
        return "what happened to another client (" + event + ") stopped this one's conversation too: catch "
                + "IOException in converse(), around that ONE conversation, and close only its socket.\n"
                + server.logForMessage();
    }

    /** A client's end of a connection, as the server sees it from the other side. */
    private record Peer(String ip, int port) {
        /** Taken while the socket is open: a closed socket no longer tells its local address. */
        static Peer of(Conversation c) {
            return new Peer(c.socket().getLocalAddress().getHostAddress(), c.socket().getLocalPort());
        }
    }

    /** A client that connects from {@link #CLIENT_IP}, so that its address differs from the server's. */
    private Conversation connectFromClientIp(int port) {
        var socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(CLIENT_IP, 0));
            socket.connect(new InetSocketAddress(HOST, port), (int) WAIT.toMillis());
            wire.event("kit connected to " + HOST + ":" + port + " from " + CLIENT_IP + " port "
                    + socket.getLocalPort());
            return new Conversation(socket, wire);
        } catch (IOException e) {
            Sockets.closeAll(socket);
            throw CheckFailed.when("connected to " + HOST + ":" + port + " from " + CLIENT_IP)
                    .expected("your server to accept the connection")
                    .got(e.getMessage())
                    .wire(wire)
                    .next("is your server listening on that address and port? Did it close its listener early?")
                    .build();
        }
    }

    /** The log must hold one line per peer, naming its address and port, and no other line. */
    private static void expectOneLinePerPeer(ServerUnderCheck server, List<Peer> peers, String doing) {
        // close() has waited for the conversations; a close() that does not wait is another check's business,
        // so give a line that is still being written a moment here.
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
                        .expected("exactly one log line for each of the three clients that went wrong (" + expected
                                + "), naming its address and port")
                        .got(naming + " line(s) name " + p.ip() + " port " + p.port() + "\n" + server.logForMessage())
                        .next(naming == 0
                                ? "converse(): in the catch for IOException, log.println(who + \": \" + "
                                + "e.getMessage()), where who is client.getRemoteSocketAddress(), taken while the "
                                + "socket is open. " + (lines.stream().anyMatch(l -> hasNumber(l, server.port()))
                                ? server.port() + " is your server's own port (getLocalPort()), not the client's."
                                : "Is every kind of trouble (a reset, EOFException, SocketTimeoutException) caught "
                                + "as an IOException?")
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

    /** Whether {@code text} holds {@code number} as a whole number, not as a part of a longer one. */
    private static boolean hasNumber(String text, int number) {
        return java.util.regex.Pattern.compile("(?<!\\d)" + number + "(?!\\d)").matcher(text).find();
    }

    /** Waits until no thread of the learner's server is in accept() and the kernel lists no listener of ours. */
    private void awaitAcceptLoopGone(ServerUnderCheck server, int port) {
        pollUntil(() -> server.threadInAccept().isEmpty()
                && (!Inspector.available() || Inspector.ownListeners(port).isEmpty()));
    }

    /** A connect to {@code port} must be refused. */
    private void expectRefused(int port) {
        try (var late = new Socket()) {
            late.connect(new InetSocketAddress(HOST, port), (int) WAIT.toMillis());
            wire.event("kit connected after stop(): the kernel still had a listener on " + port);
            throw CheckFailed.when("called stop() and then connected to port " + port)
                    .expected("\"Connection refused\": no listener, no new connection")
                    .got("the connection was accepted" + (Inspector.available() ? "\nthe kernel's listener for port "
                            + port + ": " + Inspector.ownListeners(port) : ""))
                    .wire(wire)
                    .next("stop(): close the ServerSocket (listener.close()). A flag that the accept loop looks at "
                            + "is not enough: while the listener is open, the kernel completes handshakes for it.")
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

    /**
     * After close() has returned: the threads that ran the server have ended (close() waits for them; a thread
     * that is just leaving gets {@link #SETTLE}) and the port has no listener.
     */
    private void expectNothingRunningAfterClose(ServerUnderCheck server, int port, List<Thread> serving,
            String doing) {
        var all = new ArrayList<Thread>(serving);
        all.addAll(server.threads());
        if (!Poll.until(() -> all.stream().noneMatch(Thread::isAlive), GRACE, Duration.ofMillis(10))) {
            Thread t = all.stream().filter(Thread::isAlive).findFirst().orElseThrow();
            throw CheckFailed.when(doing)
                    .expected("close() to return once the accept loop's thread and the conversations' threads "
                            + "have ended")
                    .got("close() returned while thread \"" + t.getName() + "\" was still running")
                    .wire(wire)
                    .next("close(): after closing the listener and every socket in `open`, wait: "
                            + "awaitStopped(Duration.ofSeconds(1)); and serve() must shut conversations down on "
                            + "its way out, or awaitStopped cannot end.\n" + server.logForMessage())
                    .build();
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

    /** Polls {@code condition} every 10 ms for up to {@link #SETTLE}. */
    private static boolean pollUntil(java.util.function.BooleanSupplier condition) {
        return Poll.until(condition, SETTLE);
    }

}
