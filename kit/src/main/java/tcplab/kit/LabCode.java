package tcplab.kit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the learner's code on a thread of its own, for a bounded time.
 *
 * <p>A check must never hang, whatever the learner wrote: an accept with no client, a read with no data, a loop
 * that never ends. So the learner's code runs on a separate daemon thread; when its time is up we record where it
 * was stuck, close whatever the check hands us (the peer's sockets, the lab's server), which is what unblocks a
 * thread waiting on a socket, interrupt it, and fail the check with a message that names the line it was stuck on.
 */
public final class LabCode {

    /** A piece of learner code that returns a value. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    /** A piece of learner code that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** What learner code ended with: a value, or what it threw. */
    public record Outcome<T>(T value, Throwable thrown) {
        public boolean threw() {
            return thrown != null;
        }
    }

    private static final Duration GRACE = Duration.ofSeconds(2);

    private LabCode() {}

    /**
     * Runs {@code code} for at most {@code limit} and returns its value. If it throws, times out or says it is not
     * written yet, the check fails with a message saying so; {@code doing} completes "When the check …".
     */
    public static <T> T call(String doing, Duration limit, Call<T> code, AutoCloseable... cleanup) {
        Outcome<T> outcome = outcome(doing, limit, code, cleanup);
        if (outcome.threw()) {
            throw threw(doing, outcome.thrown());
        }
        return outcome.value();
    }

    /** Like {@link #call} for code that returns nothing. */
    public static void run(String doing, Duration limit, Action code, AutoCloseable... cleanup) {
        call(doing, limit, () -> {
            code.run();
            return null;
        }, cleanup);
    }

    /**
     * Runs {@code code} for at most {@code limit} and returns how it ended, for checks that expect an exception.
     * A time-out or a stub that is not written yet still fails the check.
     */
    public static <T> Outcome<T> outcome(String doing, Duration limit, Call<T> code, AutoCloseable... cleanup) {
        var future = new CompletableFuture<T>();
        Thread worker = new Thread(() -> {
            try {
                future.complete(code.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "lab-code");
        worker.setDaemon(true);
        worker.start();
        try {
            return new Outcome<>(future.get(limit.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            Throwable thrown = e.getCause();
            if (thrown instanceof UnsupportedOperationException && isStub(thrown)) {
                throw notWritten(doing, thrown);
            }
            if (thrown instanceof CheckFailed failed) {
                throw failed;
            }
            return new Outcome<>(null, thrown);
        } catch (TimeoutException e) {
            StackTraceElement[] stuckAt = worker.getStackTrace();
            stop(worker, cleanup);
            throw timedOut(doing, limit, stuckAt, worker.isAlive());
        } catch (InterruptedException e) {
            stop(worker, cleanup);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("check interrupted", e);
        }
    }

    /** Closes what the check handed over, interrupts the worker and gives it a moment to end. */
    private static void stop(Thread worker, AutoCloseable... cleanup) {
        Sockets.closeAll(cleanup);
        // A learner's server blocked in accept() on a socket the check never saw (it printed the wrong port, or
        // start() never returned) wakes up when a client arrives: send it one that resets at once.
        Sockets.wakeListeners();
        worker.interrupt();
        try {
            worker.join(GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isStub(Throwable t) {
        return t.getMessage() != null && t.getMessage().startsWith("TODO");
    }

    private static CheckFailed notWritten(String doing, Throwable thrown) {
        return CheckFailed.when(doing)
                .expected("your code to run")
                .got("it is not written yet: " + thrown.getMessage())
                .next("the Javadoc of the method at " + where(thrown.getStackTrace()))
                .build();
    }

    /**
     * Whether {@code done} (the learner's call, running on a thread of the check's) completed within {@code early}
     * of {@code calledAt} ({@link System#nanoTime()} just before the call started). For a call the contract makes
     * wait longer than that (close() waiting up to a second for a thread the check holds): done so soon, it did
     * not wait. Judged on the call's result, not on its thread's state: a call that does not wait may still park
     * for a moment on a lock, which a look at the state would take for waiting.
     */
    public static boolean finishedWithin(java.util.concurrent.Future<?> done, long calledAt, Duration early)
            throws InterruptedException {
        try {
            done.get(Math.max(0, early.toNanos() - (System.nanoTime() - calledAt)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException stillRunningOrThrew) {
            // still running: it waits, as it should; a throw the caller reports from done itself
        }
        return done.isDone();
    }

    /** The learner's code threw something the check did not expect. */
    public static CheckFailed threw(String doing, Throwable thrown) {
        if (thrown instanceof NoSuchMethodError || thrown instanceof NoClassDefFoundError
                || thrown instanceof AbstractMethodError) {
            return CheckFailed.when(doing)
                    .expected("the class and method the checks call, as the stub declared them")
                    .got("your lab no longer has it: " + thrown.getMessage())
                    .next("did you rename it, or change its parameters or return type? The checks call it exactly "
                            + "as the stub declared it; `git diff " + labFolder(thrown.getMessage()) + "` shows what "
                            + "you changed.")
                    .build();
        }
        return CheckFailed.when(doing)
                .expected("your code to finish without an exception")
                .got("it threw " + thrown.getClass().getName()
                        + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage())
                        + "\nat " + where(thrown.getStackTrace()))
                .cause(thrown)
                .build();
    }

    private static CheckFailed timedOut(String doing, Duration limit, StackTraceElement[] stack, boolean stillAlive) {
        String top = stack.length == 0 ? "" : frame(stack[0]);
        String blockedIn = top.equals(where(stack)) ? "" : top;
        return CheckFailed.when(doing)
                .expected("your code to finish within " + seconds(limit))
                .got("it was still running after " + seconds(limit) + ", at " + where(stack)
                        + (blockedIn.isEmpty() ? "" : "\n(inside " + blockedIn + ")")
                        + (stillAlive ? "\nand it was still running after the check closed the sockets it could reach"
                                : ""))
                .next("a call that waits forever: accept() with no client, read() with no data, or a loop whose "
                        + "exit condition never comes. Use the timeout the method is given.")
                .build();
    }

    private static String labFolder(String message) {
        var m = java.util.regex.Pattern.compile("tcplab[./]lab(\\d\\d)").matcher(String.valueOf(message));
        return "labs/src/main/java/tcplab/lab" + (m.find() ? m.group(1) : "NN");
    }

    /** The innermost stack frame that is the learner's own code, where a learner should look. */
    public static String where(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("tcplab.lab")) {
                return frame(e);
            }
        }
        return stack.length == 0 ? "(unknown)" : frame(stack[0]);
    }

    private static String frame(StackTraceElement e) {
        String cls = e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1);
        return cls + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
    }

    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
