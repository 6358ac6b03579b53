package tcplab.lab09;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import tcplab.kit.Sockets;

/**
 * The kit's own yardstick for the Nagle check: a one-client frame server that answers as the lab's server does,
 * with the given {@link Frames#write} (two writes per reply) on a socket with {@code TCP_NODELAY} on. Timed round
 * for round beside the learner's server on the same machine, it says how fast a correct server can be right now,
 * however busy the machine is.
 */
final class NoDelayServer implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket();
    private final Thread thread;
    private volatile Socket client;

    NoDelayServer() throws IOException {
        listener.bind(new InetSocketAddress(ServerUnderCheck.HOST, 0));
        thread = new Thread(this::serve, "kit-nodelay-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            client = s;
            s.setTcpNoDelay(true);
            var in = s.getInputStream();
            var out = s.getOutputStream();
            String text;
            while ((text = Frames.read(in)) != null) {
                Frames.write(out, Frames.reply(text));
            }
        } catch (IOException e) {
            // The check closed it, or the check is over: nothing to report.
        }
    }

    @Override
    public void close() {
        Sockets.closeAll(listener);
        Socket s = client;
        if (s != null) {
            Sockets.closeAll(s);
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
