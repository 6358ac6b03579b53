package tcplab.lab09;

import java.time.Duration;

/**
 * The two time bounds of Lab 09's server, each a positive duration.
 *
 * @param request how long a client may take to deliver one whole frame, counted from the moment its conversation
 *     starts (for the first frame) or from the end of the server's previous reply (for every later one): a
 *     deadline for the whole frame, not a bound on each {@code read()}
 * @param write how long one reply may take to be written: a client that does not take it (it never reads, and
 *     the buffers between it and the server are full) is cut off when it overruns
 */
public record Limits(Duration request, Duration write) {

    public Limits {
        if (request.isNegative() || request.isZero() || write.isNegative() || write.isZero()) {
            throw new IllegalArgumentException("both limits must be positive: " + request + ", " + write);
        }
    }
}
