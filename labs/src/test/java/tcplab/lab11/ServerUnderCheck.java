package tcplab.lab11;

import java.time.Duration;
import java.util.List;
import tcplab.kit.TestCertificates;

/**
 * The learner's {@link TlsServer} as the checks hold it: the kit's {@link tcplab.kit.ServerUnderCheck}, told how to
 * call this lab's server.
 */
final class ServerUnderCheck extends tcplab.kit.ServerUnderCheck<TlsServer> {

    private static final Lab<TlsServer> LAB = new Lab<>(TlsServer.class, new Controls<>() {
        @Override
        public int port(TlsServer s) {
            return s.port();
        }

        @Override
        public void stop(TlsServer s) {
            s.stop();
        }

        @Override
        public void close(TlsServer s) {
            s.close();
        }

        @Override
        public boolean awaitStopped(TlsServer s, Duration limit) throws InterruptedException {
            return s.awaitStopped(limit);
        }
    }, List::of, "start() must not accept or serve itself: it starts the thread made in the constructor "
            + "(serving.start()) and returns; serve() runs on that thread.");

    private ServerUnderCheck(Duration readTimeout, boolean holdTheLog) {
        this(readTimeout, holdTheLog, false);
    }

    private ServerUnderCheck(Duration readTimeout, boolean holdTheLog, boolean fromAPlainThread) {
        super(LAB, "started your server with TlsServer.start(\"" + HOST + "\", 0, a context with the test "
                + "certificate for localhost, " + readTimeout.toMillis() + " ms, log)", holdTheLog, fromAPlainThread,
                log -> TlsServer.start(HOST, 0, TestCertificates.get().serverContext(TestCertificates.Kind.GOOD),
                        readTimeout, log));
    }

    /** Starts the learner's server on loopback, port 0, with the good certificate and {@code readTimeout}. */
    static ServerUnderCheck start(Duration readTimeout) {
        TestCertificates.get();   // made before the clock of start() runs: keytool is the kit's time, not theirs
        return new ServerUnderCheck(readTimeout, false);
    }

    /** Starts the learner's server from a plain thread, not a daemon, as a program's main() starts it. */
    static ServerUnderCheck startFromAPlainThread(Duration readTimeout) {
        TestCertificates.get();
        return new ServerUnderCheck(readTimeout, false, true);
    }

    /**
     * Like {@link #start}, with the server's thread held in its first log line until {@link #releaseLog()}: a
     * check can then act while that thread is certainly still alive.
     */
    static ServerUnderCheck startHoldingTheLog(Duration readTimeout) {
        TestCertificates.get();
        return new ServerUnderCheck(readTimeout, true);
    }
}
