package tcplab.kit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server the kit controls, for checking a learner's client. It listens on loopback at a free port and plays a
 * script for each connection, one connection after another: answer properly, dribble a byte at a time, close
 * early, reset, or never answer at all.
 */
public final class ScriptedServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void play(Conversation c) throws Exception;
    }

    private final ServerSocket listener;
    private final Transcript wire;
    private final Script script;
    private final Thread thread;
    private final List<Conversation> open = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger served = new AtomicInteger();

    private ScriptedServer(ServerSocket listener, Transcript wire, Script script) {
        this.listener = listener;
        this.wire = wire;
        this.script = script;
        this.thread = new Thread(this::serve, "scripted-server");
        this.thread.setDaemon(true);
    }

    /** Starts a server on 127.0.0.1 at a port the system picks. */
    public static ScriptedServer start(Transcript wire, Script script) throws IOException {
        return start(InetAddress.getLoopbackAddress(), wire, script);
    }

    /** Starts a server on {@code address} (loopback, IPv4 or IPv6) at a port the system picks. */
    public static ScriptedServer start(InetAddress address, Transcript wire, Script script) throws IOException {
        var listener = new ServerSocket();
        listener.bind(new InetSocketAddress(address, 0), 10);
        var server = new ScriptedServer(listener, wire, script);
        server.thread.start();
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** How many connections the script has finished playing. */
    public int served() {
        return served.get();
    }

    private void serve() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                failures.add(e);
                return;
            }
            wire.event("your code connected from port " + s.getPort());
            try (var c = new Conversation(s, wire)) {
                open.add(c);
                script.play(c);
            } catch (Throwable t) {
                if (!listener.isClosed()) {
                    failures.add(t);
                }
            } finally {
                served.incrementAndGet();
            }
        }
    }

    /** Fails the check if the script itself broke (a bug in the check, not in the learner's code). */
    public void rethrowScriptFailure() {
        if (!failures.isEmpty()) {
            Throwable t = failures.get(0);
            if (t instanceof CheckFailed f) {
                throw f;
            }
            throw new IllegalStateException("the kit's scripted server failed: " + t, t);
        }
    }

    @Override
    public void close() {
        Sockets.closeAll(listener);
        open.forEach(Conversation::close);
        try {
            thread.join(Duration.ofSeconds(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
