package tcplab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcplab.kit.LiveOutput;
import tcplab.lab06.FrameServer;
import tcplab.lab08.SelectorFrameServer;

/**
 * Lesson 08's given {@code SelectorFrameServer} answers every frame byte for byte as Lab 06's reference
 * {@code FrameServer} does, so {@code ./tcplab bench 08} compares like with like; and it survives a thousand
 * connections at once and a client that sends far more than it reads, on its one thread.
 */
@Timeout(120)
class SelectorFrameServerTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    private PipedOutputStream stdin;
    private final LiveOutput out = new LiveOutput();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CompletableFuture<Integer> program;
    private int port;

    @BeforeEach
    void startTheSelectorServer() throws Exception {
        stdin = new PipedOutputStream();
        var in = new PipedInputStream(stdin);
        // A thread of its own, not the common pool: the server blocks until its input ends, and on two cores the
        // common pool has one thread, which the clients' helpers may need meanwhile.
        program = new CompletableFuture<>();
        Thread serving = new Thread(() -> {
            try {
                program.complete(SelectorFrameServer.run(new String[] {"127.0.0.1", "0"}, in, out.printStream(),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
            } catch (Throwable e) {
                program.completeExceptionally(e);
            }
        }, "selector-frame-server");
        serving.setDaemon(true);
        serving.start();
        port = awaitPort();
    }

    @AfterEach
    void stopIt() throws Exception {
        stdin.close();                                   // Ctrl-D
        assertEquals(0, program.get(20, TimeUnit.SECONDS), "exit code; stderr: " + err);
        assertTrue(out.text().endsWith("stopped\n") || out.text().endsWith("stopped\r\n"), out.text());
    }

    @Test
    void it_answers_every_frame_as_lab_06s_reference_does() throws Exception {
        List<byte[]> frames = FrameLoad.trickyFrames(false);
        byte[] expected;
        try (var reference = FrameServer.start("127.0.0.1", 0, Duration.ofSeconds(20), System.err)) {
            expected = FrameLoad.ask(reference.port(), frames);
        }
        byte[] got = FrameLoad.ask(port, frames);
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, i * 128, i * 128 + 128),
                    java.util.Arrays.copyOfRange(got, i * 128, i * 128 + 128), "reply to test frame " + (i + 1));
        }
    }

    @Test
    void it_serves_a_thousand_connections_at_once_and_a_client_that_reads_slowly() throws Exception {
        byte[] frame = FrameLoad.trickyFrames(true).get(2);   // 你好，世界
        byte[] expected = java.util.Arrays.copyOf("你好，世界 *_*".getBytes(StandardCharsets.UTF_8), 128);
        FrameLoad.manyAtOnce(port, 1000, frame, expected);
        FrameLoad.pipelined(port, 20_000, frame, expected);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing on stderr");
    }

    @Test
    void usage_errors_exit_2_and_a_port_in_use_exits_1() throws Exception {
        var e = new ByteArrayOutputStream();
        var ps = new PrintStream(e, true, StandardCharsets.UTF_8);
        var none = java.io.InputStream.nullInputStream();
        var o = new ByteArrayOutputStream();
        var ops = new PrintStream(o, true, StandardCharsets.UTF_8);
        assertEquals(2, SelectorFrameServer.run(new String[] {"127.0.0.1"}, none, ops, ps));
        assertEquals(2, SelectorFrameServer.run(new String[] {"127.0.0.1", "65536"}, none, ops, ps));
        assertEquals(2, SelectorFrameServer.run(new String[] {"127.0.0.1", "x"}, none, ops, ps));
        assertEquals(2, SelectorFrameServer.run(new String[] {"nowhere.invalid", "0"}, none, ops, ps));
        assertEquals("", o.toString(StandardCharsets.UTF_8));
        assertEquals(4, e.toString(StandardCharsets.UTF_8).split("Usage: SelectorFrameServer <ip> <port>", -1).length
                - 1, e.toString(StandardCharsets.UTF_8));
        assertEquals(1, SelectorFrameServer.run(new String[] {"127.0.0.1", String.valueOf(port)}, none, ops, ps));
    }

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(out.text());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(10);
        }
        return fail("SelectorFrameServer printed no \"listening on\" line within 20 s: " + out.text() + err);
    }
}
