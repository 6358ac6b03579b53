package tcplab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcplab.kit.LiveOutput;
import tcplab.lab04.Server;

/**
 * The lessons' C programs and the Java reference programs speak the same 128-byte frame protocol: proven by
 * running them against each other. The C client ({@code lessons/03-client/client.c}) and the C server
 * ({@code lessons/04-server/server.c}) are compiled with {@code cc}, warning-free, into {@code target/c-interop};
 * the Java side runs in-process through the programs' {@code run} methods. Lesson 06's concurrent C servers
 * ({@code fork_server.c}, {@code thread_server.c}) and lesson 08's one-thread {@code epoll_server.c} are compiled
 * the same way and must serve two clients at once; the epoll server must also answer every frame as Lab 06's
 * reference does and survive a thousand connections at once.
 *
 * <p>Skipped as a whole where there is no C compiler; the parts that need lesson 03's client are skipped while
 * that lesson is not in the tree. The Java client is found by name ({@code tcplab.lab03.Client}), so this class
 * compiles with or without lesson 03.
 */
@Timeout(60)
class CInteropTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Pattern LISTENING = Pattern.compile("listening on (.*):(\\d+)\\s*$", Pattern.MULTILINE);

    private static Path bin;
    private static Path cServer;
    private static Path cClient; // null while lesson 03's client.c is not in the tree
    /** Lesson 06's concurrent C servers, a process and a thread per client; empty while lesson 06 is not here. */
    private static final List<Path> cConcurrentServers = new ArrayList<>();
    /** Lesson 07's length-prefixed C client of the key-value store; null while lesson 07 is not here. */
    private static Path cStoreClient;

    /** Lesson 08's one-thread C server (epoll: Linux only); null while lesson 08 is not here. */
    private static Path cEpollServer;

    /** Lesson 09's C server with a request deadline and a write bound; null while lesson 09 is not here. */
    private static Path cDeadlineServer;

    /** Lesson 10's UDP server of Lab 10's protocol (recvfrom / sendto); null while lesson 10 is not here. */
    private static Path cUdpEcho;

    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, String> outputs = new HashMap<>();

    @BeforeAll
    static void compile() throws Exception {
        Assumptions.assumeTrue(hasCompiler(), "no C compiler: `cc --version` did not run, so the C interop tests "
                + "are skipped (install gcc or clang to run them)");
        Path root = repositoryRoot();
        bin = Path.of("target", "c-interop").toAbsolutePath();
        Files.createDirectories(bin);
        cServer = cc(root.resolve("lessons/04-server/server.c"), "server");
        Path client = root.resolve("lessons/03-client/client.c");
        cClient = Files.exists(client) ? cc(client, "client") : null;
        Path fork = root.resolve("lessons/06-concurrency/fork_server.c");
        if (Files.exists(fork)) {
            cConcurrentServers.add(cc(fork, "fork_server"));
            cConcurrentServers.add(cc(root.resolve("lessons/06-concurrency/thread_server.c"), "thread_server",
                    "-pthread"));
        }
        Path epoll = root.resolve("lessons/08-selector/epoll_server.c");
        if (Files.exists(epoll) && System.getProperty("os.name").startsWith("Linux")) {
            cEpollServer = cc(epoll, "epoll_server");
            cConcurrentServers.add(cEpollServer);
        }
        Path deadlines = root.resolve("lessons/09-deadlines/deadline_server.c");
        cDeadlineServer = Files.exists(deadlines) ? cc(deadlines, "deadline_server", "-pthread") : null;
        Path storeClient = root.resolve("lessons/07-framing/store_client.c");
        cStoreClient = Files.exists(storeClient) ? cc(storeClient, "store_client") : null;
        Path udpEcho = root.resolve("lessons/10-udp/udp_echo.c");
        cUdpEcho = Files.exists(udpEcho) ? cc(udpEcho, "udp_echo") : null;
    }

    @AfterEach
    void killProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_C_client_talks_to_the_Java_server() throws Exception {
        assumeClient();
        var out = new LiveOutput();
        var err = new ByteArrayOutputStream();
        var server = CompletableFuture.supplyAsync(() -> {
            try {
                return Server.run(new String[] {"127.0.0.1", "0"}, InputStream.nullInputStream(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), LIMIT, LIMIT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int port = awaitPort(out::text, "the Java server");

        Finished client = finish(start("hello\n", cClient.toString(), "127.0.0.1", String.valueOf(port)));

        assertEquals(0, client.exit, "C client: " + client);
        assertTrue(client.out.contains("from server: hello *_*"), "C client: " + client);
        int serverExit = server.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(0, serverExit, "Java server stderr: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(out.text().contains("from client: hello"), "Java server stdout: " + out.text());
    }

    @Test
    void the_Java_client_talks_to_the_C_server() throws Exception {
        Method run = javaClientRun();
        Process server = start("", cServer.toString(), "127.0.0.1", "0");
        int port = awaitPort(() -> read(stdoutOf(server)), "the C server");

        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var in = new ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8));
        var client = CompletableFuture.supplyAsync(() -> {
            try {
                return (Integer) run.invoke(null, new String[] {"127.0.0.1", String.valueOf(port)}, in,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
            }
        });
        int clientExit = client.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        String clientOut = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, clientExit, "Java client stderr: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(clientOut.contains("from server: hi *_*"), "Java client stdout: " + clientOut);

        Finished c = finish(server);
        assertEquals(0, c.exit, "C server: " + c);
        assertTrue(c.out.contains("from client: hi"), "C server: " + c);
    }

    @Test
    void the_C_client_talks_to_the_C_server_in_Chinese() throws Exception {
        assumeClient();
        Process server = start("", cServer.toString(), "127.0.0.1", "0");
        int port = awaitPort(() -> read(stdoutOf(server)), "the C server");

        Finished client = finish(start("你好，世界\n", cClient.toString(), "127.0.0.1", String.valueOf(port)));
        assertEquals(0, client.exit, "C client: " + client);
        assertTrue(client.out.contains("from server: 你好，世界 *_*"), "C client: " + client);

        Finished s = finish(server);
        assertEquals(0, s.exit, "C server: " + s);
        assertTrue(s.out.contains("from client: 你好，世界"), "C server: " + s);
        Matcher peer = Pattern.compile("ip:127\\.0\\.0\\.1, port:(\\d+)").matcher(s.out);
        assertTrue(peer.find() && Integer.parseInt(peer.group(1)) > 0, "C server: " + s);
    }

    /** Lesson 06: each concurrent C server answers a second client while the first is connected and silent. */
    @Test
    void the_lesson_06_C_servers_answer_a_client_while_another_is_silent() throws Exception {
        Assumptions.assumeTrue(!cConcurrentServers.isEmpty(), "lessons/06-concurrency is not in this tree");
        for (Path exe : cConcurrentServers) {
            Process server = start("", exe.toString(), "127.0.0.1", "0");
            int port = awaitPort(() -> read(stdoutOf(server)), exe.getFileName().toString());
            try (var silent = new java.net.Socket("127.0.0.1", port);
                 var talker = new java.net.Socket("127.0.0.1", port)) {
                talker.setSoTimeout((int) LIMIT.toMillis());
                byte[] frame = java.util.Arrays.copyOf("你好 from the second".getBytes(StandardCharsets.UTF_8), 128);
                talker.getOutputStream().write(frame);
                byte[] reply = talker.getInputStream().readNBytes(128);
                assertEquals("你好 from the second *_*", new String(reply, StandardCharsets.UTF_8).replace("\0", ""),
                        exe.getFileName() + " while another client was silent");
                talker.shutdownOutput();
                assertEquals(-1, talker.getInputStream().read(), exe.getFileName() + " closes after the client");
            }
            server.destroy();
        }
    }

    /**
     * Lesson 09: the C server answers a frame, and cuts off a client that trickles one byte every 100 ms at its
     * request deadline (500 ms): not before it, and long before the frame would be complete (12.8 s).
     */
    @Test
    @Timeout(60)
    void the_lesson_09_C_server_answers_and_cuts_off_a_trickling_client_at_its_deadline() throws Exception {
        Assumptions.assumeTrue(cDeadlineServer != null, "lessons/09-deadlines is not in this tree");
        Process server = start("", cDeadlineServer.toString(), "127.0.0.1", "0", "500", "2000");
        int port = awaitPort(() -> read(stdoutOf(server)), "deadline_server");
        try (var talker = new java.net.Socket("127.0.0.1", port)) {
            talker.setSoTimeout((int) LIMIT.toMillis());
            talker.getOutputStream().write(java.util.Arrays.copyOf("on time".getBytes(StandardCharsets.UTF_8), 128));
            byte[] reply = talker.getInputStream().readNBytes(128);
            assertEquals("on time *_*", new String(reply, StandardCharsets.UTF_8).replace("\0", ""));
        }
        long connecting = System.nanoTime();
        try (var trickler = new java.net.Socket("127.0.0.1", port)) {
            trickler.setSoTimeout(100);
            int ended = -2;
            for (int i = 0; i < 100 && ended == -2; i++) {
                try {
                    trickler.getOutputStream().write('x');
                    ended = trickler.getInputStream().read();   // -1 once the server has closed
                } catch (java.net.SocketTimeoutException e) {
                    // Still open: the next byte.
                } catch (IOException e) {
                    ended = -1;                                 // a reset: closed as well
                }
            }
            long took = (System.nanoTime() - connecting) / 1_000_000;
            assertEquals(-1, ended, "the trickling client was not cut off within 100 bytes");
            assertTrue(took >= 450 && took < 10_000, "cut off after " + took + " ms; its deadline was 500 ms");
        }
        server.destroy();
    }

    /** Lesson 08: the epoll server answers as Lab 06's reference, for a thousand clients at once, on one thread. */
    @Test
    @Timeout(120)
    void the_lesson_08_epoll_server_answers_like_lab_06_and_serves_a_thousand_connections() throws Exception {
        Assumptions.assumeTrue(cEpollServer != null, "lessons/08-selector is not in this tree, or this is not Linux");
        var frames = FrameLoad.trickyFrames(true);
        byte[] expected;
        try (var reference = tcplab.lab06.FrameServer.start("127.0.0.1", 0, LIMIT, System.err)) {
            expected = FrameLoad.ask(reference.port(), frames);
        }
        Process server = start("", cEpollServer.toString(), "127.0.0.1", "0");
        int port = awaitPort(() -> read(stdoutOf(server)), "epoll_server");
        byte[] got = FrameLoad.ask(port, frames);
        for (int i = 0; i < frames.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    java.util.Arrays.copyOfRange(expected, i * 128, i * 128 + 128),
                    java.util.Arrays.copyOfRange(got, i * 128, i * 128 + 128), "reply to test frame " + (i + 1));
        }
        byte[] frame = frames.get(2);
        byte[] reply = java.util.Arrays.copyOfRange(expected, 2 * 128, 3 * 128);
        FrameLoad.manyAtOnce(port, 1000, frame, reply);
        FrameLoad.pipelined(port, 20_000, frame, reply);
        assertTrue(server.isAlive(), "epoll_server still runs: " + read(stderrOf(server)));
        String status = Files.readString(Path.of("/proc", String.valueOf(server.pid()), "status"));
        assertTrue(status.contains("\nThreads:\t1\n"), "epoll_server runs on one thread: " + status);
        server.destroy();
    }

    /**
     * Lesson 07: the C client (htonl / ntohl, a 4-byte big-endian length) and the Java reference store server
     * ({@code Messages}) frame messages the same way, Chinese included.
     */
    @Test
    void the_lesson_07_C_client_talks_to_the_Java_store_server() throws Exception {
        Assumptions.assumeTrue(cStoreClient != null, "lessons/07-framing is not in this tree");
        try (var server = tcplab.lab07.StoreServer.start("127.0.0.1", 0, LIMIT,
                new PrintStream(OutputStream.nullOutputStream()))) {
            String port = String.valueOf(server.port());
            String[][] requests = {{"PUT", "键", "值", "and", "more"}, {"GET", "键"}, {"DEL", "键"}, {"GET", "键"},
                {"get", "x"}};
            String[] replies = {"OK", "VALUE 值 and more", "OK", "NOT_FOUND", "ERROR "};
            for (int i = 0; i < requests.length; i++) {
                var command = new ArrayList<>(List.of(cStoreClient.toString(), "127.0.0.1", port));
                command.addAll(List.of(requests[i]));
                Finished c = finish(start("", command.toArray(String[]::new)));
                assertEquals(0, c.exit, "C store client " + List.of(requests[i]) + ": " + c);
                assertTrue(c.out.startsWith(replies[i]), "C store client " + List.of(requests[i]) + ": " + c);
            }
        }
    }

    /**
     * Lesson 10: Lab 10's reference client gets every answer from the C UDP server (recvfrom / sendto), Chinese
     * included, directly and through the kit's relay that loses 30 % each way.
     */
    @Test
    void the_lesson_10_Java_client_talks_to_the_C_udp_server_through_a_lossy_relay() throws Exception {
        Assumptions.assumeTrue(cUdpEcho != null, "lessons/10-udp is not in this tree");
        Process server = start("", cUdpEcho.toString(), "127.0.0.1", "0");
        int port = awaitPort(() -> read(stdoutOf(server)), "udp_echo");
        var faults = new tcplab.kit.LossyUdpRelay.Faults(0.3, 0.1, 0.1, Duration.ofMillis(50));
        try (var relay = tcplab.kit.LossyUdpRelay.start(new java.net.InetSocketAddress("127.0.0.1", port), 3,
                faults, faults, b -> "datagram")) {
            for (int target : new int[] {port, relay.address().getPort()}) {
                var out = new ByteArrayOutputStream();
                var err = new ByteArrayOutputStream();
                var in = new ByteArrayInputStream(
                        "hello\n你好，世界\none\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
                int exit = CompletableFuture.supplyAsync(() -> {
                    try {
                        return tcplab.lab10.UdpClient.run(new String[] {"127.0.0.1", String.valueOf(target)}, in,
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMillis(50), 8);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).get(30, TimeUnit.SECONDS);
                assertEquals(0, exit, "Java client stderr: " + err.toString(StandardCharsets.UTF_8));
                assertEquals("hello *_*\n你好，世界 *_*\none *_*\ntwo *_*\nthree *_*\n",
                        out.toString(StandardCharsets.UTF_8), "through " + (target == port ? "nothing" : "the relay"));
            }
        }
        assertTrue(server.isAlive(), "udp_echo still runs: " + read(stderrOf(server)));
        server.destroy();
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Finished(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static void assumeClient() {
        Assumptions.assumeTrue(cClient != null,
                "lessons/03-client/client.c is not in this tree (lesson 03 not merged yet)");
    }

    /** {@code tcplab.lab03.Client.run(String[], InputStream, PrintStream, PrintStream)}, or a skip. */
    private static Method javaClientRun() {
        try {
            Class<?> client = Class.forName("tcplab.lab03.Client");
            return client.getMethod("run", String[].class, InputStream.class, PrintStream.class, PrintStream.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            Assumptions.abort("the reference tcplab.lab03.Client is not in this tree (lesson 03 not merged yet)");
            throw new IllegalStateException(e);
        }
    }

    /** Starts a process with {@code stdin} as its input; stdout and stderr go to files beside the binaries. */
    private Process start(String stdin, String... command) throws IOException {
        String name = Path.of(command[0]).getFileName() + "-" + System.nanoTime();
        var pb = new ProcessBuilder(command)
                .redirectOutput(bin.resolve(name + ".out").toFile())
                .redirectError(bin.resolve(name + ".err").toFile());
        Process p = pb.start();
        processes.add(p);
        outputs.put(p, name);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private Path stdoutOf(Process p) {
        return bin.resolve(outputs.get(p) + ".out");
    }

    private Path stderrOf(Process p) {
        return bin.resolve(outputs.get(p) + ".err");
    }

    /** Waits for {@code p} to end (killing it after the limit) and collects its exit code and output. */
    private Finished finish(Process p) throws Exception {
        if (!p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail("process did not end within " + LIMIT.toSeconds() + " s; stdout: " + read(stdoutOf(p))
                    + "\nstderr: " + read(stderrOf(p)));
        }
        return new Finished(p.exitValue(), read(stdoutOf(p)), read(stderrOf(p)));
    }

    private interface Text {
        String get() throws IOException;
    }

    private static int awaitPort(Text output, String who) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(output.get());
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
            Thread.sleep(10);
        }
        return fail(who + " printed no \"listening on\" line within " + LIMIT.toSeconds() + " s: " + output.get());
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static boolean hasCompiler() {
        try {
            Process p = new ProcessBuilder("cc", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Compiles {@code source} warning-free into {@code bin/name}. */
    private static Path cc(Path source, String name, String... flags) throws Exception {
        Path exe = bin.resolve(name);
        var command = new ArrayList<>(List.of("cc", "-Wall", "-Wextra", "-O2"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-o", exe.toString(), source.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("cc did not finish compiling " + source + " within 60 s");
        }
        assertEquals(0, p.exitValue(), "cc failed on " + source + ":\n" + output);
        assertTrue(output.isBlank(), "cc warned about " + source + ":\n" + output);
        return exe;
    }

    /** The folder with {@code lessons/}: the module's parent when Maven runs the tests in {@code solutions/}. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("lessons"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("cannot find the lessons/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
