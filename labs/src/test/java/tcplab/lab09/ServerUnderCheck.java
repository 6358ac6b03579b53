package tcplab.lab09;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The learner's {@link FrameServer} as the checks hold it: the kit's {@link tcplab.kit.ServerUnderCheck}, told how
 * to call this lab's server, plus what is particular to it (the fields the stub declares, what its silence means).
 */
final class ServerUnderCheck extends tcplab.kit.ServerUnderCheck<FrameServer> {

    private static final Lab<FrameServer> LAB = new Lab<>(FrameServer.class, new Controls<>() {
        @Override
        public int port(FrameServer s) {
            return s.port();
        }

        @Override
        public void stop(FrameServer s) {
            s.stop();
        }

        @Override
        public void close(FrameServer s) {
            s.close();
        }

        @Override
        public boolean awaitStopped(FrameServer s, Duration limit) throws InterruptedException {
            return s.awaitStopped(limit);
        }
    }, Threads::alive, "start() must not accept or serve itself: it starts the thread made in the constructor "
            + "(serving.start()) and returns; serve() runs on that thread. (serving.run() would run serve() right "
            + "there, on the caller's thread.)");

    private ServerUnderCheck(String host, Limits limits, boolean holdTheLog, boolean fromAPlainThread) {
        super(LAB, "started your server with FrameServer.start(\"" + host + "\", 0, " + show(limits) + ", log)",
                holdTheLog, fromAPlainThread, log -> FrameServer.start(host, 0, limits, log));
    }

    /** {@code new Limits(request 500 ms, write 30 s)}: the limits as a failure message names them. */
    static String show(Limits limits) {
        return "new Limits(request " + show(limits.request()) + ", write " + show(limits.write()) + ")";
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Starts the learner's server on loopback, port 0, with {@code limits}. */
    static ServerUnderCheck start(Limits limits) {
        return start(HOST, limits, false);
    }

    /**
     * Starts the learner's server on {@code host}, port 0, with {@code limits}. With {@code holdTheLog}, the
     * server's thread is held in its first {@code log.println} until {@link #releaseLog()}: a check can then act
     * while that thread is certainly still alive.
     */
    static ServerUnderCheck start(String host, Limits limits, boolean holdTheLog) {
        return new ServerUnderCheck(host, limits, holdTheLog, false);
    }

    /** Starts the learner's server from a plain thread, not a daemon, as a program's main() starts it. */
    static ServerUnderCheck startFromAPlainThread(Limits limits) {
        return new ServerUnderCheck(HOST, limits, false, true);
    }

    /**
     * The threads running the learner's code right now: the server's, the conversations' (made by the given
     * {@link Threads}, virtual ones included, busy or idle in a pool), and any the learner made.
     */
    static List<Thread> serverThreads() {
        return learnersThreads(LAB);
    }

    /**
     * How many sockets the learner's {@code open} set holds (the stub declares it: the conversations in progress),
     * read through reflection since it is private; -1 if it is not there any more.
     */
    int openSockets() {
        try {
            var field = FrameServer.class.getDeclaredField("open");
            field.setAccessible(true);
            return ((java.util.Collection<?>) field.get(server)).size();
        } catch (ReflectiveOperationException | ClassCastException | NullPointerException e) {
            return -1;
        }
    }

    /** The server's own thread, the {@code serving} field the stub declares (private: through reflection), or null. */
    Thread servingThread() {
        try {
            var field = FrameServer.class.getDeclaredField("serving");
            field.setAccessible(true);
            return (Thread) field.get(server);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
    }

    /** The learner's thread that is blocked in accept() right now, if one is. */
    Optional<Thread> threadInAccept() {
        return awaitWaitingInAccept(Duration.ZERO);
    }

    /** What a silent server most likely means, for the "look at" line of a failure. */
    String whyNoAnswer() {
        if (nothingRuns()) {
            return "your server's threads have all ended: serve() returned or threw (is it still a TODO? A "
                    + "stack trace on the console says). It is Lab 06's: accept, hand the client to conversations, "
                    + "accept again.";
        }
        return "converse(), readBefore() and reply(): is each frame read whole (readBefore) and answered with "
                + "reply(client, out, Frames.reply(text))? Are they still TODOs? An exception on a conversation's "
                + "thread is printed on the console.";
    }
}
