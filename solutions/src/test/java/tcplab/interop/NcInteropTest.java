package tcplab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcplab.kit.Frame;
import tcplab.kit.Inspector;
import tcplab.kit.LiveOutput;
import tcplab.lab03.Client;
import tcplab.lab04.Server;
import tcplab.lab05.FrameServer;

/**
 * The Java reference programs and OpenBSD netcat ({@code nc}), the tool the lessons use to poke a server: nc
 * carries raw bytes, so what it received or sent is compared byte for byte with the 128-byte frame.
 *
 * <p>Skipped as a whole where {@code nc} is not on the PATH or is another netcat (the flags differ). nc cannot
 * listen on port 0 and say which port it got, so the nc server gets a port that was free a moment ago and is
 * started again on another one if something took it in between.
 */
@Timeout(60)
class NcInteropTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Pattern LISTENING = Pattern.compile("listening on (.*):(\\d+)\\s*$", Pattern.MULTILINE);
    private static final String CHINESE = "你好，世界";
    private static final int BIND_ATTEMPTS = 5;

    private static String nc;

    private final List<Process> processes = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nc-interop");
        t.setDaemon(true);
        return t;
    });
    private Path dir;

    @BeforeAll
    static void findNc() {
        nc = openBsdNetcat();
        Assumptions.assumeTrue(nc != null, "OpenBSD netcat is not on the PATH (no `nc`, or `nc -h` does not say "
                + "\"OpenBSD netcat\"): the nc interop tests are skipped (install netcat-openbsd to run them)");
    }

    @BeforeEach
    void makeFolder() throws IOException {
        // the files nc reads and writes stay for a look after a failure: target/nc-interop/run-*
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "nc-interop")), "run-")
                .toAbsolutePath();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    // ---- nc as the server, the Java client as the client --------------------------------------------------

    @Test
    void nc_as_the_server_receives_exactly_one_frame_from_the_Java_client() throws Exception {
        ncServerAgainstJavaClient("hello");
    }

    @Test
    void nc_as_the_server_receives_exactly_one_Chinese_frame_from_the_Java_client() throws Exception {
        ncServerAgainstJavaClient(CHINESE);
    }

    private void ncServerAgainstJavaClient(String text) throws Exception {
        Path reply = write("reply.bin", Frame.of(text + " *_*"));
        Path received = dir.resolve("received.bin");
        NcServer server = startNcServer(reply, received);
        try {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            var in = new ByteArrayInputStream((text + "\n").getBytes(StandardCharsets.UTF_8));
            Future<Integer> client = threads.submit(() -> Client.run(
                    new String[] {"127.0.0.1", String.valueOf(server.port)}, in,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), LIMIT, LIMIT));
            int code = await(client, "the Java client");
            String stdout = out.toString(StandardCharsets.UTF_8);
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, "expected the Java client to end with 0; stdout: " + stdout + "\nstderr: " + stderr);
            String line = "from server: " + text + " *_*";
            assertTrue(stdout.lines().anyMatch(line::equals), "expected the Java client to print the line \""
                    + line + "\"; stdout: " + stdout + "\nstderr: " + stderr);

            // the client closed after the reply: nc sees the end of stream and ends
            int ncExit = finish(server.process, "nc -l");
            assertEquals(0, ncExit, "expected nc -l to end with 0; its stderr: " + read(server.stderr));
            assertBytes(Frame.of(text), Files.readAllBytes(received), "the bytes nc -l received");
        } finally {
            server.process.destroyForcibly();
        }
    }

    // ---- nc as the client, the Java servers as the server -------------------------------------------------

    @Test
    void nc_as_the_client_gets_exactly_the_reply_frame_from_the_Java_server() throws Exception {
        ncClientAgainstJavaServer(true);
    }

    @Test
    void nc_as_the_client_without_half_close_gets_the_reply_frame_too_because_the_server_closes() throws Exception {
        ncClientAgainstJavaServer(false);
    }

    private void ncClientAgainstJavaServer(boolean halfClose) throws Exception {
        Path request = write("frame.bin", Frame.of("hello"));
        Path reply = dir.resolve("reply.bin");
        var out = new LiveOutput();
        var err = new ByteArrayOutputStream();
        Future<Integer> server = threads.submit(() -> Server.run(new String[] {"127.0.0.1", "0"},
                InputStream.nullInputStream(), out.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8),
                LIMIT, LIMIT));
        int port = awaitPort(out);

        List<String> command = new ArrayList<>(List.of(nc));
        if (halfClose) {
            command.add("-N"); // shut down the sending side once the file is sent
        }
        command.addAll(List.of("127.0.0.1", String.valueOf(port)));
        Path ncErr = dir.resolve("nc.err");
        Process client = start(command, request, reply, ncErr);
        try {
            int ncExit = finish(client, String.join(" ", command));
            assertEquals(0, ncExit, "expected " + String.join(" ", command) + " to end with 0; its stderr: "
                    + read(ncErr));
            assertBytes(Frame.of("hello *_*"), Files.readAllBytes(reply), "the bytes nc received");

            int code = await(server, "the Java server");
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, "expected the Java server to end with 0; stdout: " + out.text() + "\nstderr: "
                    + stderr);
            assertTrue(out.text().lines().anyMatch("from client: hello"::equals),
                    "expected the Java server to print the line \"from client: hello\"; stdout: " + out.text()
                            + "\nstderr: " + stderr);
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void nc_sends_two_frames_to_the_lesson_05_frame_server_and_gets_two_replies() throws Exception {
        // nc sends the whole file at once: the frame server must cut the bytes into frames itself. -N tells it
        // that no more frames come, so it closes, and nc ends.
        byte[] two = concat(Frame.of("hello"), Frame.of(CHINESE));
        Path request = write("frames.bin", two);
        Path reply = dir.resolve("replies.bin");
        Path ncErr = dir.resolve("nc.err");
        var log = new ByteArrayOutputStream();
        try (FrameServer server = FrameServer.start("127.0.0.1", 0, LIMIT,
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            List<String> command = List.of(nc, "-N", "127.0.0.1", String.valueOf(server.port()));
            Process client = start(command, request, reply, ncErr);
            try {
                int ncExit = finish(client, String.join(" ", command));
                assertEquals(0, ncExit, "expected " + String.join(" ", command) + " to end with 0; its stderr: "
                        + read(ncErr));
                assertBytes(concat(Frame.of("hello *_*"), Frame.of(CHINESE + " *_*")), Files.readAllBytes(reply),
                        "the bytes nc received");
            } finally {
                client.destroyForcibly();
            }
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8),
                "expected no line in the frame server's log (no client went wrong); the log says");
    }

    // ---------------------------------------------------------------------------------------------------------

    private record NcServer(Process process, int port, Path stderr) {}

    /**
     * {@code nc -v -l 127.0.0.1 PORT}, sending {@code stdin} to its client and writing what it receives to
     * {@code received}. Waits until it listens; tries another port when nc could not bind.
     */
    private NcServer startNcServer(Path stdin, Path received) throws Exception {
        var failures = new StringBuilder();
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = freePort();
            Path err = dir.resolve("nc-l-" + attempt + ".err");
            Process p = start(List.of(nc, "-v", "-l", "127.0.0.1", String.valueOf(port)), stdin, received, err);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (System.nanoTime() < deadline && p.isAlive() && !listening(err, port)) {
                Thread.sleep(5);
            }
            if (p.isAlive() && listening(err, port)) {
                return new NcServer(p, port, err);
            }
            String what = p.isAlive() ? "still not listening after " + LIMIT.toSeconds() + " s"
                    : "nc ended with " + p.exitValue();
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            failures.append("\nport ").append(port).append(": ").append(what)
                    .append("; stderr: ").append(read(err).strip());
        }
        return fail("expected `nc -l` to listen on a free port within " + BIND_ATTEMPTS + " attempts; got:"
                + failures);
    }

    /** Debian's nc -v says "Listening on ..."; where it does not, the kernel's table says LISTEN. */
    private static boolean listening(Path stderr, int port) throws IOException {
        return read(stderr).contains("Listening on")
                || (Inspector.available() && Inspector.tcpStatesAt(port).contains("LISTEN"));
    }

    /** A port that was free a moment ago: bound to 0 on loopback, read, closed. */
    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(List<String> command, Path stdin, Path stdout, Path stderr) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectInput(stdin.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        processes.add(p);
        return p;
    }

    /** Waits for {@code p} to end, killing it after the limit. */
    private static int finish(Process p, String who) throws Exception {
        if (!p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return fail("expected " + who + " to end within " + LIMIT.toSeconds() + " s; it still ran");
        }
        return p.exitValue();
    }

    private static int await(Future<Integer> program, String who) throws Exception {
        try {
            return program.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            program.cancel(true);
            return fail("expected " + who + " to end within " + LIMIT.toSeconds() + " s; it still ran");
        }
    }

    private static int awaitPort(LiveOutput out) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(out.text());
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
            Thread.sleep(5);
        }
        return fail("expected the Java server to print \"listening on IP:PORT\" within " + LIMIT.toSeconds()
                + " s; its stdout: " + out.text());
    }

    private static void assertBytes(byte[] expected, byte[] got, String what) {
        if (!Arrays.equals(expected, got)) {
            fail("expected " + what + " to be exactly these " + expected.length + " bytes:\n"
                    + HexFormat.of().formatHex(expected) + "\ngot " + got.length + " bytes:\n"
                    + HexFormat.of().formatHex(got));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A file in this test's own folder. */
    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** The path of {@code nc} if it is on the PATH and is OpenBSD netcat (it says so in {@code nc -h}), or null. */
    private static String openBsdNetcat() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder.isEmpty() ? "." : folder, "nc");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return saysOpenBsd(candidate) ? candidate.toAbsolutePath().toString() : null;
            }
        }
        return null;
    }

    private static boolean saysOpenBsd(Path nc) {
        Process p = null;
        try {
            Path help = Files.createTempFile("nc-help", ".txt");
            try {
                p = new ProcessBuilder(nc.toString(), "-h").redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(help.toFile()).start();
                return p.waitFor(10, TimeUnit.SECONDS) && read(help).contains("OpenBSD netcat");
            } finally {
                Files.deleteIfExists(help);
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
