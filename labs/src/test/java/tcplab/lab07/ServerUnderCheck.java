package tcplab.lab07;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcplab.kit.CheckFailed;
import tcplab.kit.LabCode;

/**
 * The learner's {@link StoreServer} as the checks hold it: every call goes through {@link LabCode} with a short
 * limit, its log is kept for the failure messages, and closing it never hangs the check, whatever the learner's
 * {@code close()} does.
 */
final class ServerUnderCheck implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    private static final Duration CALL = Duration.ofSeconds(2);
    /** How many lines of the server's log a failure message shows. */
    private static final int LOG_LINES = 8;

    private static final String START_HINT = "start() must not accept or serve itself: it starts the thread made "
            + "in the constructor (serving.start()) and returns; serve() runs on that thread. (serving.run() would run "
            + "serve() right there, on the caller's thread.)";

    /** Set when start() did not return: later checks then fail at once instead of waiting for it again. */
    private static volatile CheckFailed startHung;

    private final StoreServer server;
    private final ServerLog logBytes;
    /** The threads that ran the learner's code before this server started: an earlier check's, not this one's. */
    private final List<Thread> threadsBefore;

    private ServerUnderCheck(StoreServer server, ServerLog logBytes, List<Thread> threadsBefore) {
        this.server = server;
        this.logBytes = logBytes;
        this.threadsBefore = threadsBefore;
    }

    /** Starts the learner's server on loopback, port 0, with {@code readTimeout}. */
    static ServerUnderCheck start(Duration readTimeout) {
        return start(HOST, readTimeout, false);
    }

    /**
     * Starts the learner's server on {@code host}, port 0, with {@code readTimeout}. With {@code holdTheLog}, the
     * server's thread is held in its first {@code log.println} until {@link #releaseLog()}: a check can then act
     * while that thread is certainly still alive.
     */
    static ServerUnderCheck start(String host, Duration readTimeout, boolean holdTheLog) {
        return start(host, readTimeout, holdTheLog, false);
    }

    /**
     * Starts the learner's server from a plain thread, not a daemon. A new thread inherits its creator's daemon
     * status: only a server started this way, as a program's main() starts it, shows whether the server's thread
     * is made a daemon on purpose.
     */
    static ServerUnderCheck startFromAPlainThread(Duration readTimeout) {
        return start(HOST, readTimeout, false, true);
    }

    private static ServerUnderCheck start(String host, Duration readTimeout, boolean holdTheLog,
            boolean fromAPlainThread) {
        List<Thread> threadsBefore = serverThreads();
        var bytes = new ServerLog(holdTheLog);
        var log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String doing = "started your server with StoreServer.start(\"" + host + "\", 0, " + readTimeout.toMillis()
                + " ms, log)";
        if (startHung != null) {
            throw CheckFailed.when(doing).expected("start() to return at once")
                    .got("not called again: in an earlier check it did not return (see the first failure)")
                    .next(START_HINT).build();
        }
        StoreServer server;
        try {
            LabCode.Call<StoreServer> starting = () -> StoreServer.start(host, 0, readTimeout, log);
            server = fromAPlainThread ? callFromAPlainThread(doing, starting) : LabCode.call(doing, CALL, starting);
        } catch (CheckFailed failed) {
            if (String.valueOf(failed.getMessage()).contains("still running")) {
                startHung = failed;
                throw CheckFailed.when(doing)
                        .expected("start() to return at once, with the server running on a thread of its own")
                        .got(gotPart(failed.getMessage()))
                        .next(START_HINT)
                        .cause(failed)
                        .build();
            }
            throw failed;
        }
        if (server == null) {
            throw CheckFailed.when(doing).expected("a running StoreServer").got("null")
                    .next("start() must return the server it started").build();
        }
        return new ServerUnderCheck(server, bytes, threadsBefore);
    }

    /** Like {@link LabCode#call}, on a thread that is not a daemon (and is woken as LabCode does if it hangs). */
    private static StoreServer callFromAPlainThread(String doing, LabCode.Call<StoreServer> code) {
        var result = new java.util.concurrent.CompletableFuture<StoreServer>();
        Thread plain = new Thread(() -> {
            try {
                result.complete(code.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "a-plain-thread");
        plain.setDaemon(false);
        plain.start();
        // LabCode gives the verdict (a stub, an exception, a time-out, with the line it was stuck on); it waits
        // for the plain thread's result, and on a time-out wakes the listeners that thread may be blocked on.
        return LabCode.call(doing, CALL, () -> {
            try {
                return result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
        }, plain::interrupt);
    }

    /** The threads running the learner's code that this server started (not an earlier check's). */
    List<Thread> threads() {
        var now = new ArrayList<>(serverThreads());
        now.removeAll(threadsBefore);
        return now;
    }

    /** The "got:" part of a kit failure message, to tell it again in a clearer failure. */
    private static String gotPart(String message) {
        int from = message.indexOf("got:");
        int to = message.indexOf("look at:");
        if (from < 0) {
            return message;
        }
        String got = message.substring(from + 4, to > from ? to : message.length());
        return got.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.contains("kept running"))
                .reduce((x, y) -> x + "\n" + y).orElse("");
    }

    int port() {
        String doing = "asked your server for its port()";
        int port = LabCode.call(doing, CALL, server::port, this);
        if (port <= 0) {
            throw CheckFailed.when(doing).expected("the port the listener is bound to, above 0").got(port + "")
                    .next("start(): is the ServerSocket bound before start returns? An unbound one says -1.")
                    .build();
        }
        return port;
    }

    /**
     * Waits up to {@code limit} until one of the server's threads is blocked in {@code ServerSocket.accept()}, so
     * that what stop() does to it is the same on every run (a listener closed before the thread reached accept()
     * gives another message), and returns that thread. Never fails: a server that never gets there is judged by
     * the check itself.
     */
    Optional<Thread> awaitWaitingInAccept(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            for (var entry : Thread.getAllStackTraces().entrySet()) {
                boolean inAccept = false;
                boolean learners = false;
                for (StackTraceElement e : entry.getValue()) {
                    inAccept |= e.getClassName().equals("java.net.ServerSocket") && e.getMethodName().equals("accept");
                    learners |= e.getClassName().startsWith(StoreServer.class.getName());
                }
                if (inAccept && learners) {
                    return Optional.of(entry.getKey());
                }
            }
        } while (System.nanoTime() < deadline && pause());
        return Optional.empty();
    }

    /**
     * The threads that are running the learner's code right now, other than the kit's own (the one that calls
     * into it for a check, the one that closes it): the server's thread, the conversations' threads (made by the
     * given {@link Threads}, virtual ones included, whether busy or idle in a pool), and any the learner made.
     */
    static List<Thread> serverThreads() {
        // The conversations' threads (virtual ones too, which no stack-trace listing shows) ...
        var found = new ArrayList<Thread>(Threads.alive());
        // ... and every platform thread in the learner's code: the server's, and any the learner made.
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            Thread t = entry.getKey();
            if (t == Thread.currentThread() || t.getName().equals("lab-code")
                    || t.getName().equals("closing-your-server")) {
                continue;
            }
            for (StackTraceElement e : entry.getValue()) {
                if (e.getClassName().startsWith(StoreServer.class.getName()) && !found.contains(t)) {
                    found.add(t);
                    break;
                }
            }
        }
        return found;
    }

    /** Waits up to {@code limit} until the server's thread writes its first log line and is held there. */
    boolean awaitHeldInLog(Duration limit) {
        try {
            return logBytes.held.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lets a server's thread held in its log go on. */
    void releaseLog() {
        logBytes.release.countDown();
    }

    private static boolean pause() {
        try {
            Thread.sleep(5);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void stop() {
        LabCode.run("called stop() on your server", CALL, server::stop, this);
    }

    void closeServer() {
        LabCode.run("called close() on your server", CALL, server::close, this);
    }

    /**
     * Calls close() from a thread whose interrupt status is set, as when the thread that owns a server is being
     * shut down; returns whether the status is still set when close() returns.
     */
    boolean closeWhileInterrupted() {
        return LabCode.call("called close() on your server from a thread whose interrupt status was set", CALL, () -> {
            Thread.currentThread().interrupt();
            server.close();
            return Thread.interrupted();
        }, this);
    }

    /** Calls close() on a thread of its own and returns that thread at once: the check watches it wait. */
    Thread closeInBackground(java.util.concurrent.CompletableFuture<Void> done) {
        Thread closer = new Thread(() -> {
            try {
                server.close();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "closing-your-server");
        closer.setDaemon(true);
        closer.start();
        return closer;
    }

    /** Whether awaitStopped(limit) said the thread ended, and how long it took to say so. */
    record Awaited(boolean stopped, Duration took) {}

    Awaited timeAwaitStopped(Duration limit) {
        return LabCode.call("waited for your server's thread with awaitStopped(" + LabCode.seconds(limit) + ")",
                limit.plus(CALL), () -> {
                    long start = System.nanoTime();
                    boolean stopped = server.awaitStopped(limit);
                    return new Awaited(stopped, Duration.ofNanos(System.nanoTime() - start));
                }, this);
    }

    /** Whether the server's thread ended within {@code limit}. */
    boolean awaitStopped(Duration limit) {
        return LabCode.call("waited for your server's thread with awaitStopped(" + LabCode.seconds(limit) + ")",
                limit.plus(CALL), () -> server.awaitStopped(limit), this);
    }

    /** True if no thread runs the learner's server any more; used only to explain a failure, never throws. */
    boolean nothingRuns() {
        return threads().stream().noneMatch(Thread::isAlive);
    }

    /**
     * How many sockets the learner's {@code open} set holds (the stub declares it: the conversations in progress),
     * read through reflection since it is private; -1 if it is not there any more.
     */
    int openSockets() {
        try {
            var field = StoreServer.class.getDeclaredField("open");
            field.setAccessible(true);
            return ((java.util.Collection<?>) field.get(server)).size();
        } catch (ReflectiveOperationException | ClassCastException | NullPointerException e) {
            return -1;
        }
    }

    /** The server's own thread, the {@code serving} field the stub declares (private: through reflection), or null. */
    Thread servingThread() {
        try {
            var field = StoreServer.class.getDeclaredField("serving");
            field.setAccessible(true);
            return (Thread) field.get(server);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
    }

    /** The learner's thread that is blocked in accept() right now, if one is. */
    Optional<Thread> threadInAccept() {
        return awaitWaitingInAccept(Duration.ZERO);
    }

    /** What the server wrote to its log so far. */
    String log() {
        return logBytes.text();
    }

    /** Waits up to {@code limit} until the log holds at least {@code count} lines; never fails. */
    void awaitLogLines(int count, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (logLines().size() < count && System.nanoTime() < deadline && pause()) {
            // Polling the learner's own output: its thread writes the line when it is ready.
        }
    }

    /** The log's lines so far. */
    List<String> logLines() {
        return log().lines().toList();
    }

    /** The log as a learner reads it in a message: its first lines, so that a log that floods stays readable. */
    String logForMessage() {
        String log = log();
        if (log.isEmpty()) {
            return "(your server's log is empty)";
        }
        // Stack frames differ from one JDK to the next (line numbers inside java.base): one line stands for them.
        var lines = new java.util.ArrayList<String>();
        for (String line : log.strip().lines().toList()) {
            if (isStackLine(line)) {
                if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(STACK)) {
                    lines.add(STACK);
                }
            } else {
                lines.add(line);
            }
        }
        return "your server's log:\n" + String.join("\n", lines.subList(0, Math.min(lines.size(), LOG_LINES)))
                + (lines.size() > LOG_LINES ? "\n… (more lines)" : "");
    }

    /** True when the log holds a Java stack trace rather than one plain line per problem. */
    boolean logHasStackTrace() {
        return log().lines().anyMatch(l -> l.matches("^\\s+at [\\w.$/]+\\(.*") || l.startsWith("Caused by:"));
    }

    /**
     * The server's log. It keeps the first {@value #KEEP} bytes only, so a server that logs in a loop cannot fill
     * the heap; and once the check is over, such a server's next line throws, which ends a thread that would
     * otherwise spin (on a closed listener, say) for the rest of the grading.
     */
    private static final class ServerLog extends java.io.OutputStream {
        private static final int KEEP = 64 * 1024;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;
        private boolean checkIsOver;
        private final boolean holdAfterFirstLine;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        ServerLog(boolean holdAfterFirstLine) {
            this.holdAfterFirstLine = holdAfterFirstLine;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            boolean wholeLine;
            synchronized (this) {
                total += len;
                if (checkIsOver && total > KEEP) {
                    throw new IllegalStateException("the check is over and your server is still logging in a loop: "
                            + "the check ends its thread this way");
                }
                kept.write(b, off, Math.max(0, Math.min(len, KEEP - kept.size())));
                wholeLine = kept.toString(StandardCharsets.UTF_8).contains("\n");
            }
            // Hold the writer outside the lock, so the check can read the log meanwhile; never longer than the
            // check's own limits, so a check that forgets to release cannot hang the server for good.
            if (holdAfterFirstLine && wholeLine && release.getCount() > 0) {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        synchronized void checkIsOver() {
            checkIsOver = true;
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    private static final String STACK = "    … (a stack trace)";

    private static boolean isStackLine(String line) {
        return line.matches("^\\s+at [\\w.$/]+\\(.*") || line.matches("^\\s+\\.\\.\\. \\d+ more$");
    }

    /** What a silent server most likely means, for the "look at" line of a failure. */
    String whyNoAnswer() {
        if (nothingRuns()) {
            return "your server's threads have all ended: serve() returned or threw (a stack trace on the "
                    + "console says why).";
        }
        return "converse(): is every request read with Messages.read and answered with Messages.write(out, "
                + "answer(text).getBytes(UTF_8))? Messages.read must return as soon as a whole message is in (a "
                + "read that waits for more bytes than the message has never returns). An exception on a "
                + "conversation's thread is printed on the console.";
    }

    /** Closes the learner's server on a thread of its own, so that a close() that hangs cannot hang the check. */
    @Override
    public void close() {
        logBytes.checkIsOver();
        releaseLog();
        Thread closing = new Thread(() -> {
            try {
                server.close();
            } catch (Throwable ignored) {
                // Cleaning up after a check: its own result is what the learner needs to see.
            }
        }, "closing-your-server");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(CALL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
