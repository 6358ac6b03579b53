package tcplab.kit;

/** Small things about sockets that checks and peers share. */
public final class Sockets {

    private Sockets() {}

    /**
     * Connects to every socket this process still has listening, and resets each connection at once. A thread
     * blocked in accept() on one of them returns, then fails on the reset; used after a time-out, when the check
     * has already closed its own listeners, so what is left listening is the learner's. Linux only (it finds the
     * listeners with the {@link Inspector}); elsewhere it does nothing.
     */
    public static void wakeListeners() {
        for (Inspector.Descriptor d : Inspector.descriptors()) {
            Inspector.row(d.inode()).filter(r -> r.state().equals("LISTEN")).ifPresent(r -> {
                var address = r.local().getAddress().isAnyLocalAddress()
                        ? new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), r.local().getPort())
                        : r.local();
                try (var s = new java.net.Socket()) {
                    s.connect(address, 200);
                    s.setSoLinger(true, 0);
                } catch (java.io.IOException ignored) {
                    // It closed meanwhile, or is not ours to reach: nothing to wake.
                }
            });
        }
    }

    /** Closes each, ignoring what a close throws: used while cleaning up after a failure. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception ignored) {
                // Cleaning up after a check; the check's own failure is what the learner needs to see.
            }
        }
    }
}
