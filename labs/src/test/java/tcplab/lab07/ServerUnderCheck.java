package tcplab.lab07;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The learner's {@link StoreServer} as the checks hold it: the kit's {@link tcplab.kit.ServerUnderCheck}, told how
 * to call this lab's server, plus what is particular to it (the set the stub declares, what its silence means).
 */
final class ServerUnderCheck extends tcplab.kit.ServerUnderCheck<StoreServer> {

    private static final Lab<StoreServer> LAB = new Lab<>(StoreServer.class, new Controls<>() {
        @Override
        public int port(StoreServer s) {
            return s.port();
        }

        @Override
        public void stop(StoreServer s) {
            s.stop();
        }

        @Override
        public void close(StoreServer s) {
            s.close();
        }

        @Override
        public boolean awaitStopped(StoreServer s, Duration limit) throws InterruptedException {
            return s.awaitStopped(limit);
        }
    }, Threads::alive, "start() must not accept or serve itself: it starts the thread made in the constructor "
            + "(serving.start()) and returns; serve() runs on that thread. (serving.run() would run serve() right "
            + "there, on the caller's thread.)");

    private ServerUnderCheck(String host, Duration readTimeout, boolean holdTheLog, boolean fromAPlainThread) {
        super(LAB, "started your server with StoreServer.start(\"" + host + "\", 0, " + readTimeout.toMillis()
                + " ms, log)", holdTheLog, fromAPlainThread, log -> StoreServer.start(host, 0, readTimeout, log));
    }

    /** Starts the learner's server on loopback, port 0, with {@code readTimeout}. */
    static ServerUnderCheck start(Duration readTimeout) {
        return start(HOST, readTimeout, false);
    }

    /**
     * Starts the learner's server on {@code host}, port 0, with {@code readTimeout}. With {@code holdTheLog}, the
     * server's thread is held in its first {@code log.println} until {@link #releaseLog()}: a check can then act
     * while that thread is certainly still alive.
     */
    static ServerUnderCheck start(String host, Duration readTimeout, boolean holdTheLog) {
        return new ServerUnderCheck(host, readTimeout, holdTheLog, false);
    }

    /** Starts the learner's server from a plain thread, not a daemon, as a program's main() starts it. */
    static ServerUnderCheck startFromAPlainThread(Duration readTimeout) {
        return new ServerUnderCheck(HOST, readTimeout, false, true);
    }

    /** The threads running the learner's code right now: the server's, the conversations', any the learner made. */
    static List<Thread> serverThreads() {
        return learnersThreads(LAB);
    }

    /**
     * How many sockets the learner's {@code open} set holds (the stub declares it: the conversations in progress),
     * read through reflection since it is private; -1 if it is not there any more.
     */
    int openSockets() {
        return field("open", java.util.Collection.class).map(java.util.Collection::size).orElse(-1);
    }

    /** The server's own thread, the {@code serving} field the stub declares (private: through reflection), or null. */
    Thread servingThread() {
        return field("serving", Thread.class).orElse(null);
    }

    /** The learner's thread that is blocked in accept() right now, if one is. */
    Optional<Thread> threadInAccept() {
        return awaitWaitingInAccept(Duration.ZERO);
    }

    /** What a silent server most likely means, for the "look at" line of a failure. */
    String whyNoAnswer() {
        if (nothingRuns()) {
            return "your server's threads have all ended: serve() returned or threw (a stack trace on the "
                    + "console says why).";
        }
        return "converse(): is every request read with Messages.read and answered with Messages.write(out, "
                + "answer(text).getBytes(UTF_8))? Messages.read must return as soon as a whole message is in (a "
                + "read that waits for more bytes than the message has never returns). An exception on a "
                + "conversation's thread is printed on the console.";
    }
}
