package tcplab.lab01;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tcplab.kit.Conversation;
import tcplab.kit.ScriptedClient;
import tcplab.kit.Transcript;

/** Small helpers for lab 01's checks: a kit client whose bytes are already waiting when the learner reads. */
final class Wire01 {

    static final Duration LIMIT = Duration.ofSeconds(2);

    private Wire01() {}

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One accepted connection whose peer is the kit; closing it closes both ends and the listener. */
    record KitToSocket(ServerSocket listener, Conversation kit, Socket accepted) implements AutoCloseable {
        @Override
        public void close() {
            tcplab.kit.Sockets.closeAll(accepted, kit, listener);
        }
    }

    /**
     * The kit connects to a loopback listener of the check's, writes each chunk with a write of its own, shuts
     * down its output, and waits until every byte sits in the accepted socket's receive buffer. Whatever the
     * learner's reads return then depends only on the bytes and the buffer size, never on timing.
     */
    static KitToSocket kitWritesThenCloses(Transcript wire, List<byte[]> chunks) throws IOException {
        var listener = new ServerSocket();
        Conversation kit = null;
        Socket accepted = null;
        try {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            listener.setSoTimeout((int) LIMIT.toMillis());
            kit = ScriptedClient.connect(listener.getInetAddress().getHostAddress(), listener.getLocalPort(),
                    wire, LIMIT);
            accepted = listener.accept();
            accepted.setSoTimeout((int) LIMIT.toMillis());
            int total = 0;
            for (byte[] chunk : chunks) {
                kit.send(chunk);
                total += chunk.length;
            }
            kit.shutdownOutput();
            waitUntilBuffered(accepted, total, wire);
            return new KitToSocket(listener, kit, accepted);
        } catch (IOException | RuntimeException e) {
            tcplab.kit.Sockets.closeAll(accepted, kit, listener);
            throw e;
        }
    }

    /** Polls the kernel's count of unread bytes (FIONREAD, Java's available()) until {@code count} are there. */
    static void waitUntilBuffered(Socket socket, int count, Transcript wire) throws IOException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (socket.getInputStream().available() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the kit's " + count + " bytes did not reach the receive buffer "
                        + "within " + LIMIT + "; this is a problem of the check, not of your code");
            }
            sleep(2);
        }
        wire.event("all " + count + " bytes are waiting in your socket's receive buffer; now your code reads");
    }

    /** The check's own exact read, used to see what the learner's code left in the stream. */
    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int have = 0;
        while (have < n) {
            int got = in.read(b, have, n - have);
            if (got == -1) {
                return java.util.Arrays.copyOf(b, have);
            }
            have += got;
        }
        return b;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
