package tcplab.lab09;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The timer column of the kernel's table of TCP connections ({@code /proc/net/tcp} and {@code tcp6}, Linux): for
 * each connection, which of its timers runs now. 0 is none, 1 a retransmission, 2 the keepalive timer (running on an
 * idle connection only when {@code SO_KEEPALIVE} is on), 3 TIME_WAIT, 4 a zero-window probe.
 */
final class KernelTimers {

    static final int KEEPALIVE = 2;
    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

    private KernelTimers() {}

    static boolean available() {
        return Files.isReadable(TABLES[0]);
    }

    /** The timer of the connection whose local port is {@code localPort} and remote port {@code remotePort}. */
    static Optional<Integer> timer(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                        return Optional.of(Integer.parseInt(f[5].substring(0, f[5].indexOf(':')), 16));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No such table here (no IPv6), or a line of another shape: look in the next one.
            }
        }
        return Optional.empty();
    }
}
