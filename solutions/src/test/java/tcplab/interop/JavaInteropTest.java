package tcplab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcplab.kit.Inspector;
import tcplab.kit.LiveOutput;
import tcplab.lab03.Client;
import tcplab.lab04.Server;
import tcplab.lab05.FrameServer;

/**
 * The Java reference programs speak the same 128-byte frame protocol to each other: the lesson 03 client against
 * the lesson 04 server and against the lesson 05 frame server, in English and in Chinese. Everything runs
 * in-process on the programs' {@code run} methods (or {@link FrameServer#start}), each on its own thread, on
 * loopback with port 0, and every wait is bounded.
 */
@Timeout(60)
class JavaInteropTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Pattern LISTENING = Pattern.compile("listening on (.*):(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern PEER = Pattern.compile("^ip:(.*), port:(\\d+)\\s*$", Pattern.MULTILINE);
    private static final String CHINESE = "你好，世界";

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "java-interop");
        t.setDaemon(true); // a program stuck past its own time limits must not keep the test JVM alive
        return t;
    });

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void the_Java_client_talks_to_the_Java_server_which_sees_the_clients_port() throws Exception {
        // The server is held right after it printed the client's address, so the connection is still open and
        // the kernel's table can say which port the client's socket really has.
        var serverOut = new LiveOutput("ip:", LIMIT);
        try {
            var serverErr = new ByteArrayOutputStream();
            Future<Integer> server = startServer(serverOut, serverErr);
            int port = awaitPort(serverOut, "the Java server");

            Run client = startClient("hello\n", port);
            Matcher peer = awaitLine(PEER, serverOut, "the Java server (the \"ip:..., port:...\" line)");
            assertEquals("127.0.0.1", peer.group(1), "the Java server's peer line: " + serverOut.text());
            int clientPort = Integer.parseInt(peer.group(2));
            if (Inspector.available()) {
                // only this JVM's client socket is connected to the server's port from clientPort
                List<Inspector.Row> rows = Inspector.tcpRowsFor(port);
                assertTrue(rows.stream().anyMatch(r -> r.local().getPort() == clientPort
                                && r.remote().getPort() == port && r.state().equals("ESTABLISHED")),
                        "expected the kernel to show the client's socket on port " + clientPort
                                + " (as the server printed) ESTABLISHED to the server's port " + port
                                + "; TCP rows for port " + port + ": " + rows);
            } else {
                assertTrue(clientPort > 0 && clientPort != port, "the Java server's peer line: " + serverOut.text());
            }
            serverOut.release();

            client.assertPrinted("from server: hello *_*");
            assertServer(server, serverOut, serverErr, "hello");
        } finally {
            serverOut.release();
        }
    }

    @Test
    void the_Java_client_talks_to_the_Java_server_in_Chinese() throws Exception {
        roundTrip(CHINESE, "from server: " + CHINESE + " *_*");
    }

    @Test
    void a_Chinese_text_that_fills_the_frame_comes_back_cut_at_a_character_boundary() throws Exception {
        String full = CHINESE.repeat(8) + "你好"; // 42 characters of 3 bytes: 126 bytes, the frame's last NUL left
        assertEquals(126, full.getBytes(StandardCharsets.UTF_8).length, "test text length in UTF-8 bytes");
        // 126 bytes + " *_*" do not fit in 127: the server keeps the text and the space, and drops "*_*"
        roundTrip(full, "from server: " + full + " ");
    }

    /** One line from the reference client through the reference server, and what both must print. */
    private void roundTrip(String text, String clientPrints) throws Exception {
        var serverOut = new LiveOutput();
        var serverErr = new ByteArrayOutputStream();
        Future<Integer> server = startServer(serverOut, serverErr);
        int port = awaitPort(serverOut, "the Java server");

        startClient(text + "\n", port).assertPrinted(clientPrints);
        assertServer(server, serverOut, serverErr, text);
    }

    @Test
    void the_Java_client_talks_to_the_lesson_05_frame_server_twice_in_English_and_in_Chinese() throws Exception {
        var log = new ByteArrayOutputStream();
        try (FrameServer server = FrameServer.start("127.0.0.1", 0, LIMIT,
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            // one client after the other: the frame server must have closed the first conversation
            startClient("hello\n", server.port()).assertPrinted("from server: hello *_*");
            startClient(CHINESE + "\n", server.port()).assertPrinted("from server: " + CHINESE + " *_*");
            server.stop();
            assertTrue(server.awaitStopped(LIMIT), "expected the frame server's thread to end within "
                    + LIMIT.toSeconds() + " s of stop(); it still runs");
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8),
                "expected no line in the frame server's log (no client went wrong); the log says");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The lesson 04 server on 127.0.0.1, port 0, with the test's limits so it always ends by itself. */
    private Future<Integer> startServer(LiveOutput out, ByteArrayOutputStream err) {
        return threads.submit(() -> Server.run(new String[] {"127.0.0.1", "0"}, InputStream.nullInputStream(),
                out.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8), LIMIT, LIMIT));
    }

    /** The lesson 03 client with {@code stdin} as its input, to 127.0.0.1:{@code port}. */
    private Run startClient(String stdin, int port) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        Callable<Integer> run = () -> Client.run(new String[] {"127.0.0.1", String.valueOf(port)}, in,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), LIMIT, LIMIT);
        return new Run(threads.submit(run), out, err);
    }

    private record Run(Future<Integer> exit, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        void assertPrinted(String line) throws Exception {
            int code = await(exit, "the Java client");
            String stdout = out.toString(StandardCharsets.UTF_8);
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, "expected the Java client to end with 0; stdout: " + stdout + "\nstderr: " + stderr);
            assertTrue(stdout.lines().anyMatch(line::equals), "expected the Java client to print the line \""
                    + line + "\"; stdout: " + stdout + "\nstderr: " + stderr);
        }
    }

    private static void assertServer(Future<Integer> server, LiveOutput out, ByteArrayOutputStream err, String text)
            throws Exception {
        int code = await(server, "the Java server");
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, "expected the Java server to end with 0; stdout: " + out.text() + "\nstderr: " + stderr);
        assertTrue(out.text().lines().anyMatch(("from client: " + text)::equals),
                "expected the Java server to print the line \"from client: " + text + "\"; stdout: " + out.text()
                        + "\nstderr: " + stderr);
    }

    private static int await(Future<Integer> program, String who) throws Exception {
        try {
            return program.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            program.cancel(true);
            return fail(who + " did not end within " + LIMIT.toSeconds() + " s");
        }
    }

    private static int awaitPort(LiveOutput out, String who) throws Exception {
        return Integer.parseInt(awaitLine(LISTENING, out, who + " (the \"listening on\" line)").group(2));
    }

    private static Matcher awaitLine(Pattern line, LiveOutput out, String who) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(out.text());
            if (m.find()) {
                return m;
            }
            Thread.sleep(5);
        }
        return fail("expected a line from " + who + " within " + LIMIT.toSeconds() + " s; its stdout: "
                + out.text());
    }
}
