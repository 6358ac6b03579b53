package tcplab.kit;

/** Small things about sockets that checks and peers share. */
public final class Sockets {

    private Sockets() {}

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
