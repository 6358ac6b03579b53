package tcplab.kit.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import tcplab.kit.Sockets;
import tcplab.kit.bench.BenchServers;
import tcplab.kit.bench.BenchServers.CServer;
import tcplab.kit.bench.BenchServers.JavaServer;
import tcplab.kit.bench.BenchServers.Plan;
import tcplab.kit.bench.LoadGenerator;
import tcplab.kit.bench.LoadGenerator.Result;
import tcplab.kit.bench.ServerProcess;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;

/**
 * {@code ./tcplab bench NN [--reference] [--c]}: the lab's server measured under load, beside the reference and the
 * lesson's C servers. Each server runs as its own process, pinned to core 0 where {@code taskset} exists; the load
 * generator ({@link LoadGenerator}) runs as another, pinned to core 1. Per connection count, every server gets
 * {@code --runs} runs, interleaved (A B C, A B C, …), each with its own warm-up; the table shows the run with the
 * median throughput. Not a test: nothing here judges speed; a wrong reply or a lost connection fails the run.
 */
@CommandLine.Command(name = "bench", description = {
        "Measure lab NN's server under load (round trips/s, latency), beside the reference and C.",
        "--reference adds the reference solution, --c the lesson's C servers (compiled with cc -O2). Labs: 06 (a",
        "thread per connection), 08 (one thread: Selector, epoll). The protocol: lessons 03-06's 128-byte frames,",
        "every reply checked byte for byte. Not a test: the exit code is 1 only for wrong replies or lost",
        "connections."})
final class BenchCommand extends Command {

    @CommandLine.Parameters(index = "0", paramLabel = "NN", description = "the lab: 06 or 08")
    String id;

    @CommandLine.Option(names = "--reference", description = "also measure the reference solution")
    boolean reference;

    @CommandLine.Option(names = "--c", description = "also measure the lesson's C servers (compiled with cc -O2)")
    boolean c;

    @CommandLine.Option(names = "--connections", split = ",", paramLabel = "N",
            description = "connection counts to measure (default: 100,1000)")
    List<Integer> connections = List.of(100, 1000);

    @CommandLine.Option(names = "--seconds", paramLabel = "S", description = "measured seconds per run (default: 5)")
    int seconds = 5;

    @CommandLine.Option(names = "--warmup", paramLabel = "S",
            description = "warm-up seconds before each run, not counted (default: 2)")
    int warmup = 2;

    @CommandLine.Option(names = "--runs", paramLabel = "R", description = "runs per server; the median is shown "
            + "(default: 3)")
    int runs = 3;

    @CommandLine.Option(names = "--pipeline", paramLabel = "K",
            description = "frames in flight per connection (default: 1, ping-pong)")
    int pipeline = 1;

    @CommandLine.Option(names = "--hold", paramLabel = "N", description = "then hold N connections, each sending "
            + "one frame a second for --seconds (at least 10 s), on the first Java server")
    int hold;

    @CommandLine.Option(names = "--no-pin", description = "do not pin the servers and the generator to cores (on a "
            + "machine that other programs keep busy, pinning leaves each process one crowded core)")
    boolean noPin;

    @CommandLine.Option(names = "--jvm", paramLabel = "OPTION", description = "an option for the Java servers' JVMs, "
            + "e.g. --jvm=-XX:+UseParallelGC; repeat it for more (see the collector's effect on p99 for yourself)")
    List<String> jvmOptions = List.of();

    @CommandLine.Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "measure only the servers with these names (as the table shows them)")
    List<String> only = List.of();

    /** What this command started, guarded by {@code this}: all of it is stopped at the end, or on Ctrl-C. */
    private final List<ServerProcess> started = new ArrayList<>();
    private final List<Process> generators = new ArrayList<>();
    /** Set on Ctrl-C (the shutdown hook): from then on nothing new is started. */
    private boolean interrupted;
    /** Where the C servers are compiled to; deleted at the end, Ctrl-C included. */
    private Path temp;

    BenchCommand(Context context) {
        super(context);
    }

    /** A server ready to measure, or a note saying why it is not. */
    private record Candidate(String name, List<String> command, boolean java, String note) {}

    @Override
    public Integer call() throws Exception {
        Plan plan = BenchServers.PLANS.get(id);
        if (plan == null) {
            throw new Main.UsageException("no bench for lab " + id + "; there is one for " + BenchServers.PLANS.keySet());
        }
        if (connections.isEmpty() || connections.stream().anyMatch(n -> n < 1 || n > 9000)) {
            throw new Main.UsageException("--connections wants counts from 1 to 9000 (this machine allows 20000 "
                    + "open files per process; the bench also needs some)");
        }
        for (String option : jvmOptions) {
            if (!option.startsWith("-")) {
                throw new Main.UsageException("--jvm takes an option for java, starting with -: not \"" + option
                        + "\" (write --jvm=-XX:+UseZGC)");
            }
        }
        if (seconds < 1 || warmup < 0 || runs < 1 || pipeline < 1 || pipeline > 64 || hold < 0 || hold > 18000) {
            throw new Main.UsageException("--seconds ≥ 1, --warmup ≥ 0, --runs ≥ 1, --pipeline 1 to 64, --hold 0 to "
                    + "18000");
        }
        Thread cleanup = new Thread(this::killEverything, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);   // Ctrl-C: no server or generator left behind
        temp = Files.createTempDirectory("tcplab-bench");
        try {
            return bench(plan, temp);
        } finally {
            stopEverything();
            LabBuild.deleteTree(temp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private int bench(Plan plan, Path temp) throws Exception {
        boolean failed = false;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int jdk = Runtime.version().feature();
        boolean pinned = !noPin && onPath("taskset") && Runtime.getRuntime().availableProcessors() >= 2;
        List<String> serverPin = pinned ? List.of("taskset", "-c", "0") : List.of();
        List<String> generatorPin = pinned ? List.of("taskset", "-c", "1") : List.of();
        String threads = jdk >= 21 ? "virtual threads" : "platform threads";

        List<Candidate> candidates = new ArrayList<>();
        for (JavaServer s : plan.java()) {
            if (s.source() == BenchServers.Source.REFERENCE && !reference || !wanted(s.name())) {
                continue;
            }
            String name = s.name() + (s.perConnectionThreads() ? ", " + threads : "");
            Path classes;
            if (s.source() == BenchServers.Source.YOURS) {
                Lab lab = lab(s.lab());
                classes = new LabBuild(ws).classesFor(lab, false, err);
                if (classes == null) {
                    candidates.add(new Candidate(name, null, true, "your code does not compile (above)"));
                    continue;
                }
            } else {
                classes = ws.referenceClasses();
            }
            Path classFile = classes.resolve(s.mainClass().replace('.', '/') + ".class");
            if (!Files.exists(classFile)) {
                candidates.add(new Candidate(name, null, true, "not measured: " + s.mainClass()
                        + " is not in this checkout yet"));
                continue;
            }
            List<String> command = new ArrayList<>(serverPin);
            command.add(java);
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classes + File.pathSeparator + ws.kitClassPath(), s.mainClass(),
                    "127.0.0.1", "0"));
            candidates.add(new Candidate(name, command, true, null));
        }
        if (c) {
            boolean cc = runs("cc", "--version");
            for (CServer s : plan.c()) {
                if (!wanted(s.name()) && !wanted(s.name().replace("C ", ""))) {
                    continue;
                }
                Path source = ws.root().resolve(s.file());
                if (!cc) {
                    candidates.add(new Candidate(s.name(), null, false, "not measured: no C compiler (cc) here"));
                    continue;
                }
                if (!Files.exists(source)) {
                    candidates.add(new Candidate(s.name(), null, false, "not measured: " + s.file()
                            + " is not in this checkout yet"));
                    continue;
                }
                Path binary = temp.resolve(source.getFileName().toString().replace(".c", ""));
                String errors = compileC(source, binary);
                if (errors != null) {
                    candidates.add(new Candidate(s.name(), null, false, "cc -O2 failed: " + errors));
                    continue;
                }
                List<String> command = new ArrayList<>(serverPin);
                command.addAll(List.of(binary.toString(), "127.0.0.1", "0"));
                candidates.add(new Candidate(s.name(), command, false, null));
            }
        }

        out.printf("bench %s: %s, %s%n", id, "JDK " + Runtime.version() + " (" + threads + " for lab 06's server)",
                pinned ? "servers pinned to core 0, the generator to core 1 (taskset)"
                        : "NOT pinned (" + (noPin ? "--no-pin" : onPath("taskset") ? "one core only" : "no taskset here")
                        + ")");
        if (!jvmOptions.isEmpty()) {
            out.println("  the Java servers' JVMs run with " + String.join(" ", jvmOptions));
        }
        String load = loadAverage();
        if (load != null) {
            out.printf(Locale.ROOT, "  load average %s on %d cores%s%n", load, Runtime.getRuntime().availableProcessors(),
                    Double.parseDouble(load) > Runtime.getRuntime().availableProcessors()
                            ? ": other programs share these cores, so the figures below are lower and noisier" : "");
        }
        out.printf("  %s, %d s warm-up and %d s measured per run, %d run%s per server interleaved, the median "
                + "shown%n", pipeline == 1 ? "ping-pong (one 128-byte frame in flight per connection)"
                : pipeline + " frames in flight per connection", warmup, seconds, runs, runs == 1 ? "" : "s");

        Map<String, ServerProcess> servers = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Candidate k : candidates) {
            if (k.note() != null) {
                notes.add(k.name() + ": " + k.note());
                failed |= k.name().startsWith("yours");
                continue;
            }
            ServerProcess p = startServer(k);
            try {
                int port = p.awaitPort(30);
                servers.put(k.name() + "\u0000" + port, p);
            } catch (IOException e) {
                notes.add(k.name() + ": did not start: " + e.getMessage());
                failed = true;
                p.close();
            }
        }
        for (String n : notes) {
            out.println("  note: " + n);
        }
        if (servers.isEmpty()) {
            err.println("bench: no server to measure.");
            return 1;
        }

        // name -> connections -> runs
        Map<String, Map<Integer, List<Measured>>> results = new LinkedHashMap<>();
        for (int n : connections) {
            for (int r = 1; r <= runs; r++) {
                for (var e : servers.entrySet()) {
                    String name = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
                    int port = Integer.parseInt(e.getKey().substring(e.getKey().indexOf('\u0000') + 1));
                    Measured m = generate(java, generatorPin, "load", port, n, pipeline, warmup * 1000L,
                            seconds * 1000L, "127.0.0.1", e.getValue());
                    Result res = m.result();
                    results.computeIfAbsent(name, x -> new LinkedHashMap<>()).computeIfAbsent(n, x -> new ArrayList<>())
                            .add(m);
                    err.printf(Locale.ROOT, "  run %d/%d, %d connections, %s: %s round trips/s, %d errors%n", r, runs,
                            n, name, thousands(res.perSecond()), res.errors());
                }
            }
        }

        out.println();
        String header = String.format(Locale.ROOT, "%-34s %6s %14s %9s %9s %9s %7s %8s %8s", "server", "conns",
                "round trips/s", "p50 µs", "p99 µs", "p99.9 µs", "errors", "gen CPU", "srv CPU");
        out.println(header);
        Map<String, Map<Integer, Measured>> medians = new LinkedHashMap<>();
        for (int n : connections) {
            for (var byName : results.entrySet()) {
                List<Measured> all = byName.getValue().get(n);
                List<Measured> sorted = new ArrayList<>(all);
                sorted.sort(Comparator.comparingDouble(m -> m.result().perSecond()));
                Measured median = sorted.get(sorted.size() / 2);
                long errors = all.stream().mapToLong(m -> m.result().errors()).sum();
                medians.computeIfAbsent(byName.getKey(), x -> new LinkedHashMap<>()).put(n,
                        new Measured(median.result(), median.serverCpu(), errors));
                Result r = median.result();
                out.printf(Locale.ROOT, "%-34s %6d %14s %9.0f %9.0f %9.0f %7d %7.0f%% %7.0f%%%n", byName.getKey(), n,
                        thousands(r.perSecond()), r.p50(), r.p99(), r.p999(), errors, r.cpu() * 100,
                        median.serverCpu() * 100);
            }
        }
        out.println();
        for (var byName : medians.entrySet()) {
            for (var m : byName.getValue().entrySet()) {
                Result r = m.getValue().result();
                if (m.getValue().errors() > 0) {
                    failed = true;
                    out.printf("  %s, %d connections: %d errors; the first: %s%n", byName.getKey(), m.getKey(),
                            m.getValue().errors(), firstError(results.get(byName.getKey()).get(m.getKey())));
                }
                if (r.cpu() >= 0.9) {
                    out.printf(Locale.ROOT, "  note: against %s at %d connections the generator used %.0f%% of its "
                            + "core: it may have been the limit there, not the server%n", byName.getKey(), m.getKey(),
                            r.cpu() * 100);
                }
            }
        }
        int most = connections.contains(1000) ? 1000 : connections.stream().mapToInt(Integer::intValue).max()
                .orElseThrow();
        String cName = plan.c().isEmpty() ? null : plan.c().get(0).name();
        String javaName = null;
        for (String wantedName : plan.ratioJava()) {
            for (String n : medians.keySet()) {
                if ((n.equals(wantedName) || n.startsWith(wantedName + ", ")) && javaName == null
                        && medians.get(n).get(most).errors() == 0) {
                    javaName = n;
                }
            }
        }
        boolean ratio = cName != null && medians.containsKey(cName) && javaName != null
                && medians.get(cName).get(most).errors() == 0 && medians.get(javaName).get(most).result().perSecond() > 0;
        if (!ratio) {
            out.println(c ? "no ratio: it needs the C server and a Java server that both ran without errors"
                    : "no ratio: add --c to measure the C servers");
        }
        if (ratio) {
            double x = medians.get(cName).get(most).result().perSecond()
                    / medians.get(javaName).get(most).result().perSecond();
            out.printf(Locale.ROOT, "ratio: %s ÷ %s, round trips/s at %d connections%n", cName, javaName, most);
            out.printf(Locale.ROOT, "throughput ratio C/Java: %.2f%n", x);
        }
        if (hold > 0) {
            List<String> ran = servers.keySet().stream().map(k -> k.substring(0, k.indexOf('\u0000'))).toList();
            failed |= !hold(plan, candidates.stream().filter(k -> ran.contains(k.name())).toList(), java,
                    generatorPin);
        }
        return failed ? 1 : 0;
    }

    /** One run's result, the server's CPU share meanwhile, and (for a median) the errors of all runs. */
    private record Measured(Result result, double serverCpu, long errors) {
        Measured(Result result, double serverCpu) {
            this(result, serverCpu, result.errors());
        }
    }

    private static final long HOLD_WARMUP_MS = 5000;

    /**
     * The collector the hold's server runs with from JDK 21, unless {@code --jvm} names one: ZGC, whose pauses stay
     * under a millisecond, asked to keep its heap near 128 MB. A JVM that sees one core (pinned, it does) picks the
     * serial collector, whose young collections stop all 10,000 conversations at once while they copy the parked
     * virtual threads' stacks: measured here (JDK 25, pinned, quiet) one pause of 244-258 ms per hold, and a p99 of
     * 180-199 ms; with ZGC 2.3-4.7 ms, but it collected nothing in the hold's 15 s and its memory grew to 254-270 MB;
     * with {@code SoftMaxHeapSize=128m}, 3.7-7.1 ms in 164-167 MB (64m: collections back to back, 37 ms). The load runs
     * keep the JVM's defaults, as {@code ./tcplab run} has them. Before JDK 21 (no virtual threads; platform threads
     * hold the connections) the default stays too: that ZGC maps its heap three times, and the peak RSS the hold
     * reports would count it three times (343 MB against 177 MB for 1,000 connections on JDK 17).
     */
    List<String> holdCollector(int jdk) {
        if (jdk < 21 || jvmOptions.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            return List.of();
        }
        List<String> zgc = new ArrayList<>(List.of("-XX:+UseZGC"));
        if (jdk == 21 || jdk == 22) {
            zgc.add("-XX:+ZGenerational");        // generational ZGC is the default from JDK 23
        }
        zgc.add("-XX:SoftMaxHeapSize=128m");
        return zgc;
    }

    /** {@code --hold N}: a fresh server, N connections each sending one frame a second, its memory at the end. */
    private boolean hold(Plan plan, List<Candidate> candidates, String java, List<String> generatorPin)
            throws Exception {
        Candidate target = null;
        for (String wantedName : plan.ratioJava()) {
            for (Candidate k : candidates) {
                if (target == null && k.note() == null && k.java()
                        && (k.name().equals(wantedName) || k.name().startsWith(wantedName + ", "))) {
                    target = k;
                }
            }
        }
        if (target == null) {
            out.println("hold: no Java server to hold connections on");
            out.println("connections held: 0");
            return false;
        }
        int perAddress = 5000;
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < Math.max(2, (hold + perAddress - 1) / perAddress); i++) {
            String ip = Sockets.loopbackAlias("127.0.0." + (2 + i));
            if (!sources.contains(ip)) {
                sources.add(ip);
            }
        }
        int holdSeconds = Math.max(10, seconds);
        stopEverything();
        List<String> collector = holdCollector(Runtime.version().feature());
        List<String> command = new ArrayList<>(target.command());
        command.addAll(command.indexOf(java) + 1, collector);
        ServerProcess server = startServer(new Candidate(target.name(), command, true, null));
        int port;
        try {
            port = server.awaitPort(30);
        } catch (IOException e) {
            out.println("hold: " + target.name() + " did not start: " + e.getMessage());
            out.println("connections held: 0");
            return false;
        }
        // Warm-up: 5 beats of every connection before the measured seconds. The first beats meet a cold server (each
        // conversation's first read and reply, the JIT, thread stacks growing): they are its start-up, not its steady
        // state, and with one second of warm-up they made the 99th percentile a quarter of a second.
        Result r = generate(java, generatorPin, "hold", port, hold, 1, HOLD_WARMUP_MS, holdSeconds * 1000L,
                String.join(",", sources), server).result();
        long peakKb = server.memoryKb("VmHWM");
        int held = r.connected() - r.lost();
        out.printf(Locale.ROOT, "hold: %s%s, %d connections from %s, one frame a second each for %d s: %d held, %d "
                        + "lost, %d errors, %d beats skipped (a reply over 1 s late), p99 %.1f ms, server peak RSS %d MB%n",
                target.name(), collector.isEmpty() ? "" : " (" + String.join(" ", collector) + ")", hold,
                String.join(" ", sources), holdSeconds, held, hold - held, r.errors(), r.late(), r.p99() / 1000.0,
                peakKb / 1024);
        if (r.firstError() != null) {
            out.println("  the first error: " + r.firstError());
        }
        out.println("connections held: " + held);
        return held == hold && r.errors() == 0;
    }

    /**
     * Runs the load generator against {@code server} on {@code port}; the server's CPU share is read from /proc
     * when the generator says the measured time begins and when it ends.
     */
    private Measured generate(String java, List<String> pin, String mode, int port, int n, int depth, long warmupMs,
            long measureMs, String sources, ServerProcess server) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(pin);
        command.addAll(List.of(java, "-XX:+UseSerialGC", "-Xmx1g", "-cp", ws.kitClassPath(),
                LoadGenerator.class.getName(), mode, "127.0.0.1", String.valueOf(port), String.valueOf(n),
                String.valueOf(depth), String.valueOf(warmupMs), String.valueOf(measureMs), sources));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process p;
        synchronized (this) {
            if (interrupted) {
                throw new IOException("interrupted");
            }
            p = builder.start();
            generators.add(p);
        }
        var output = new StringBuilder();
        double[] cpu = new double[4];     // server CPU s and wall s at "measuring", then at "measured"
        Thread reader = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.equals("measuring") || line.equals("measured")) {
                        int at = line.equals("measuring") ? 0 : 2;
                        cpu[at] = server.cpuSeconds();
                        cpu[at + 1] = System.nanoTime() / 1e9;
                        if (at == 2) {
                            p.getOutputStream().close();   // read: the generator may close its connections
                        }
                    } else {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // killed: what was read is reported
            }
        }, "bench-generator");
        reader.setDaemon(true);
        reader.start();
        long limit = warmupMs + measureMs + 120_000 + 50L * n;
        if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // closed already
        }
        String line = output.toString().lines().filter(l -> l.startsWith("result ")).findFirst().orElse(null);
        if (line == null) {
            String why = output.toString().strip();
            return new Measured(new Result(n, 0, 0, measureMs / 1000.0, 1, 0, 0, 0, 0, 0, 0, 0,
                    "the load generator failed: " + (why.isEmpty() ? "no output within " + limit / 1000 + " s"
                            : why.lines().findFirst().get())), 0);
        }
        double serverCpu = cpu[3] > cpu[1] ? (cpu[2] - cpu[0]) / (cpu[3] - cpu[1]) : 0;
        return new Measured(Result.parse(line), serverCpu);
    }

    private static String firstError(List<Measured> runs) {
        return runs.stream().map(m -> m.result().firstError()).filter(e -> e != null).findFirst().orElse("?");
    }

    private boolean wanted(String name) {
        return only.isEmpty() || only.contains(name);
    }

    private synchronized ServerProcess startServer(Candidate k) throws IOException {
        if (interrupted) {
            throw new IOException("interrupted");
        }
        ServerProcess p = ServerProcess.start(k.name(), k.command());
        started.add(p);
        return p;
    }

    /** The end of a bench: every generator killed, every server stopped (its input closed first) and reaped. */
    private synchronized void stopEverything() {
        for (Process p : generators) {
            p.destroyForcibly();
        }
        generators.clear();
        for (ServerProcess s : started) {
            s.close();
        }
        started.clear();
    }

    /** Ctrl-C: nothing new starts, and everything started is killed at once, children first. */
    private void killEverything() {
        List<Process> gens;
        List<ServerProcess> servers;
        synchronized (this) {
            interrupted = true;
            gens = new ArrayList<>(generators);
            servers = new ArrayList<>(started);
        }
        gens.forEach(Process::destroyForcibly);
        servers.forEach(ServerProcess::kill);
        LabBuild.deleteTree(temp);
    }

    private static String compileC(Path source, Path binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cc", "-O2", "-pthread", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : output.lines().findFirst().orElse("exit code " + p.exitValue());
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The 1-minute load average from /proc/loadavg, or null off Linux. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String thousands(double x) {
        return String.format(Locale.ROOT, "%,d", Math.round(x));
    }
}
