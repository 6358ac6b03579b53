package tcplab.kit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test, in a process of its own: started with port 0, its port read from its
 * {@code listening on <ip>:<port>} line, its CPU time and memory read from {@code /proc}, and stopped and reaped,
 * children included (a fork server's), by {@link #close}.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");
    /** Linux's USER_HZ, the unit of /proc's CPU times, on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    public final String name;
    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Deque<String> lastErrLines = new ArrayDeque<>();

    private ServerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread outReader = new Thread(() -> readOut(process.getInputStream()), "bench-out-" + name);
        outReader.setDaemon(true);
        outReader.start();
        Thread errReader = new Thread(() -> readErr(process.getErrorStream()), "bench-err-" + name);
        errReader.setDaemon(true);
        errReader.start();
    }

    /** Starts {@code command}; {@link #awaitPort} then says where it listens, or why it does not. */
    public static ServerProcess start(String name, List<String> command) throws IOException {
        var builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        return new ServerProcess(name, builder.start());
    }

    public long pid() {
        return process.pid();
    }

    /** The port it listens on, once it printed so; an IOException that says why when it did not. */
    public int awaitPort(long seconds) throws IOException, InterruptedException {
        try {
            return port.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no \"listening on\" line within " + seconds + " s" + lastError());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage());
        }
    }

    private void readOut(InputStream stdout) {
        try (var reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException ignored) {
            // the process is gone: handled below
        }
        if (!port.isDone()) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String code = process.isAlive() ? "closed its output" : "ended with exit code " + process.exitValue();
            port.completeExceptionally(new IOException("it " + code + " before it said \"listening on\""
                    + lastError()));
        }
    }

    private void readErr(InputStream stderr) {
        try (var reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lastErrLines) {
                    lastErrLines.addLast(line);
                    if (lastErrLines.size() > 20) {
                        lastErrLines.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** The most telling line the server printed on stderr (a stub's TODO, an exception), or nothing. */
    private String lastError() {
        synchronized (lastErrLines) {
            String todo = lastErrLines.stream().filter(l -> l.contains("TODO")).findFirst().orElse(null);
            if (todo != null) {
                return ": " + todo.substring(todo.indexOf("TODO")).strip();
            }
            String exception = lastErrLines.stream().filter(l -> l.contains("Exception") || l.contains("Error"))
                    .findFirst().orElse(null);
            String line = exception != null ? exception : lastErrLines.peekLast();
            return line == null ? "" : ": " + line.strip();
        }
    }

    /** CPU seconds the server used so far: its own, its reaped children's, and its living descendants'. */
    public double cpuSeconds() {
        double seconds = ticks(process.pid(), true) / TICKS_PER_SECOND;
        for (ProcessHandle h : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            seconds += childSeconds(h.pid());
        }
        return seconds;
    }

    /**
     * A child's CPU seconds (a fork server's, one per client): from {@code /proc/PID/schedstat} in nanoseconds where
     * it exists (its main thread's, all there is in a one-threaded child), since each child's share of a run can be
     * under the 10 ms tick that {@code /proc/PID/stat} counts in.
     */
    private static double childSeconds(long pid) {
        try {
            String schedstat = Files.readString(Path.of("/proc", String.valueOf(pid), "schedstat"));
            return Long.parseLong(schedstat.split(" ")[0]) / 1e9;
        } catch (IOException | RuntimeException e) {
            return ticks(pid, false) / TICKS_PER_SECOND;
        }
    }

    /** Resident memory in kB, {@code field} being VmRSS (now) or VmHWM (the peak), summed over descendants. */
    public long memoryKb(String field) {
        long kb = memory(process.pid(), field);
        for (ProcessHandle h : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            kb += memory(h.pid(), field);
        }
        return kb;
    }

    private static long ticks(long pid, boolean withChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the name: state is field 3, so utime (14) is f[11], stime f[12], cutime f[13], cstime f[14].
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return 0;                     // not Linux, or the process is gone
        }
    }

    private static long memory(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return 0;
    }

    /** Kills it and its descendants at once (SIGKILL), children first, and reaps it. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops it: its standard input closed first (a lab's server then stops on its own), then SIGTERM to it and
     * every descendant, then SIGKILL to whatever is left; it is reaped before this returns.
     */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // it is gone already
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
