package tcplab.kit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a lab program's {@code main} in a child JVM, for the few checks that need what an in-process run cannot
 * give: another locale and default charset (hostile ones: {@code -Dfile.encoding=US-ASCII}, {@code LANG=C}). Output is kept as raw bytes, so the check decides how to decode it.
 * The child is killed when its time is up.
 */
public final class ChildJvm {

    /** How a child run ended. {@code exitCode} is -1 when it had to be killed. */
    public record Result(List<String> args, int exitCode, byte[] out, byte[] err, boolean killed) {

        public String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }

        public String errText() {
            return new String(err, StandardCharsets.UTF_8);
        }

        /** The stub's "TODO: …" when the child died on a method that is not written yet, else null. */
        public String notWrittenYet() {
            return errText().lines().filter(l -> l.contains("UnsupportedOperationException: TODO"))
                    .map(l -> l.substring(l.indexOf("TODO"))).findFirst().orElse(null);
        }

        /** Like {@code ProgramRun.describe()}, stdout and stderr decoded as UTF-8. */
        public String describe() {
            return (killed ? "killed: still running after its time was up" : "exit code " + exitCode)
                    + "\nstdout: " + (out.length == 0 ? "(nothing)" : Transcript.quote(outText()))
                    + "\nstderr: " + (err.length == 0 ? "(nothing)" : Transcript.quote(errText().strip()));
        }
    }

    private ChildJvm() {}

    /** The class path to give the child: {@code tcplab.classpath} if set, else this JVM's own. */
    public static String classPath() {
        String cp = System.getProperty("tcplab.classpath");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    /**
     * Runs {@code mainClass} with {@code jvmFlags}, environment changes {@code env} and {@code stdin}, for at most
     * {@code limit}.
     */
    public static Result run(String mainClass, List<String> jvmFlags, Map<String, String> env, byte[] stdin,
            Duration limit, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        // A short-lived child: start fast rather than run fast.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classPath(), mainClass));
        command.addAll(List.of(args));

        Path out = Files.createTempFile("tcplab-child", ".out");
        Path err = Files.createTempFile("tcplab-child", ".err");
        try {
            var builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("JDK_JAVA_OPTIONS");
            builder.environment().putAll(env);
            Process process = builder.start();
            try {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException childGone) {
                    // The child ended without reading its input; its exit code and output tell why.
                }
                boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
                return new Result(List.of(args), ended ? process.exitValue() : -1,
                        Files.readAllBytes(out), Files.readAllBytes(err), !ended);
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
        } finally {
            delete(out.toFile());
            delete(err.toFile());
        }
    }

    private static void delete(File f) {
        if (!f.delete()) {
            f.deleteOnExit();
        }
    }
}
