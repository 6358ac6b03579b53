package tcplab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frames that make two servers of the 128-byte protocol show their differences, and the loads lesson 08's one-thread
 * servers must survive: a thousand connections at once, each frame split in two writes, and one client that sends
 * thousands of frames before it reads (so the server must stop reading it and finish its partial writes).
 */
final class FrameLoad {

    static final int FRAME = 128;

    private FrameLoad() {}

    /** Frames at the protocol's edges; with {@code validUtf8} false also bytes that are not UTF-8 at all. */
    static List<byte[]> trickyFrames(boolean validUtf8) {
        var frames = new ArrayList<byte[]>();
        frames.add(text("hello"));
        frames.add(text(""));
        frames.add(text("你好，世界"));
        frames.add(text("a".repeat(123)));                       // the reply is exactly 127 bytes
        frames.add(text("a".repeat(124)));                       // the reply is cut
        frames.add(text("a".repeat(121) + "你"));                // the cut falls after the character
        frames.add(raw("a".repeat(125) + "你"));                 // 128 bytes, no NUL: the cut falls inside 你
        frames.add(raw("b".repeat(128)));
        frames.add(raw("a".repeat(126) + "\u00e9"));            // 128 bytes: the cut falls inside é
        frames.add(raw("hi\0after the NUL"));
        if (!validUtf8) {
            frames.add(Arrays.copyOf(new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}, FRAME));
            byte[] split = raw("a".repeat(127) + "!");
            split[127] = (byte) 0xE4;                            // the first byte of 你, and the frame ends
            frames.add(split);
        }
        return frames;
    }

    private static byte[] text(String s) {
        return Arrays.copyOf(s.getBytes(StandardCharsets.UTF_8), FRAME);
    }

    private static byte[] raw(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, Math.max(FRAME, b.length));
    }

    /** Sends every frame in one write on one connection and returns the replies, all of them, as they came. */
    static byte[] ask(int port, List<byte[]> frames) throws IOException {
        try (var s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            var all = new ByteArrayOutputStream();
            for (byte[] f : frames) {
                assertEquals(FRAME, f.length, "a test frame is 128 bytes");
                all.writeBytes(f);
            }
            s.getOutputStream().write(all.toByteArray());
            byte[] replies = s.getInputStream().readNBytes(FRAME * frames.size());
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "the server closes after the client");
            return replies;
        }
    }

    /**
     * {@code count} connections open at once; each sends one frame in two writes (the second only once every
     * connection has sent its first), then every reply is read and compared with {@code expected}.
     */
    static void manyAtOnce(int port, int count, byte[] frame, byte[] expected) throws IOException {
        var clients = new ArrayList<Socket>();
        try {
            for (int i = 0; i < count; i++) {
                var c = new Socket("127.0.0.1", port);
                clients.add(c);
                c.setSoTimeout(20_000);
            }
            for (Socket c : clients) {
                c.getOutputStream().write(frame, 0, 50);
            }
            for (Socket c : clients) {
                c.getOutputStream().write(frame, 50, FRAME - 50);
            }
            for (int i = 0; i < count; i++) {
                byte[] got = clients.get(i).getInputStream().readNBytes(FRAME);
                assertArrayEquals(expected, got, "connection " + (i + 1) + " of " + count);
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    /**
     * One client that sends {@code frames} frames as fast as it can while another thread reads the replies: the
     * server's sends fill up, it must keep the rest and stop reading until they are taken.
     */
    static void pipelined(int port, int frames, byte[] frame, byte[] expected) throws Exception {
        try (var s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            // A thread of its own, not the common pool: on two cores that pool has one thread, which a task left
            // waiting by another test in this JVM can hold, and then nothing is written and every read times out.
            var writer = new CompletableFuture<Void>();
            Thread writing = new Thread(() -> {
                try {
                    byte[] burst = new byte[FRAME * 100];
                    for (int i = 0; i < 100; i++) {
                        System.arraycopy(frame, 0, burst, i * FRAME, FRAME);
                    }
                    for (int i = 0; i < frames / 100; i++) {
                        s.getOutputStream().write(burst);
                    }
                    writer.complete(null);
                } catch (Throwable e) {
                    writer.completeExceptionally(e);
                }
            }, "pipelining-writer");
            writing.setDaemon(true);
            writing.start();
            var in = s.getInputStream();
            for (int i = 0; i < frames / 100 * 100; i++) {
                assertArrayEquals(expected, in.readNBytes(FRAME), "reply " + (i + 1) + " of " + frames);
            }
            writer.get(20, TimeUnit.SECONDS);
        }
    }
}
