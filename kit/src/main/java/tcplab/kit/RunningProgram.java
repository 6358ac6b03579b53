package tcplab.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lab's program running as a learner runs a server in a terminal: {@code run(args, in, out, err)} on a thread of its
 * own, its standard input held open until the check ends it (Ctrl-D), what it prints readable while it runs. It runs in
 * this JVM, not a child one, so that mutation testing sees the code it runs. {@link #close()} ends the input and, if
 * the program is stuck in the learner's code, wakes it (listeners closed, thread interrupted).
 */
public final class RunningProgram implements AutoCloseable {

    /** How long close() waits for the program to end before waking it. */
    private static final Duration END = Duration.ofSeconds(2);

    private final List<String> args;
    private final LiveOutput out = new LiveOutput();
    private final LiveOutput err = new LiveOutput();
    private final CountDownLatch inputEnds = new CountDownLatch(1);
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;

    private RunningProgram(Program program, String... args) {
        this.args = List.of(args);
        InputStream stdin = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    inputEnds.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("the check is over");
                }
                return -1;
            }
        };
        thread = new Thread(() -> {
            try {
                exit.complete(program.run(args.clone(), stdin, out.printStream(), err.printStream()));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
            out.wake();     // whoever waits for a line: nothing more will come
        }, "your-program");
        thread.setDaemon(true);
    }

    /** Starts {@code program} with {@code args}; its input stays open until {@link #endInput()}. */
    public static RunningProgram start(Program program, String... args) {
        var running = new RunningProgram(program, args);
        running.thread.start();
        return running;
    }

    /** What the check did, for a failure message. */
    public String doing() {
        return "ran your program with arguments " + args + " and kept its standard input open";
    }

    public LiveOutput out() {
        return out;
    }

    public LiveOutput err() {
        return err;
    }

    /** Ends the program's standard input, as Ctrl-D in a terminal does. */
    public void endInput() {
        inputEnds.countDown();
    }

    /** The first whole line of standard output starting with {@code start}; null if none came in time or it ended. */
    public String awaitLine(String start, Duration limit) {
        return out.awaitLine(start, limit, exit::isDone);
    }

    /** True once run() has returned or thrown. */
    public boolean ended() {
        return exit.isDone();
    }

    /**
     * The exit code, waiting up to {@code limit}.
     *
     * @throws TimeoutException when it is still running
     * @throws ExecutionException when run() threw (the cause)
     */
    public int exitCode(Duration limit) throws TimeoutException, ExecutionException, InterruptedException {
        return exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits up to {@code limit} for run() to end; true if it has. For a failure in which the program's server closed
     * or reset the connection: the program is then most likely on its way out, and the message should say how it
     * ended, not catch it a moment before (which would also make the message change from one run to the next).
     */
    public boolean awaitEnd(Duration limit) {
        try {
            exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running, or ended by an exception: state() says which
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exit.isDone();
    }

    /** Its state and both streams, as a learner reads them in a failure message. */
    public String state() {
        String state;
        if (!exit.isDone()) {
            state = "still running";
        } else if (exit.isCompletedExceptionally()) {
            state = "threw " + exit.handle((v, t) -> String.valueOf(t.getCause() != null ? t.getCause() : t)).join();
        } else {
            state = "exit code " + exit.join();
        }
        return state + "\nstdout: " + (out.text().isEmpty() ? "(nothing)" : Transcript.quote(out.text()))
                + "\nstderr: " + (err.text().isEmpty() ? "(nothing)" : Transcript.quote(err.text()));
    }

    /** Ends the input and waits a little; a program still running then (stuck in the learner's code) is woken. */
    @Override
    public void close() throws InterruptedException {
        endInput();
        thread.join(END.toMillis());
        if (thread.isAlive()) {
            // A start() that serves by itself, say, waits in accept(): close what it may wait on.
            Sockets.wakeListeners();
            thread.interrupt();
        }
    }
}
