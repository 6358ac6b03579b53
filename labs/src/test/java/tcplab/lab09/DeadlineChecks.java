package tcplab.lab09;

import static tcplab.lab09.ServerUnderCheck.HOST;

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
import java.util.Optional;
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

@Checks(lesson = 9)
class DeadlineChecks {

    /**
     * The server's limits in most checks: long enough never to matter, even when a check keeps a client idle for
     * several of its own waits on a machine so busy that each one runs long.
     */
    private static final Limits PATIENT = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(30));
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

    /**
     * The wire as the kit saw it. Frames.write sends a reply in two pieces, and whether the kit's reads see one
     * block or two depends on timing only: bytes read one after another are shown as one block.
     */
    private final Transcript wire = Transcript.joiningReads();

    @Test
    @Order(1)
    @Hint("start(), serve(), stop() and close() are Lab 06's: copy yours. converse() answers each frame: "
            + "text = readBefore(client, in, deadline), then reply(client, out, Frames.reply(text)), until "
            + "readBefore returns null (the client closed between frames). readBefore reads a whole frame of 128 "
            + "bytes, however they arrive, and returns Frames.text(frame); reply writes with Frames.write. An "
            + "exception on a conversation's thread is printed on the console, not here: look there. Lesson 09, "
            + "\"The lab\".")
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
    @Hint("Lab 06's lesson, kept: a serial server talks to one client at a time: while the first client is "
            + "connected and "
            + "silent, the second waits. Here serve() must only accept, and give each client a thread of its own: "
            + "conversations.execute(() -> converse(client)), then straight back to accept(). Likely causes: "
            + "converse(client) called directly in serve() (it runs on the accept loop's thread); a new thread "
            + "that is run() instead of start()ed; a conversation that holds a lock (synchronized) the others "
            + "need. Lesson 06, \"A thread per connection\"; serve() is Lab 06's.")
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
    @Hint("A read timeout is not a deadline: a client that sends one byte every 200 ms never lets a read wait "
            + "for long, so setSoTimeout(the request limit) alone never fires, and such a client holds its thread "
            + "for 25 s per frame, or for ever. readBefore(client, in, deadline): before EVERY read, compute the "
            + "time left until the deadline and client.setSoTimeout(that many ms); when nothing is left, throw a "
            + "SocketTimeoutException. The deadline is System.nanoTime() + limits.request().toNanos(), taken once "
            + "per frame in converse(). Lesson 09, \"A deadline, not a timeout\".")
    @DisplayName("A client that sends one byte every 200 ms is cut off at the request deadline")
    void a_client_that_sends_one_byte_every_200_ms_is_cut_off_at_the_request_deadline() throws IOException {
        Duration request = Duration.ofMillis(500);
        Duration limit = request.plus(TRICKLE_SLACK);
        try (var server = ServerUnderCheck.start(new Limits(request, PATIENT.write()))) {
            long connecting = System.nanoTime();
            try (var trickler = ScriptedClient.connectFrom(CLIENT_IP, HOST, server.port(), new Transcript(), WAIT)) {
                var peer = Peer.of(trickler);
                long closed = trickle(server, trickler, connecting, limit, true);
                if (closed < 0) {
                    throw CheckFailed.when("connected a client that sends one byte of a frame every 200 ms (a whole "
                                    + "frame would take 25.6 s) to a server started with "
                                    + ServerUnderCheck.show(new Limits(request, PATIENT.write())))
                            .expected("your server to close that connection at its request deadline, "
                                    + request.toMillis() + " ms after the connection began (the kit allows "
                                    + LabCode.seconds(limit) + ")")
                            .got("it was still open after " + LabCode.seconds(limit) + ", reading byte after byte"
                                    + " (other clients were served meanwhile)")
                            .next("readBefore(): a read timeout alone never fires here, since every read gets a "
                                    + "byte within 200 ms. Before each read, set client.setSoTimeout(the ms left "
                                    + "until the deadline), and throw SocketTimeoutException once none is left.")
                            .build();
                }
                expectNotEarly(closed - connecting, request, "a client that sends one byte every 200 ms");
                server.awaitLogLines(1, WAIT);
                exchangeFresh(server, "after the trickle", "a client that trickled was cut off");
                server.closeServer();
                expectOneLinePerPeer(server, List.of(peer), "cut off a client that sent one byte every 200 ms, "
                        + "then closed the server");
            }
        }
    }

    @Test
    @Order(4)
    @Hint("The request deadline is the one start() is given, in limits.request(): a number of your own, or a "
            + "unit slip (toSeconds() makes 800 ms 0), cuts clients off too early or too late. Here the server "
            + "has a deadline of 4 s, and a client trickling one byte every 200 ms must stay connected for those "
            + "4 s. Lesson 09, \"A deadline, not a timeout\".")
    @DisplayName("The request deadline is the one start() was given")
    void the_request_deadline_is_the_one_start_was_given() throws IOException {
        Duration request = Duration.ofSeconds(4);
        try (var server = ServerUnderCheck.start(new Limits(request, PATIENT.write()))) {
            // Timed from before the kit connects: the server's deadline cannot start earlier.
            long connecting = System.nanoTime();
            try (var trickler = ScriptedClient.connect(HOST, server.port(), new Transcript(), WAIT)) {
                long closed = trickle(server, trickler, connecting, request.minus(EARLY_MARGIN), false);
                if (closed >= 0) {
                    expectNotEarly(closed - connecting, request, "a client that sends one byte every 200 ms");
                }
            }
            exchangeFresh(server, "still serving", null);
        }
    }

    @Test
    @Order(5)
    @Hint("A client that is slow but inside the deadline must be served: here each frame takes about half a "
            + "second to arrive, in two pieces, with a request deadline of 2 s and a write deadline of 1 s, and "
            + "the conversation as a whole lasts longer than both. The deadline is per frame: take it anew in "
            + "converse() before each readBefore (System.nanoTime() + limits.request().toNanos()), not once per "
            + "connection. And reply() must cancel its watchdog alarm once the write has returned, or the alarm "
            + "closes a healthy connection later. Lesson 09, \"A deadline, not a timeout\" and \"A peer that never "
            + "reads\".")
    @DisplayName("A slow client inside the deadlines is served, frame after frame")
    void a_slow_client_inside_the_deadlines_is_served_frame_after_frame() throws IOException {
        int frames = 6;                           // about 3 s in all: longer than either deadline
        var limits = new Limits(Duration.ofMillis(2000), Duration.ofMillis(1000));
        try (var server = ServerUnderCheck.start(limits);
             var slow = connect(server.port())) {
            wire.event("a client that sends each frame in two pieces, 250 ms apart, to a server started with "
                    + ServerUnderCheck.show(limits));
            for (int i = 1; i <= frames; i++) {
                String text = "slow frame " + i;
                Received r;
                try {
                    slow.sendInPieces(Frame.of(text), Frame.SIZE / 2, Duration.ofMillis(250));
                    r = slow.read(Frame.SIZE, WAIT);
                } catch (IOException e) {
                    r = new Received(new byte[0], Ending.RESET);   // the server closed while the kit was sending
                }
                if (r.ending() == Ending.COMPLETE && Arrays.equals(r.bytes(), Frame.of(text + " *_*"))) {
                    continue;
                }
                if (i == 1) {
                    throw CheckFailed.when("sent a frame in two pieces 250 ms apart to a server started with "
                                    + ServerUnderCheck.show(limits))
                            .expected("the reply " + Transcript.quote(text + " *_*"))
                            .got(describe(r))
                            .wire(wire)
                            .next(server.whyNoAnswer())
                            .build();
                }
                // Which frame the connection ended at, and how, depends on timing: the message names neither.
                throw CheckFailed.when("sent " + frames + " frames, each in two pieces 250 ms apart and each as soon "
                                + "as the previous reply had come, to a server started with "
                                + ServerUnderCheck.show(limits))
                        .expected(frames + " replies: every frame came well inside its deadline, and every reply was "
                                + "taken at once")
                        .got("the first reply, and then your server ended the conversation before the last"
                                + (r.ending() == Ending.COMPLETE ? ", or a reply was wrong" : ""))
                        .next("your server ended a conversation that kept every deadline. Likely causes: a request "
                                + "deadline taken once per connection instead of once per frame (converse() takes "
                                + "it anew before each readBefore); a watchdog alarm that is never cancelled after a "
                                + "write that returned in time (alarm.cancel(false)), so it closes the socket later.")
                        .build();
            }
            slow.shutdownOutput();
            slow.read(1, WAIT);
            if (!server.log().isEmpty()) {
                throw CheckFailed.when("served a slow client that kept every deadline and closed politely")
                        .expected("nothing in your server's log")
                        .got(server.logForMessage())
                        .wire(wire)
                        .next("log only in converse()'s catch for IOException.")
                        .build();
            }
        }
    }

    @Test
    @Order(6)
    @Hint("A client that sends frames and never reads the replies fills its receive buffer and your send buffer; "
            + "then your write blocks, and no read timeout ends a blocked write. reply(): schedule an alarm on "
            + "the watchdog that closes the client's socket after limits.write(), write with Frames.write, then "
            + "cancel the alarm; the blocked write throws once the socket is closed, and the conversation ends "
            + "with one log line. The others must be served all along, and the conversation's socket and thread "
            + "must go. Lesson 09, \"A peer that never reads\".")
    @DisplayName("A client that never reads is cut off at the write deadline, and the others are served")
    void a_client_that_never_reads_is_cut_off_at_the_write_deadline_and_the_others_are_served() throws Exception {
        var limits = new Limits(PATIENT.request(), Duration.ofMillis(400));
        Duration limit = limits.write().plus(FLOOD_SLACK);
        try (var server = ServerUnderCheck.start(limits)) {
            try (var flooder = new Flooder(HOST, server.port())) {
                int flooderPort = flooder.localPort();
                wire.event("a client connected from port " + flooderPort + " that sends frames without pause and "
                        + "never reads (its bytes are not shown here)");
                exchangeFresh(server, "while one never reads", "another client sends and never reads");
                // Timed from the last sign that the server still read: the client's last write that went through,
                // and (on Linux) the last change of the queues of the server's side of the connection, which stand
                // still once the server stops reading. The client's writes alone stop early on a loaded machine:
                // they go through in jumps as the server drains its receive buffer, and the last jump can come long
                // before the server's own write blocks.
                long began = System.nanoTime();
                long lastProgress = flooder.lastProgress();
                Optional<String> queues = Optional.empty();
                boolean ended;
                do {
                    ended = flooder.awaitEnded(50);
                    Optional<String> now = KernelColumns.queues(server.port(), flooderPort);
                    if (!now.equals(queues)) {
                        queues = now;
                        lastProgress = System.nanoTime();
                    }
                    lastProgress = Math.max(lastProgress, flooder.lastProgress());
                } while (!ended && System.nanoTime() - lastProgress < limit.toNanos()
                        && System.nanoTime() - began < FLOOD_CAP.toNanos());
                if (!ended) {
                    throw CheckFailed.when("connected a client that sends frames and never reads the replies, to a "
                                    + "server started with " + ServerUnderCheck.show(limits))
                            .expected("your server to close that connection once a reply had waited "
                                    + limits.write().toMillis() + " ms (the kit allows " + LabCode.seconds(limit)
                                    + " from the moment your server stopped reading from it)")
                            .got("the connection was still open: your server's conversation was still blocked in "
                                    + "a write")
                            .wire(wire)
                            .next("reply(): a blocked write has no timeout. Schedule an alarm before the write "
                                    + "(watchdog.schedule(() -> close the client, limits.write())), and cancel it "
                                    + "after.\n" + server.logForMessage())
                            .build();
                }
                server.awaitLogLines(1, WAIT);
                exchangeFresh(server, "after the cut", "a client that never read was cut off");
                if (!pollUntil(() -> server.openSockets() == 0)) {
                    int count = server.openSockets();
                    throw CheckFailed.when("cut off a client that never read, and looked at your server's `open` set")
                            .expected("no socket left in it: no conversation is in progress")
                            .got(count < 0 ? "no `open` set of sockets in your FrameServer" : count + " sockets")
                            .wire(wire)
                            .next("converse(): the conversation must end when the watchdog closes its socket: "
                                    + "the blocked write throws, converse() catches it, and the finally block "
                                    + "removes the socket from `open`.")
                            .build();
                }
                if (Inspector.available() && !pollUntil(() -> Inspector.tcpRowsBetween(server.port(), flooderPort).isEmpty())) {
                    throw CheckFailed.when("cut off a client that never read, and looked at the kernel's table")
                            .expected("no row left for your server's side of that connection")
                            .got(rowsOfServerSide(server, flooderPort).strip())
                            .wire(wire)
                            .next("the watchdog must close the socket itself (client.close()), not only its output.")
                            .build();
                }
                server.closeServer();
                expectOneLinePerPeer(server, List.of(new Peer(HOST, flooderPort)), "cut off a client that never "
                        + "read, then closed the server");
            }
        }
    }

    @Test
    @Order(7)
    @Hint("The write deadline is the one start() is given, in limits.write(): here it is 4 s, and a client "
            + "that never reads must keep its connection for at least those 4 s (the server's write cannot "
            + "block before the client connects). A number of your own, or the request deadline used for the "
            + "write, cuts it off too early. Lesson 09, \"A peer that never reads\".")
    @DisplayName("The write deadline is the one start() was given")
    void the_write_deadline_is_the_one_start_was_given() throws Exception {
        var limits = new Limits(Duration.ofSeconds(1), Duration.ofSeconds(4));
        try (var server = ServerUnderCheck.start(limits)) {
            exchangeFresh(server, "before", null);
            long connecting = System.nanoTime();
            try (var flooder = new Flooder(HOST, server.port())) {
                long wait = limits.write().minus(EARLY_MARGIN).toMillis()
                        - Duration.ofNanos(System.nanoTime() - connecting).toMillis();
                if (flooder.awaitEnded(Math.max(1, wait))
                        && System.nanoTime() - connecting < limits.write().minus(EARLY_MARGIN).toNanos()) {
                    throw CheckFailed.when("connected a client that sends frames and never reads the replies, to a "
                                    + "server started with " + ServerUnderCheck.show(limits))
                            .expected("the connection to stay open for at least " + limits.write().toMillis()
                                    + " ms: a reply may wait that long")
                            .got("your server cut it off before those " + limits.write().toMillis() + " ms had "
                                    + "passed")
                            .next("reply(): the watchdog's alarm goes off after limits.write(), in the unit you "
                                    + "schedule it in (schedule(task, limits.write().toMillis(), MILLISECONDS)); "
                                    + "not after the request deadline, and not after a number of your own.")
                            .build();
                }
            }
        }
    }

    @Test
    @Order(8)
    @Hint("Frames.write sends a reply in two writes. Without TCP_NODELAY, Nagle's algorithm holds the second "
            + "piece until the first is acknowledged, and the client delays that ACK (it has nothing to send "
            + "back yet): about 40 ms per reply on Linux. converse(): client.setTcpNoDelay(true) on the ACCEPTED "
            + "socket before the first reply. The check times your server against a server of its own that sets "
            + "it, round for round, and fails only when yours is slower than 20 ms AND 4 times that server. "
            + "Lesson 09, \"Nagle and the delayed ACK\".")
    @DisplayName("Replies come without the Nagle stall: TCP_NODELAY is on")
    void replies_come_without_the_nagle_stall() throws Exception {
        var rounds = new Transcript();
        try (var server = ServerUnderCheck.start(PATIENT);
             var baseline = new NoDelayServer();
             var learners = ScriptedClient.connect(HOST, server.port(), rounds, WAIT);
             var theirs = ScriptedClient.connect(HOST, baseline.port(), rounds, WAIT)) {
            long[] yours = new long[NAGLE_ROUNDS];
            long[] base = new long[NAGLE_ROUNDS];
            // A few rounds first: Linux acknowledges at once for the first segments of a connection.
            for (int i = -NAGLE_WARM_UP; i < NAGLE_ROUNDS; i++) {
                long a = timedExchange(server, learners, "round " + i);
                long b = timedExchange(null, theirs, "round " + i);
                if (i >= 0) {
                    yours[i] = a;
                    base[i] = b;
                }
            }
            long yourMedian = median(yours);
            long baseMedian = median(base);
            if (yourMedian > NAGLE_FLOOR.toNanos() && yourMedian > 4 * baseMedian) {
                throw CheckFailed.when("timed " + NAGLE_ROUNDS + " round trips (one frame, one reply) with your "
                                + "server and as many with a server of the kit's that sets TCP_NODELAY, taking "
                                + "turns")
                        .expected("your median round trip under " + NAGLE_FLOOR.toMillis() + " ms, or under 4 times "
                                + "the kit's server's")
                        .got("yours above both: most replies stall, as Nagle's algorithm and a delayed ACK make "
                                + "them (about 40 ms each on Linux)")
                        .next("converse(): client.setTcpNoDelay(true) on the accepted socket, before the first "
                                + "reply; Frames.write sends each reply in two pieces, and without it the second "
                                + "waits for the ACK of the first.")
                        .build();
            }
        }
    }

    @Test
    @Order(9)
    @Hint("SO_KEEPALIVE makes the kernel probe a connection that has been idle for long, so a client that vanished "
            + "without a FIN (a cable pulled, a machine switched off) is found and its conversation ends. "
            + "converse(): client.setKeepAlive(true) on every ACCEPTED socket. The check reads the kernel's table "
            + "(/proc/net/tcp): a connection with keepalive on has its keepalive timer running (timer 2). Lesson 09, "
            + "\"Keepalive\".")
    @DisplayName("Every accepted connection has SO_KEEPALIVE on")
    void every_accepted_connection_has_so_keepalive_on() throws IOException {
        Assumptions.assumeTrue(Inspector.available() && KernelColumns.available(),
                "the kernel's table of TCP connections (/proc/net/tcp) is not readable here");
        try (var server = ServerUnderCheck.start(PATIENT);
             var first = connect(server.port());
             var second = connect(server.port())) {
            for (var c : List.of(first, second)) {
                exchange(server, c, "keep me alive");
            }
            for (var c : List.of(first, second)) {
                int kitPort = c.socket().getLocalPort();
                if (!pollUntil(() -> KernelColumns.timer(server.port(), kitPort).orElse(-1) == KernelColumns.KEEPALIVE)) {
                    var timer = KernelColumns.timer(server.port(), kitPort);
                    throw CheckFailed.when("connected a client, exchanged a frame, and read the timer of your "
                                    + "server's side of that connection in /proc/net/tcp")
                            .expected("timer 2, the keepalive timer: SO_KEEPALIVE is on")
                            .got(timer.isEmpty() ? "no row for that connection"
                                    : "timer " + timer.get()
                                    + (timer.get() == 0 ? " (none running: no keepalive)" : ""))
                            .wire(wire)
                            .next("converse(): client.setKeepAlive(true) on the accepted socket, for every client.")
                            .build();
                }
            }
        }
    }

    /** How far past its deadline a correct server may cut off a trickling client on a loaded machine. */
    private static final Duration TRICKLE_SLACK = Duration.ofSeconds(3);
    /** How far past the write deadline a correct server may cut off a client that never reads. */
    private static final Duration FLOOD_SLACK = Duration.ofSeconds(3);
    /** How long the kit lets a client that never reads go on at most, whatever the server does. */
    private static final Duration FLOOD_CAP = Duration.ofSeconds(20);
    /** A connection that ends this much before its deadline ended early for certain. */
    private static final Duration EARLY_MARGIN = Duration.ofMillis(50);
    private static final Duration TRICKLE = Duration.ofMillis(200);
    private static final int NAGLE_ROUNDS = 21;
    private static final int NAGLE_WARM_UP = 4;
    private static final Duration NAGLE_FLOOR = Duration.ofMillis(20);

    /**
     * Sends one byte of a frame every {@link #TRICKLE} until the server closes the connection (returns the
     * {@code nanoTime} the kit saw it) or {@code limit} has passed since {@code from} (returns -1). With
     * {@code othersMeanwhile}, a new client exchanges a frame in every round: it must be served all along.
     */
    private long trickle(ServerUnderCheck server, Conversation trickler, long from, Duration limit,
            boolean othersMeanwhile) throws IOException {
        // The trickler's own transcript is not shown: how many bytes fit in a wait depends on the machine's load.
        byte[] frame = Frame.of("one byte at a time, for ever");
        for (int i = 0; ; i++) {
            long left = from + limit.toNanos() - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            try {
                trickler.send(new byte[] {frame[i % Frame.SIZE]});
            } catch (IOException closed) {
                return System.nanoTime();         // a reset from a server that closed already
            }
            Received r = trickler.read(1, Duration.ofNanos(Math.min(left, TRICKLE.toNanos())));
            if (r.ending() == Ending.CLOSED || r.ending() == Ending.RESET) {
                return System.nanoTime();
            }
            if (r.ending() == Ending.COMPLETE) {
                throw CheckFailed.when("sent a frame one byte at a time, " + (i + 1) + " bytes so far")
                        .expected("no reply: the frame is not complete")
                        .got(describe(r))
                        .wire(trickler.wire())
                        .next("readBefore(): a reply only once all 128 bytes of a frame have come.")
                        .build();
            }
            if (othersMeanwhile && i % 2 == 1) {
                exchangeFresh(server, "meanwhile " + i, "another client sends one byte every 200 ms");
            }
        }
    }

    /** A connection cut off less than its deadline after the kit began to connect was cut off early. */
    private void expectNotEarly(long tookNanos, Duration deadline, String who) {
        if (tookNanos < deadline.minus(EARLY_MARGIN).toNanos()) {
            throw CheckFailed.when("connected " + who + " to a server started with a request deadline of "
                            + deadline.toMillis() + " ms")
                    .expected("the connection to stay open for at least those " + deadline.toMillis() + " ms")
                    .got("your server closed it before those " + deadline.toMillis() + " ms had passed")
                    .next("converse(): the deadline is System.nanoTime() + limits.request().toNanos(); readBefore() "
                            + "gives each read the time LEFT until it (in ms). A number of your own, or a unit slip, "
                            + "cuts clients off early.")
                    .build();
        }
    }

    /** One exchange, timed in ns; {@code server} null for the kit's own server. */
    private long timedExchange(ServerUnderCheck server, Conversation c, String text) throws IOException {
        long start = System.nanoTime();
        c.send(Frame.of(text));
        Received r = c.read(Frame.SIZE, WAIT);
        long took = System.nanoTime() - start;
        if (r.ending() != Ending.COMPLETE || !Arrays.equals(r.bytes(), Frame.of(text + " *_*"))) {
            throw CheckFailed.when("sent one frame " + Transcript.quote(text) + " to " + (server == null
                            ? "the kit's own server" : "your server") + " in a series of timed round trips")
                    .expected("the reply " + Transcript.quote(text + " *_*"))
                    .got(describe(r))
                    .next(server == null ? "this is the kit's fault, not yours: run the check again"
                            : server.whyNoAnswer())
                    .build();
        }
        return took;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Test
    @Order(10)
    @Hint("When a client closes (readBefore returns null), its conversation must close the accepted socket, "
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
                            .next("converse(): when readBefore returns null the client has closed; leave the loop "
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
                        .next("converse(): log only in the catch for IOException; readBefore returning null is the "
                                + "normal end of a conversation.")
                        .build();
            }
        }
    }

    @Test
    @Order(11)
    @Hint("A client that resets, leaves in the middle of a frame, or sends nothing before the request deadline "
            + "ends ITS conversation, with one line in the log that names it (client.getRemoteSocketAddress()), "
            + "and nobody else's. The first frame's deadline counts from the start of the conversation, so a "
            + "silent client is cut off too. Catch IOException in converse() around that one conversation, and "
            + "close its socket. Likely causes: a deadline that starts only with a frame's first byte; an "
            + "exception that escapes and ends the accept loop; a log line that names the server's own address. "
            + "Lesson 09, \"A deadline, not a timeout\"; Lesson 05, \"Resets\".")
    @DisplayName("A client that goes wrong costs one log line, and no one else anything")
    void a_client_that_goes_wrong_costs_one_log_line_and_no_one_else_anything() throws IOException {
        Duration request = Duration.ofMillis(1000);
        try (var server = ServerUnderCheck.start(new Limits(request, PATIENT.write()))) {
            int port = server.port();
            // A new client for every exchange of the well-behaved side: each has its own fresh deadline, so none
            // of them can be cut off by a check that runs long on a busy machine.
            exchangeFresh(server, "before", null);
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
                exchangeFresh(server, "after a reset", "another client reset its connection");
                leaver.send(Arrays.copyOf(Frame.of("half a frame"), 50));
                leaver.shutdownOutput();
                Received half = leaver.read(Frame.SIZE, WAIT);
                if (half.bytes().length > 0 || half.ending() == Ending.TIMED_OUT) {
                    throw CheckFailed.when("sent 50 bytes of a frame and then closed its sending side")
                            .expected("no reply (half a frame is no message), and your server closing its side")
                            .got(describe(half))
                            .wire(wire)
                            .next("readBefore(): a read returns -1 after some bytes of a frame: throw an "
                                    + "EOFException; converse() catches IOException, logs one "
                                    + "line, and try-with-resources closes the socket.")
                            .build();
                }
                server.awaitLogLines(2, WAIT);
                exchangeFresh(server, "after a half frame", "another client left in the middle of a frame");
                // Others go on talking while the silent client waits for its deadline.
                Duration limit = request.multipliedBy(10);
                long deadline = System.nanoTime() + limit.toNanos();
                Received dropped;
                int round = 0;
                do {
                    exchangeFresh(server, "meanwhile " + ++round, "another client is silent");
                    dropped = silent.read(1, Duration.ofMillis(100));
                } while (dropped.ending() == Ending.TIMED_OUT && System.nanoTime() < deadline);
                if (dropped.ending() != Ending.CLOSED && dropped.ending() != Ending.RESET) {
                    throw CheckFailed.when("connected a client that says nothing to a server started with a "
                                    + "request deadline of " + request.toMillis() + " ms")
                            .expected("your server to close that connection within " + LabCode.seconds(limit))
                            .got(describe(dropped, limit) + " (other clients talked meanwhile)")
                            .wire(wire)
                            .next("converse(): the first frame's deadline is System.nanoTime() + "
                                    + "limits.request().toNanos(), taken when the conversation starts, not when the "
                                    + "first byte comes; readBefore sets client.setSoTimeout(the time left) before "
                                    + "EVERY read, the first one too.")
                            .build();
                }
                // Its line comes after the close the kit saw (try-with-resources closes first). Wait for it before
                // close(): a line still unwritten when close() sets `closing` would be held back, as it should be
                // for the trouble close() itself causes, and a busy machine would make a correct server fail here.
                server.awaitLogLines(3, WAIT);
                exchangeFresh(server, "after a silence", "another client was dropped for its silence");
            }
            // Everyone has gone: once close() has waited for the conversations' threads, every line is written.
            server.closeServer();
            expectOneLinePerPeer(server, peers, "made one client reset, one leave in the middle of a frame and one "
                    + "stay silent past the request deadline, while others talked; then closed the server");
        }
    }

    @Test
    @Order(12)
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
                            .next("converse(): close the socket when readBefore returns null.")
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
    @Order(13)
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
                        // Not the lines themselves: whether close() caught a conversation in a read, a write or
                        // between the two (SocketException: "Socket closed" or "Socket is closed") is timing.
                        .got(server.logLines().size() + " line(s) about the clients that close() cut off")
                        .wire(wire)
                        .next("converse(): the read (or write) that close() interrupts throws SocketException; "
                                + "log it only when `closing` is not set (close() sets it before it closes "
                                + "anything).")
                        .build();
            }
        }
    }

    @Test
    @Order(14)
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
    @Order(15)
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
        List<Thread> watchdogsBefore = newWatchdogs(List.of());
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
            // The watchdog's thread waits in its scheduler's queue, with none of the server's code on its stack: it is
            // known by the name the given constructor gives it.
            if (!pollUntil(() -> newWatchdogs(watchdogsBefore).isEmpty())) {
                throw CheckFailed.when("served six clients and called close()")
                        .expected("the watchdog's thread (\"frame-watchdog\") to have ended too")
                        .got("it still runs")
                        .next("close(): end it with watchdog.shutdownNow(), once the conversations are over.")
                        .build();
            }
        }
    }

    /** The watchdog threads (named by the given constructor) alive now that are not in {@code before}. */
    private static List<Thread> newWatchdogs(List<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("frame-watchdog") && t.isAlive() && !before.contains(t)).toList();
    }

    private static List<Thread> newThreads(List<Thread> before) {
        var now = new ArrayList<>(ServerUnderCheck.serverThreads());
        now.removeAll(before);
        return now;
    }

    @Test
    @Order(16)
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
    @Order(17)
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
    @Order(18)
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
    @Order(19)
    @Hint("run() is given finished, and follows the kit's convention (Lesson 02): a usage error (not two "
            + "arguments, an <ip> that is no IP address, a <port> that is not a number from 0 to 65535) is exit "
            + "code 2, with a line holding \"Usage: FrameServer <ip> <port>\" on err and nothing on out; a port in "
            + "use is exit code 1 with one line on err naming the address and port. If this fails, run() was "
            + "changed, or start() does not throw an IOException as it is: `git diff labs/src/main/java/tcplab/lab09` "
            + "shows how. Lesson 09, \"The lab\".")
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
    @Order(20)
    @Hint("run() is given: it prints \"listening on <ip>:<port> (Ctrl-D stops it)\", serves until its standard "
            + "input ends, then calls stop(), prints \"stopped listening; …\", waits for the conversations in "
            + "progress with awaitStopped(), and closes. So the listener must be gone right after stop(), while "
            + "the clients being served still get their replies; the program returns 0 once they have closed. "
            + "Lesson 09, \"The lab\".")
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
                                .next("converse(): close the socket when readBefore returns null.")
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
                        .got("it was still running after " + LabCode.seconds(WAIT) + "\n"
                                + program.state())
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

    /**
     * One exchange on a new connection of its own, which then closes politely: a client with a fresh deadline. Its
     * bytes are kept apart from the check's wire (how many such rounds fit in a wait depends on the machine's
     * load), and shown only if this exchange fails.
     */
    private void exchangeFresh(ServerUnderCheck server, String text, String event) throws IOException {
        try (var fresh = ScriptedClient.connect(HOST, server.port(), Transcript.joiningReads(), WAIT)) {
            exchange(server, fresh, text, event);
            fresh.shutdownOutput();
            fresh.read(1, WAIT);
        }
    }

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
                    + "frames until readBefore returns null" + (event == null ? "." : "; and what happened to "
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
                .wire(c.wire())
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
