package tcplab.lab04;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcplab.kit.CheckFailed;
import tcplab.kit.Conversation;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.ProgramRun;
import tcplab.kit.ScriptedClient;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;

/**
 * The learner's server, running in the background while a check plays the client.
 *
 * <p>{@code Server.run} goes through {@link LabCode} on a thread of its own (so the check's thread is free to
 * connect), with an output stream the check watches for the {@code listening on <address>:<port>} line: that is
 * how a check learns the port when the server was started with port 0. Every kit socket opened through
 * {@link #connect} is handed to LabCode as something to close if the server never finishes, which is what
 * unblocks a server stuck in accept or read.
 *
 * <p>{@link #with} sets up the odd runs: an {@code out} that buffers (so a missing flush shows), and actions run
 * on the server's own thread the moment it has printed a given line (so a check can act at a known step).
 */
final class RunningServer implements AutoCloseable {

    /** The line a server prints once it listens; the port is the number after the last colon. */
    static final Pattern LISTENING = Pattern.compile("listening on (.*):(\\d+)\\s*$", Pattern.MULTILINE);

    private final List<String> args;
    private final Duration limit;
    private final WatchedOutput out;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<AutoCloseable> kitSockets = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile int port;
    private volatile List<Inspector.Row> rowsAtReturn = List.of();
    private volatile long returnedAt;
    private volatile Throwable thrown;
    private volatile String outAtReturn;

    private RunningServer(List<String> args, Duration limit, WatchedOutput out) {
        this.args = args;
        this.limit = limit;
        this.out = out;
    }

    /** Starts {@code Server.run(args, …, acceptTimeout, readTimeout)}, giving it {@code limit} in all. */
    static RunningServer start(Duration limit, Duration acceptTimeout, Duration readTimeout, String... args) {
        return with(limit, acceptTimeout, readTimeout).start(args);
    }

    /** A server to start with more settings than {@link #start}. */
    static Setup with(Duration limit, Duration acceptTimeout, Duration readTimeout) {
        return new Setup(limit, acceptTimeout, readTimeout);
    }

    /** The settings of one run; {@link #start} starts it. */
    static final class Setup {
        private final Duration limit;
        private final Duration acceptTimeout;
        private final Duration readTimeout;
        private final List<WatchedOutput.OnLine> onLines = new ArrayList<>();
        private boolean buffered;

        private Setup(Duration limit, Duration acceptTimeout, Duration readTimeout) {
            this.limit = limit;
            this.acceptTimeout = acceptTimeout;
            this.readTimeout = readTimeout;
        }

        /**
         * Gives the server an {@code out} that keeps what it prints in an 8 KiB buffer until it flushes, as a
         * PrintStream over a file or a pipe does. What is still buffered when run returns is flushed then.
         */
        Setup bufferedOut() {
            buffered = true;
            return this;
        }

        /** Runs {@code action} on the server's thread once it has printed a whole line starting with {@code start}. */
        Setup onLine(String start, Runnable action) {
            onLines.add(new WatchedOutput.OnLine(start, action));
            return this;
        }

        RunningServer start(String... args) {
            return RunningServer.start(this, args);
        }
    }

    private static RunningServer start(Setup setup, String... args) {
        Duration limit = setup.limit;
        Duration acceptTimeout = setup.acceptTimeout;
        Duration readTimeout = setup.readTimeout;
        var server = new RunningServer(List.of(args), limit, new WatchedOutput(setup.onLines));
        var outStream = setup.buffered
                ? new PrintStream(new BufferedOutputStream(server.out, 8192), false, StandardCharsets.UTF_8)
                : new PrintStream(server.out, true, StandardCharsets.UTF_8);
        var errStream = new PrintStream(server.err, true, StandardCharsets.UTF_8);
        AutoCloseable kitSide = () -> {
            Sockets.closeAll(server.kitSockets.toArray(AutoCloseable[]::new));
            server.poke();
        };
        Thread t = new Thread(() -> {
            String doing = "ran your server with arguments " + List.of(args);
            try {
                LabCode.Outcome<Integer> outcome = LabCode.outcome(doing, limit,
                        () -> {
                            int exitCode = Server.run(args.clone(), InputStream.nullInputStream(), outStream, errStream,
                                    acceptTimeout, readTimeout);
                            server.snapshot();
                            outStream.flush();
                            return exitCode;
                        },
                        kitSide);
                if (outcome.threw()) {
                    server.thrown = outcome.thrown();
                    server.exit.completeExceptionally(server.escaped(doing, outcome.thrown()));
                } else {
                    server.exit.complete(outcome.value());
                }
            } catch (Throwable e) {
                server.exit.completeExceptionally(e);
            }
        }, "lab04-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    /** An exception that left run: a person running the server would see a stack trace and no exit code. */
    private CheckFailed escaped(String doing, Throwable t) {
        return CheckFailed.when(doing)
                .expected("run to return an exit code (1, with one plain line on stderr, when something goes wrong)")
                .got("run threw " + t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                        + "\nat " + LabCode.where(t.getStackTrace())
                        + "\n(a person running your server would see a stack trace)")
                .next((t instanceof IOException
                        ? "catch it in run (around readFrame and the write): an EOFException means the client left "
                        + "before a whole frame came, another IOException that the connection broke. Print one "
                        + "line on err and return 1."
                        : "this exception is not the network saying no: it is a bug at the line above. With "
                        + "these arguments, what does that line get?")
                        + "\nyour server printed so far: " + printedSoFar())
                .cause(t)
                .build();
    }

    /** Waits for the "listening on …" line and returns the port it names; fails the check if none comes. */
    int awaitListening(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(out.text());
            if (m.find()) {
                String atReturn = outAtReturn;
                if (atReturn != null && !LISTENING.matcher(atReturn).find()) {
                    throw CheckFailed.when("started your server with arguments " + args + ", with an out that "
                                    + "buffers what it is given until it is flushed")
                            .expected("the line \"listening on <address>:<port>\" while the server waits for a client")
                            .got("it reached out only when run returned and the check flushed out:\n" + finish().describe())
                            .next("call out.flush() right after printing the line: whoever started your server is "
                                    + "waiting for it, and out may be buffered (System.out happens to flush at each "
                                    + "println; a PrintStream over a file or a pipe does not)")
                            .build();
                }
                port = Integer.parseInt(m.group(2));
                return port;
            }
            if (exit.isDone()) {
                ProgramRun run = finish();
                throw CheckFailed.when("started your server with arguments " + args)
                        .expected("a line \"listening on <address>:<port>\", and then the server waiting for a client")
                        .got("the server ended without that line:\n" + run.describe())
                        .next("print the line right after bind, with the port the listener really got "
                                + "(ServerSocket.getLocalPort()), before accept")
                        .build();
            }
            sleep(5);
        }
        throw CheckFailed.when("started your server with arguments " + args)
                .expected("a line \"listening on <address>:<port>\" within " + LabCode.seconds(limit))
                .got("stdout so far: " + (out.text().isEmpty() ? "(nothing)" : Transcript.quote(out.text())))
                .next("print \"listening on \" + address + \":\" + port before you call accept(): accept waits, "
                        + "and a line printed after it comes too late")
                .build();
    }

    /** Connects a kit client to the server; the socket is closed by {@link #close} and by a time-out. */
    Conversation connect(String host, int port, Transcript wire) {
        Conversation c = ScriptedClient.connect(host, port, wire, Duration.ofSeconds(2));
        kitSockets.add(c);
        return c;
    }

    /** Like {@link #connect}, from {@code localIp} (port 0), so the client's end differs from the server's. */
    Conversation connectFrom(String localIp, String host, int port, Transcript wire) {
        Conversation c = ScriptedClient.connectFrom(localIp, host, port, wire, Duration.ofSeconds(2));
        kitSockets.add(c);
        return c;
    }

    /**
     * Waits for {@code run} to return and gives what it printed. LabCode ends the run within its limit (closing the
     * kit's sockets to unblock it), so this never waits long; a time-out or an exception fails the check.
     */
    ProgramRun finish() {
        try {
            int code = exit.get(limit.toMillis() + 5000, TimeUnit.MILLISECONDS);
            return new ProgramRun(args, code, out.text(), err.toString(StandardCharsets.UTF_8));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the server's thread did not end even after its time limit");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the kernel had on the server's port the moment {@code run} returned. Taken at once, on the server's own
     * thread: a socket the learner forgot to close is closed anyway by the garbage collector, at some later time.
     */
    private void snapshot() {
        returnedAt = System.nanoTime();
        outAtReturn = out.text();
        if (port > 0 && Inspector.available()) {
            // This process's sockets only: another program may have the same port number on another address.
            rowsAtReturn = Inspector.ownTcp().stream()
                    .filter(r -> r.local().getPort() == port || r.remote().getPort() == port).toList();
        }
    }

    /** {@link System#nanoTime()} when run returned (after {@link #finish}); 0 if it never did. */
    long returnedAt() {
        return returnedAt;
    }

    /** The TCP rows with the server's port, as they were when {@code run} returned (after {@link #finish}). */
    List<Inspector.Row> rowsAtReturn() {
        return rowsAtReturn;
    }

    /**
     * Unblocks a server stuck in accept(): nothing but a connection (or closing the listener, which only the
     * server holds) ends an accept without a timeout. The kit connects to whatever still listens and resets at
     * once, so a server that then reads sees "Connection reset" and can return; this works even when the server
     * printed a wrong port.
     */
    private void poke() {
        Sockets.wakeListeners();
    }

    /** Waits at most {@code d} for run to end, however it ends; the caller then looks at what it left. */
    void awaitEnd(Duration d) {
        try {
            exit.get(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Ended with an exception, or still running: thrownSoFar() and printedSoFar() say which.
        }
    }

    /** What escaped run, once it has (a stack trace for a person running the server); null if nothing did. */
    String thrownSoFar() {
        Throwable t = thrown;
        return t == null ? null : t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                + " at " + LabCode.where(t.getStackTrace());
    }

    String outSoFar() {
        return out.text();
    }

    /** Both streams so far, for a failure message written while the server may still run. */
    String printedSoFar() {
        String e;
        synchronized (err) {
            e = err.toString(StandardCharsets.UTF_8);
        }
        return "stdout " + (out.text().isEmpty() ? "(nothing)" : Transcript.quote(out.text()))
                + ", stderr " + (e.isEmpty() ? "(nothing)" : Transcript.quote(e));
    }

    /** Closes the kit's sockets and, if the server is still running (a check failed early), unblocks it. */
    @Override
    public void close() {
        Sockets.closeAll(kitSockets.toArray(AutoCloseable[]::new));
        if (!exit.isDone()) {
            poke();
        }
    }

    /**
     * What the server prints, readable while it runs; runs each {@link OnLine} action on the writing thread once a
     * whole line starting with its text is in.
     */
    private static final class WatchedOutput extends OutputStream {

        record OnLine(String start, Runnable action) {}

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<OnLine> waiting;

        WatchedOutput(List<OnLine> onLines) {
            this.waiting = new ArrayList<>(onLines);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            List<OnLine> due = new ArrayList<>();
            synchronized (this) {
                bytes.write(b, off, len);
                String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
                for (OnLine o : List.copyOf(waiting)) {
                    for (int i = 0; i < lines.length - 1; i++) { // the last piece is not a whole line yet
                        if (lines[i].startsWith(o.start())) {
                            waiting.remove(o);
                            due.add(o);
                            break;
                        }
                    }
                }
            }
            due.forEach(o -> o.action().run()); // outside the lock: the check reads text() meanwhile
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
