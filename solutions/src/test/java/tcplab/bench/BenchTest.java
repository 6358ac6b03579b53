package tcplab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcplab.kit.bench.LoadGenerator;

/**
 * {@code ./tcplab bench} runs end to end, so that it cannot rot: against the reference (and lesson 06's C thread
 * server where there is a C compiler) for a second with two connections, and a server that answers wrongly is
 * reported as errors, not as a fast server. Nothing here judges speed.
 */
@Timeout(180)
class BenchTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void bench_06_measures_the_reference_and_the_C_thread_server_and_prints_the_table() throws Exception {
        boolean cc = compilerHere();
        List<String> args = new ArrayList<>(List.of("bench", "06", "--reference", "--connections", "2",
                "--seconds", "1", "--warmup", "0", "--runs", "1"));
        args.addAll(cc ? List.of("--c", "--only", "reference,thread_server") : List.of("--only", "reference"));
        Ran ran = cli(args);

        assertEquals(0, ran.exit, ran.output);
        List<String> lines = ran.output.lines().toList();
        String row = lines.stream().filter(l -> l.startsWith("reference, ")).findFirst().orElse(null);
        assertNotNull(row, "no row for the reference in:\n" + ran.output);
        assertTrue(row.matches("reference, (virtual|platform) threads +2 +[0-9,]+ .* 0 +[0-9]+% +[0-9]+%"),
                "the reference's row should show 2 connections and 0 errors:\n" + ran.output);
        if (cc) {
            assertTrue(lines.stream().anyMatch(l -> l.matches("C thread_server +2 +[0-9,]+ .* 0 +[0-9]+% +[0-9]+%")),
                    ran.output);
            assertTrue(lines.get(lines.size() - 1).matches("throughput ratio C/Java: [0-9]+\\.[0-9]{2}"),
                    "the last line should be the ratio:\n" + ran.output);
        }
    }

    @Test
    void a_server_that_answers_wrongly_is_reported_as_errors_and_fails_the_run() throws Exception {
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> echoFramesUnchanged(server), "wrong-server");
            serving.setDaemon(true);
            serving.start();
            var out = new ByteArrayOutputStream();
            int exit = LoadGenerator.run(new String[] {"load", "127.0.0.1", String.valueOf(server.getLocalPort()),
                "2", "1", "0", "500", "127.0.0.1"}, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertEquals(0, exit);
            String line = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("result "))
                    .findFirst().orElseThrow();
            LoadGenerator.Result result = LoadGenerator.Result.parse(line);
            assertEquals(2, result.connected(), result.line());
            assertEquals(0, result.roundTrips(), "a wrong reply is not a round trip: " + result.line());
            assertTrue(result.errors() > 0, result.line());
            assertTrue(result.firstError().contains("was not \"c0 0 *_*\" but \"c0 0\"")
                    || result.firstError().contains("was not \"c1 0 *_*\" but \"c1 0\""), result.firstError());
        }
    }

    /** A wrong server: it sends every frame back as it came, without the " *_*" of the protocol's reply. */
    private static void echoFramesUnchanged(ServerSocket server) {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread t = new Thread(() -> {
                try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] frame;
                    while ((frame = in.readNBytes(128)).length == 128) {
                        out.write(frame);
                    }
                } catch (IOException ignored) {
                    // the generator closed: done
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    private record Ran(int exit, String output) {}

    /** The CLI in a JVM of its own, as the launcher runs it, on the kit's class path without the reference. */
    private static Ran cli(List<String> args) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().startsWith(ROOT.resolve("solutions/target")))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dtcplab.root=" + ROOT,
                "-cp", classPath, "tcplab.kit.cli.Main"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        var output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // killed: what was read is reported
            }
        });
        reader.start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        reader.join(5_000);
        return new Ran(p.isAlive() ? -1 : p.exitValue(), output.toString());
    }

    private static boolean compilerHere() {
        try {
            Process p = new ProcessBuilder("cc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
