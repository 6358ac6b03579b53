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

    /**
     * Whether this machine lets a socket bind {@code ip}. Linux binds every address of 127/8; macOS has only
     * 127.0.0.1 on lo0 unless aliased; {@code ::1} needs IPv6.
     */
    public static boolean canBind(String ip) {
        try (var probe = new java.net.Socket()) {
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(ip), 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * {@code ip}, a second loopback address such as 127.0.0.2, where this machine can bind it; 127.0.0.1 where it
     * cannot. A check that tells two ends apart by their address does so wherever it can, and still runs elsewhere.
     */
    public static String loopbackAlias(String ip) {
        return canBind(ip) ? ip : "127.0.0.1";
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
