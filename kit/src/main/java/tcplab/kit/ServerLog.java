package tcplab.kit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The log a check hands to a learner's server ({@link #printStream()}), kept for the failure messages.
 *
 * <p>It keeps the first {@value #KEEP} bytes only, so a server that logs in a loop cannot fill the heap; and once
 * the check is over ({@link #checkIsOver()}), such a server's next line throws, which ends a thread that would
 * otherwise spin (on a closed listener, say) for the rest of the grading. Made with {@code holdAfterFirstLine}, it
 * holds the thread that writes the first whole line until {@link #release()}: a check can then act while that thread
 * is certainly still alive.
 */
public final class ServerLog extends OutputStream {

    private static final int KEEP = 64 * 1024;
    /** How many lines of the log a failure message shows. */
    private static final int MESSAGE_LINES = 8;
    private static final String STACK = "    … (a stack trace)";

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final boolean holdAfterFirstLine;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final PrintStream printStream = new PrintStream(this, true, StandardCharsets.UTF_8);
    private long total;
    private int newlines;
    private boolean checkIsOver;

    public ServerLog(boolean holdAfterFirstLine) {
        this.holdAfterFirstLine = holdAfterFirstLine;
    }

    /** What the learner's server gets: UTF-8, flushed at every line. */
    public PrintStream printStream() {
        return printStream;
    }

    @Override
    public void write(int b) {
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
            int keep = Math.max(0, Math.min(len, KEEP - kept.size()));
            kept.write(b, off, keep);
            for (int i = off; i < off + keep; i++) {
                newlines += b[i] == '\n' ? 1 : 0;
            }
            wholeLine = newlines > 0;
            notifyAll();   // a check may be waiting for a line (awaitLines)
        }
        // Hold the writer outside the lock, so the check can read the log meanwhile; never longer than the check's
        // own limits, so a check that forgets to release cannot hang the server for good.
        if (holdAfterFirstLine && wholeLine && release.getCount() > 0) {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** From now on a server that floods the log is stopped by an exception on its next line. */
    public synchronized void checkIsOver() {
        checkIsOver = true;
    }

    /** Waits up to {@code limit} until a thread writing its first line is held there; true if one is. */
    public boolean awaitHeld(Duration limit) {
        try {
            return held.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lets a thread held in its first line go on. */
    public void release() {
        release.countDown();
    }

    /**
     * Waits up to {@code limit} until the log holds {@code count} whole lines; never fails: the check then judges what
     * is there. For a line a server writes after it has closed the connection (try-with-resources closes first).
     */
    public synchronized void awaitLines(int count, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (newlines < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the server wrote so far (its first {@value #KEEP} bytes). */
    public synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** The lines so far. */
    public List<String> lines() {
        return text().lines().toList();
    }

    /** True when the log holds a Java stack trace rather than one plain line per problem. */
    public boolean hasStackTrace() {
        return lines().stream().anyMatch(l -> isStackLine(l) || l.startsWith("Caused by:"));
    }

    /** The log as a learner reads it in a message: its first lines, so that a log that floods stays readable. */
    public String forMessage() {
        String log = text();
        if (log.isEmpty()) {
            return "(your server's log is empty)";
        }
        // Stack frames differ from one JDK to the next (line numbers inside java.base): one line stands for them.
        var lines = new ArrayList<String>();
        for (String line : log.strip().lines().toList()) {
            if (isStackLine(line)) {
                if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(STACK)) {
                    lines.add(STACK);
                }
            } else {
                lines.add(line);
            }
        }
        return "your server's log:\n" + String.join("\n", lines.subList(0, Math.min(lines.size(), MESSAGE_LINES)))
                + (lines.size() > MESSAGE_LINES ? "\n… (more lines)" : "");
    }

    private static boolean isStackLine(String line) {
        return line.matches("^\\s+at [\\w.$/]+\\(.*") || line.matches("^\\s+\\.\\.\\. \\d+ more$");
    }
}
