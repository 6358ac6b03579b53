package tcplab.lab08;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tcplab.kit.CheckFailed;
import tcplab.kit.LabCode;
import tcplab.kit.ServerLog;

/**
 * The learner's {@link ChatServer} as the checks hold it (Lab 06's harness, cut to what Lab 08 needs): every call
 * goes through {@link LabCode} with a limit, its log is kept for the messages, and closing it never hangs a check.
 */
final class ServerUnderCheck implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final Duration CALL = Duration.ofSeconds(2);

    private final ChatServer server;
    private final ServerLog log;
    private final Set<Thread> threadsBefore;

    private ServerUnderCheck(ChatServer server, ServerLog log, Set<Thread> threadsBefore) {
        this.server = server;
        this.log = log;
        this.threadsBefore = threadsBefore;
    }

    /** Starts the learner's server on loopback, port 0. */
    static ServerUnderCheck start() {
        return start(false);
    }

    /**
     * Starts the learner's server; with {@code holdTheLog}, the server's thread is held in its first log line until
     * {@link #releaseLog()}, so a check can act while that thread is certainly busy.
     */
    static ServerUnderCheck start(boolean holdTheLog) {
        return start(holdTheLog, false);
    }

    /**
     * Starts the learner's server from a thread that is not a daemon, as a program's main() would: a new thread
     * inherits its creator's daemon status, so only then does a server's thread show whether it is made a daemon.
     */
    static ServerUnderCheck startFromAPlainThread() {
        return start(false, true);
    }

    private static ServerUnderCheck start(boolean holdTheLog, boolean fromAPlainThread) {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        var log = new ServerLog(holdTheLog);
        var stream = log.printStream();
        String doing = "started your server with ChatServer.start(\"" + HOST + "\", 0, log)";
        ChatServer server = LabCode.call(doing, CALL, () -> {
            if (!fromAPlainThread) {
                return ChatServer.start(HOST, 0, stream);
            }
            var result = new java.util.concurrent.CompletableFuture<ChatServer>();
            Thread plain = new Thread(() -> {
                try {
                    result.complete(ChatServer.start(HOST, 0, stream));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }, "a-plain-thread");
            plain.setDaemon(false);
            plain.start();
            try {
                return result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
        });
        if (server == null) {
            throw CheckFailed.when(doing).expected("a running ChatServer").got("null")
                    .next("start() must return the server it started").build();
        }
        return new ServerUnderCheck(server, log, before);
    }

    int port() {
        String doing = "asked your server for its port()";
        int port = LabCode.call(doing, CALL, server::port, this);
        if (port <= 0) {
            throw CheckFailed.when(doing).expected("the port the listener is bound to, above 0").got(port + "")
                    .next("start(): is the ServerSocketChannel bound before start returns?").build();
        }
        return port;
    }

    /**
     * The live threads that were not there before this server started, but for the kit's own: the server's thread,
     * and any other the learner's code made.
     */
    List<Thread> newThreads() {
        return newThreadsSince(threadsBefore);
    }

    static List<Thread> newThreadsSince(Set<Thread> before) {
        var found = new ArrayList<Thread>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && !before.contains(t) && t != Thread.currentThread() && !n.equals("lab-code")
                    && !n.equals("closing-your-server") && !n.startsWith("ForkJoinPool.commonPool")
                    && !n.equals("process reaper") && !n.startsWith("your-program") && !n.equals("a-plain-thread")) {
                found.add(t);
            }
        }
        return found;
    }

    /** The learner's {@code clients} list and each one's {@code key} (private: through reflection); empty if absent. */
    List<java.nio.channels.SelectionKey> clientKeys() {
        var keys = new ArrayList<java.nio.channels.SelectionKey>();
        try {
            var field = ChatServer.class.getDeclaredField("clients");
            field.setAccessible(true);
            for (Object client : List.copyOf((java.util.Collection<?>) field.get(server))) {
                var key = client.getClass().getDeclaredField("key");
                key.setAccessible(true);
                keys.add((java.nio.channels.SelectionKey) key.get(client));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            keys.clear();                         // a server shaped otherwise: nothing to look at
        }
        return keys;
    }

    static String names(List<Thread> threads) {
        return threads.stream().map(t -> "\"" + t.getName() + "\"").toList().toString();
    }

    void stop() {
        LabCode.run("called stop() on your server", CALL, server::stop, this);
    }

    /** Calls close(); returns how long it took. */
    Duration closeServer() {
        long start = System.nanoTime();
        LabCode.run("called close() on your server", CALL, server::close, this);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether the server's thread ended within {@code limit}. */
    boolean awaitStopped(Duration limit) {
        return LabCode.call("waited for your server's thread with awaitStopped(" + LabCode.seconds(limit) + ")",
                limit.plus(CALL), () -> server.awaitStopped(limit), this);
    }

    /** Calls close() from a thread whose interrupt status is set; returns whether it is still set afterwards. */
    boolean closeWhileInterrupted() {
        return LabCode.call("called close() on your server from a thread whose interrupt status was set", CALL, () -> {
            Thread.currentThread().interrupt();
            server.close();
            return Thread.interrupted();
        }, this);
    }

    String log() {
        return log.text();
    }

    /** Waits up to {@code limit} until the server's thread is held in its first log line. */
    boolean awaitHeldInLog(Duration limit) {
        return log.awaitHeld(limit);
    }

    void releaseLog() {
        log.release();
    }

    /** Waits up to {@code limit} until the log holds a line containing {@code part}; the log's lines then. */
    List<String> awaitLogLine(String part, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (log().lines().noneMatch(l -> l.contains(part)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);                 // polling the learner's own output, with a bound
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return log().lines().toList();
    }

    String logForMessage() {
        String text = log();
        return text.isEmpty() ? "(your server's log is empty)"
                : "your server's log:\n" + text.lines().limit(8).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** Closes the learner's server on a thread of its own, so that a close() that hangs cannot hang the check. */
    @Override
    public void close() {
        log.checkIsOver();
        log.release();
        Thread closing = new Thread(() -> {
            try {
                server.close();
            } catch (Throwable ignored) {
                // Cleaning up after a check: its own result is what the learner needs to see.
            }
        }, "closing-your-server");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(CALL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
