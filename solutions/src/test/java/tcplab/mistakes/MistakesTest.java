package tcplab.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every catalogued mistake is caught by the check it names, with the message on record: the checks are proven to
 * catch what real learners get wrong. Runs {@code tcplab mistakes} exactly as a maintainer would, in a JVM of its
 * own whose class path holds the kit but not the reference, so each mistake's classes are the only ones loaded.
 */
class MistakesTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final int AT_LEAST = 20;

    @Test
    void every_catalogued_mistake_is_caught_by_its_check_with_its_recorded_message() throws Exception {
        String reference = ROOT.resolve("solutions/target/classes").toString();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().toString().startsWith(ROOT.resolve("solutions/target").toString()))
                .collect(Collectors.joining(File.pathSeparator));
        assertTrue(!classPath.contains(reference), "the reference must not be on the catalog's class path");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The heap and collector of ./tcplab's own JVM: the grader keeps collections out of the checks by
                // the young generation's room, so the catalog must be proven with the room a learner's grading has.
                "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dtcplab.root=" + ROOT,
                "-cp", classPath, "tcplab.kit.cli.Main", "mistakes")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        var output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException ignored) {
                // the process was killed; what was read so far is reported
            }
        });
        reader.start();
        // A backstop against a check that hangs, not a speed limit: the catalog takes minutes, and longer on a
        // machine busy with other builds.
        boolean ended = p.waitFor(20, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        String text = (ended ? "" : "(stopped after 20 minutes: the catalog hung or the machine is far too busy)\n")
                + output;
        assertEquals(0, p.exitValue(), "tcplab mistakes failed:\n" + text);
        var m = java.util.regex.Pattern.compile("(\\d+)/(\\d+) mistakes caught").matcher(text);
        assertTrue(m.find(), "no summary line in:\n" + text);
        assertTrue(Integer.parseInt(m.group(2)) >= AT_LEAST,
                "the catalog has " + m.group(2) + " mistakes; it must have at least " + AT_LEAST + ":\n" + text);
        System.out.println(text);
    }
}
