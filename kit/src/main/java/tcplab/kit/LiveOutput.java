package tcplab.kit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Standard output of an in-process program that a check can read while the program still runs (a server's
 * "listening on" line, say). Optionally a
 * gate: once a whole line starting with {@code holdAfter} has been written, the writing thread waits (at most
 * {@code holdLimit}) until the test calls {@link #release()}, so the test can look at the program mid-way.
 */
public final class LiveOutput extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final String holdAfter;
    private final Duration holdLimit;
    private final CountDownLatch gate = new CountDownLatch(1);

    /** Output that never holds the writer. */
    public LiveOutput() {
        this(null, Duration.ZERO);
    }

    /** Output that holds the writer after the first whole line starting with {@code holdAfter}. */
    public LiveOutput(String holdAfter, Duration holdLimit) {
        this.holdAfter = holdAfter;
        this.holdLimit = holdLimit;
    }

    public PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        synchronized (this) {
            bytes.write(b, off, len);
            notifyAll();        // wakes awaitLine
        }
        // Never wait while holding the lock: the test reads text() meanwhile.
        if (holdAfter != null && gate.getCount() > 0 && wholeLineStartingWith(text(), holdAfter)) {
            try {
                gate.await(holdLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets the writer go on (also when it is not held yet: then it never will be). */
    public void release() {
        gate.countDown();
    }

    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The first whole line (ended by its newline) starting with {@code start}, waiting up to {@code limit} for it to
     * be written; null when none came in time, or once {@code gaveUp} says so (asked again whenever output arrives
     * and at {@link #wake()}: a program that has ended will print nothing more).
     */
    public synchronized String awaitLine(String start, Duration limit, BooleanSupplier gaveUp) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String[] lines = text().split("\n", -1);
            for (int i = 0; i < lines.length - 1; i++) {
                if (lines[i].startsWith(start)) {
                    return lines[i];
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || gaveUp.getAsBoolean()) {
                return null;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Makes {@link #awaitLine} ask its {@code gaveUp} again now. */
    public synchronized void wake() {
        notifyAll();
    }

    private static boolean wholeLineStartingWith(String text, String start) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) { // the last piece has no '\n' yet: not a whole line
            if (lines[i].startsWith(start)) {
                return true;
            }
        }
        return false;
    }
}
