package tcplab.lab01;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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

    /**
     * The range the system picks a port from when a socket binds to port 0, as {@code [lowest, highest]}, or null
     * where it cannot be read (only Linux shows it, in /proc).
     */
    static int[] ephemeralPorts() {
        try {
            // Line by line: under gVisor, Files.readString of this file (size 0) returns its first byte only.
            String[] range = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                    "/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException unknown) {
            return null;
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

    /**
     * The check's view of a socket's input, handed to the learner's code: each read returns at most
     * {@code maxPerRead} bytes (so "one read is not one message" shows the same way on every run), and a loop that
     * goes on reading after the end of the stream is stopped with {@link ReadAfterEnd} instead of spinning (and
     * filling memory) until the time limit. Its own frames are removed from what it throws, so that a message
     * names the learner's line, not this class.
     */
    static final class Watched extends FilterInputStream {
        /** How many times a read may report the end before the loop around it is called endless. */
        static final int ENDS_ALLOWED = 100;
        private final int maxPerRead;
        private int ends;

        Watched(InputStream in, int maxPerRead) {
            super(in);
            this.maxPerRead = maxPerRead;
        }

        @Override
        public int read() throws IOException {
            try {
                return ended(super.read());
            } catch (IOException e) {
                throw hide(e);
            } catch (RuntimeException e) {
                throw hide(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                return ended(super.read(b, off, Math.min(len, maxPerRead)));
            } catch (IOException e) {
                throw hide(e);
            } catch (RuntimeException e) {
                throw hide(e);
            }
        }

        private int ended(int n) throws ReadAfterEnd {
            if (n == -1 && ++ends > ENDS_ALLOWED) {
                throw new ReadAfterEnd(ENDS_ALLOWED);
            }
            return n;
        }

        /** How many reads have reported the end of the stream so far. */
        int ends() {
            return ends;
        }
    }

    /**
     * The check's datagram socket handed to the learner's code: a real socket bound to loopback that notes when each
     * receive() call began and when it returned with a datagram, so that a check can tell how long the learner's
     * code waited for the datagram that never came, however long the ones before it took.
     */
    static final class TimedDatagramSocket extends java.net.DatagramSocket {
        private final java.util.List<Long> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.CountDownLatch firstReceive = new java.util.concurrent.CountDownLatch(1);

        TimedDatagramSocket() throws java.net.SocketException {
            super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        @Override
        public void receive(java.net.DatagramPacket p) throws IOException {
            firstReceive.countDown();
            try {
                super.receive(p);
            } catch (IOException e) {
                throw hide(e);
            }
            received.add(System.nanoTime());
        }

        /** Waits until the learner's code first calls receive(); false if it has not within {@code limit}. */
        boolean awaitFirstReceive(Duration limit) throws InterruptedException {
            return firstReceive.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** How many receive() calls returned a datagram. */
        int datagramsReceived() {
            return received.size();
        }

        /** When the last datagram was handed to the learner's code, or {@code otherwise} if none was. */
        long lastReceivedOr(long otherwise) {
            return received.isEmpty() ? otherwise : received.get(received.size() - 1);
        }
    }

    /** Thrown by {@link Watched} when the learner's code keeps reading after the stream has ended. */
    static final class ReadAfterEnd extends IOException {
        ReadAfterEnd(int times) {
            super("read returned -1 (end of stream) " + times + " times, and your code still asked for more");
        }
    }

    private static <T extends Throwable> T hide(T e) {
        StackTraceElement[] frames = e.getStackTrace();
        e.setStackTrace(Arrays.stream(frames).filter(f -> !f.getClassName().startsWith(Wire01.class.getName()))
                .toArray(StackTraceElement[]::new));
        return e;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
