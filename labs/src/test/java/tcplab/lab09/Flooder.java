package tcplab.lab09;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tcplab.kit.Frame;
import tcplab.kit.Sockets;

/**
 * A client that never reads: it sends frames as fast as it can, on a thread of its own, and leaves every reply
 * unread. Its receive buffer is made small, so the server's replies soon pile up and the server's write to it
 * blocks, as it would for a real client that stopped reading. The sending thread ends when the connection fails
 * (the server closed or reset it) or when the check closes it.
 */
final class Flooder implements AutoCloseable {

    private final Socket socket = new Socket();
    private final AtomicLong sent = new AtomicLong();
    /** When a write last went through: once the server stops reading, this stops moving. */
    private volatile long lastProgress = System.nanoTime();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile IOException failure;
    private final Thread sender;

    Flooder(String host, int port) throws IOException {
        socket.setReceiveBufferSize(4096);         // before connect, so the window the server sees is small
        try {
            socket.connect(new InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            Sockets.closeAll(socket);
            throw e;
        }
        byte[] batch = new byte[Frame.SIZE * 32];
        byte[] one = Frame.of("I never read your replies");
        for (int i = 0; i < 32; i++) {
            System.arraycopy(one, 0, batch, i * Frame.SIZE, Frame.SIZE);
        }
        sender = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    out.write(batch);
                    sent.addAndGet(batch.length);
                    lastProgress = System.nanoTime();
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                ended.countDown();
            }
        }, "kit-flooder");
        sender.setDaemon(true);
        sender.start();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    long sent() {
        return sent.get();
    }

    /**
     * When the client's last write went through ({@code System.nanoTime()}). The server stops reading only while
     * its own write to this client is blocked, so its write blocked before this moment.
     */
    long lastProgress() {
        return lastProgress;
    }

    /** Whether the sending thread ended (its connection failed) within {@code millis}. */
    boolean awaitEnded(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Why sending ended, or null while it goes on. */
    IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);          // a reset: the unread replies are dropped, no TIME_WAIT is left
        } catch (IOException ignored) {
            // Closed already.
        }
        Sockets.closeAll(socket);
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
