package tcplab.lab09;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Two columns of the kernel's table of TCP connections ({@code /proc/net/tcp} and {@code tcp6}, Linux) that the
 * kit's {@code Inspector} does not read, for one connection:
 * <ul>
 *   <li>the timer that runs now: 0 is none, 1 a retransmission, 2 the keepalive timer (running on an idle
 *       connection only when {@code SO_KEEPALIVE} is on), 3 TIME_WAIT, 4 a zero-window probe;</li>
 *   <li>the queues, {@code tx_queue:rx_queue}: bytes sent and not yet acknowledged, and bytes received and not yet
 *       read by the program. While a program reads, its rx_queue moves; when it stops reading, it stands still.</li>
 * </ul>
 */
final class KernelColumns {

    static final int KEEPALIVE = 2;
    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

    private KernelColumns() {}

    static boolean available() {
        return Files.isReadable(TABLES[0]);
    }

    /** The timer of the connection whose local port is {@code localPort} and remote port {@code remotePort}. */
    static Optional<Integer> timer(int localPort, int remotePort) {
        return fields(localPort, remotePort).map(f -> Integer.parseInt(f[5].substring(0, f[5].indexOf(':')), 16));
    }

    /** The {@code tx_queue:rx_queue} column of that connection, as the kernel prints it (hexadecimal). */
    static Optional<String> queues(int localPort, int remotePort) {
        return fields(localPort, remotePort).map(f -> f[4]);
    }

    private static Optional<String[]> fields(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote) && f[5].contains(":")) {
                        return Optional.of(f);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No such table here (no IPv6), or a line of another shape: look in the next one.
            }
        }
        return Optional.empty();
    }
}
