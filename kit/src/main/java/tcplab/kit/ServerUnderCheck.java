package tcplab.kit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A learner's server as the checks hold it, for every lab whose server has the same life cycle: a static
 * {@code start(…, log)} that returns at once with the server running on threads of its own, {@code port()},
 * {@code stop()}, {@code close()} and {@code awaitStopped(limit)}. Every call goes through {@link LabCode} with a short
 * limit, the server's {@link ServerLog} is kept for the failure messages, and closing it never hangs the check,
 * whatever the learner's {@code close()} does.
 *
 * <p>A lab's check package extends it with what is particular to its server (how it is started, what its silence
 * most likely means); the learner's classes know nothing of the kit, so the lab says how to call them in a
 * {@link Lab}.
 *
 * @param <S> the learner's server class
 */
public class ServerUnderCheck<S> implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    /** How long any one call into the learner's server may take before the check gives up on it. */
    protected static final Duration CALL = Duration.ofSeconds(2);

    /** The four calls every lab server answers; the learner's classes share them but no type. */
    public interface Controls<S> {
        int port(S server) throws Exception;

        void stop(S server) throws Exception;

        void close(S server) throws Exception;

        boolean awaitStopped(S server, Duration limit) throws Exception;
    }

    /** How a {@link ServerUnderCheck} starts a learner's server, given the log to hand it. */
    @FunctionalInterface
    public interface Start<S> {
        S start(PrintStream log) throws Exception;
    }

    /**
     * What a lab tells the kit about its server: its class (whose name marks the learner's threads), the calls, the
     * threads the learner's code runs that no stack trace shows (virtual ones), and what start() must do, for the
     * message when it does not return.
     */
    public record Lab<S>(Class<S> type, Controls<S> controls, Supplier<Collection<Thread>> unlistedThreads,
            String startHint) {}

    /** The labs whose start() did not return once: later checks then fail at once instead of waiting again. */
    private static final Map<Class<?>, CheckFailed> START_HUNG = new ConcurrentHashMap<>();

    protected final S server;
    protected final ServerLog log;
    private final Lab<S> lab;
    /** The threads that ran the learner's code before this server started: an earlier check's, not this one's. */
    private final List<Thread> threadsBefore;

    /**
     * Starts the learner's server with {@code start}, described to the learner as {@code doing}. With {@code holdTheLog},
     * the server's thread is held in its first whole log line until {@link #releaseLog()}. With
     * {@code fromAPlainThread}, start() is called from a thread that is not a daemon: a new thread inherits its
     * creator's daemon status, so only a server started this way, as a program's main() starts it, shows whether
     * the server's thread is made a daemon on purpose.
     */
    protected ServerUnderCheck(Lab<S> lab, String doing, boolean holdTheLog, boolean fromAPlainThread,
            Start<S> start) {
        this.lab = lab;
        this.threadsBefore = learnersThreads(lab);
        this.log = new ServerLog(holdTheLog);
        CheckFailed hung = START_HUNG.get(lab.type());
        if (hung != null) {
            throw CheckFailed.when(doing).expected("start() to return at once")
                    .got("not called again: in an earlier check it did not return (see the first failure)")
                    .next(lab.startHint()).build();
        }
        S started;
        try {
            LabCode.Call<S> starting = () -> start.start(log.printStream());
            started = fromAPlainThread ? callFromAPlainThread(doing, starting) : LabCode.call(doing, CALL, starting);
        } catch (CheckFailed failed) {
            if (String.valueOf(failed.getMessage()).contains("still running")) {
                START_HUNG.put(lab.type(), failed);
                throw CheckFailed.when(doing)
                        .expected("start() to return at once, with the server running on a thread of its own")
                        .got(gotPart(failed.getMessage()))
                        .next(lab.startHint())
                        .cause(failed)
                        .build();
            }
            throw failed;
        }
        if (started == null) {
            throw CheckFailed.when(doing).expected("a running " + lab.type().getSimpleName()).got("null")
                    .next("start() must return the server it started").build();
        }
        this.server = started;
    }

    /** Like {@link LabCode#call}, on a thread that is not a daemon (and is woken as LabCode does if it hangs). */
    private static <S> S callFromAPlainThread(String doing, LabCode.Call<S> code) {
        var result = new CompletableFuture<S>();
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
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
        }, plain::interrupt);
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

    /** The port the server says it listens on; fails the check if it is not a bound port. */
    public int port() {
        String doing = "asked your server for its port()";
        int port = LabCode.call(doing, CALL, () -> lab.controls().port(server), this);
        if (port <= 0) {
            throw CheckFailed.when(doing).expected("the port the listener is bound to, above 0").got(port + "")
                    .next("start(): is the ServerSocket bound before start returns? An unbound one says -1.")
                    .build();
        }
        return port;
    }

    public void stop() {
        LabCode.run("called stop() on your server", CALL, () -> lab.controls().stop(server), this);
    }

    public void closeServer() {
        LabCode.run("called close() on your server", CALL, () -> lab.controls().close(server), this);
    }

    /**
     * Calls close() from a thread whose interrupt status is set, as when the thread that owns a server is being
     * shut down; returns whether the status is still set when close() returns.
     */
    public boolean closeWhileInterrupted() {
        return LabCode.call("called close() on your server from a thread whose interrupt status was set", CALL, () -> {
            Thread.currentThread().interrupt();
            lab.controls().close(server);
            return Thread.interrupted();
        }, this);
    }

    /** Calls close() on a thread of its own and returns that thread at once: the check watches it wait. */
    public Thread closeInBackground(CompletableFuture<Void> done) {
        Thread closer = new Thread(() -> {
            try {
                lab.controls().close(server);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "closing-your-server");
        closer.setDaemon(true);
        closer.start();
        return closer;
    }

    /** Whether awaitStopped(limit) said the server stopped, and how long it took to say so. */
    public record Awaited(boolean stopped, Duration took) {}

    public Awaited timeAwaitStopped(Duration limit) {
        return LabCode.call("waited for your server's thread with awaitStopped(" + LabCode.seconds(limit) + ")",
                limit.plus(CALL), () -> {
                    long start = System.nanoTime();
                    boolean stopped = lab.controls().awaitStopped(server, limit);
                    return new Awaited(stopped, Duration.ofNanos(System.nanoTime() - start));
                }, this);
    }

    /** Whether the server stopped within {@code limit}, as its awaitStopped says. */
    public boolean awaitStopped(Duration limit) {
        return LabCode.call("waited for your server's thread with awaitStopped(" + LabCode.seconds(limit) + ")",
                limit.plus(CALL), () -> lab.controls().awaitStopped(server, limit), this);
    }

    /** The threads running the learner's code that this server started (not an earlier check's). */
    public List<Thread> threads() {
        var now = new ArrayList<>(learnersThreads(lab));
        now.removeAll(threadsBefore);
        return now;
    }

    /** True if no thread runs the learner's server any more; used only to explain a failure, never throws. */
    public boolean nothingRuns() {
        return threads().stream().noneMatch(Thread::isAlive);
    }

    /**
     * The threads that are running the learner's code right now, other than the kit's own (the one that calls into
     * it for a check, the one that closes it): the lab's unlisted ones (virtual threads, whether busy or idle in a
     * pool), and every platform thread with the learner's server class on its stack.
     */
    public static List<Thread> learnersThreads(Lab<?> lab) {
        var found = new ArrayList<Thread>(lab.unlistedThreads().get());
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            Thread t = entry.getKey();
            if (t == Thread.currentThread() || t.getName().equals("lab-code")
                    || t.getName().equals("closing-your-server")) {
                continue;
            }
            for (StackTraceElement e : entry.getValue()) {
                if (e.getClassName().startsWith(lab.type().getName()) && !found.contains(t)) {
                    found.add(t);
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Waits up to {@code limit} until one of the learner's threads is blocked in {@code ServerSocket.accept()}, so
     * that what stop() does to it is the same on every run (a listener closed before the thread reached accept()
     * gives another message), and returns that thread. Never fails: a server that never gets there is judged by
     * the check itself. With a zero limit it looks once.
     */
    public Optional<Thread> awaitWaitingInAccept(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            for (var entry : Thread.getAllStackTraces().entrySet()) {
                boolean inAccept = false;
                boolean learners = false;
                for (StackTraceElement e : entry.getValue()) {
                    inAccept |= e.getClassName().equals("java.net.ServerSocket") && e.getMethodName().equals("accept");
                    learners |= e.getClassName().startsWith(lab.type().getName());
                }
                if (inAccept && learners) {
                    return Optional.of(entry.getKey());
                }
            }
        } while (System.nanoTime() < deadline && pause());
        return Optional.empty();
    }

    /** Looking at the learner's threads again in a moment: nothing to wait on, a stack trace is all there is. */
    private static boolean pause() {
        try {
            Thread.sleep(5);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code limit} until the server's thread writes its first log line and is held there. */
    public boolean awaitHeldInLog(Duration limit) {
        return log.awaitHeld(limit);
    }

    /** Lets a server's thread held in its log go on. */
    public void releaseLog() {
        log.release();
    }

    /** What the server wrote to its log so far. */
    public String log() {
        return log.text();
    }

    public List<String> logLines() {
        return log.lines();
    }

    /** Waits up to {@code limit} until the log holds {@code count} whole lines; never fails. */
    public void awaitLogLines(int count, Duration limit) {
        log.awaitLines(count, limit);
    }

    public String logForMessage() {
        return log.forMessage();
    }

    public boolean logHasStackTrace() {
        return log.hasStackTrace();
    }

    /** Closes the learner's server on a thread of its own, so that a close() that hangs cannot hang the check. */
    /**
     * The value of a field the stub declares (private, so read through reflection), or empty when the learner's
     * server has no such field any more or it holds no {@code type}: a check then says so instead of crashing.
     */
    protected <T> java.util.Optional<T> field(String name, Class<T> type) {
        try {
            var field = lab.type().getDeclaredField(name);
            field.setAccessible(true);
            Object value = field.get(server);
            return type.isInstance(value) ? java.util.Optional.of(type.cast(value)) : java.util.Optional.empty();
        } catch (ReflectiveOperationException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void close() {
        log.checkIsOver();
        log.release();
        Thread closing = new Thread(() -> {
            try {
                lab.controls().close(server);
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
