package tcplab.kit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting, with a bound, for something that sends no signal when it happens: a row in the kernel's table, a thread
 * that ends on its own. Where there is a signal (a latch, the peer's bytes, a line of output), checks wait on it.
 */
public final class Poll {

    private static final Duration EVERY = Duration.ofMillis(10);

    private Poll() {}

    /** True as soon as {@code condition} holds, asked every 10 ms; false if it still does not after {@code limit}. */
    public static boolean until(BooleanSupplier condition, Duration limit) {
        return until(condition, limit, EVERY);
    }

    /** True as soon as {@code condition} holds, asked every {@code every}; false if not after {@code limit}. */
    public static boolean until(BooleanSupplier condition, Duration limit, Duration every) {
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
