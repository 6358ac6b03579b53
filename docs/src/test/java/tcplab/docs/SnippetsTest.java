package tcplab.docs;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tcplab.kit.docs.Snippets;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;

/**
 * Every lesson's snippets.jsh runs in JShell against the kit as built: no rejected snippet, no exception. As
 * {@code ./tcplab jshell NN} does, the lab's classes are on the class path too when the snippets call them (the lab's
 * public methods): once with the stub a learner starts from (each method throws its TODO), once with the reference.
 */
class SnippetsTest {

    /**
     * How long one snippet may run: a backstop against a snippet that blocks, not a speed test. Each snippet is
     * compiled on its own, a second or two when idle, so this is far above what load makes of it; a file as a whole
     * has no limit, as its time grows with its length and the machine's load. (A total of 240 s failed twice, and
     * could not say where: the cause was JShell's local engine waiting for threads a snippet left running.)
     */
    private static final Duration PER_SNIPPET = Duration.ofSeconds(120);
    private static final Path CLASSES = SiteTest.ROOT.resolve("docs/target/snippet-labs");

    @TestFactory
    Stream<DynamicTest> every_snippet_file_runs_cleanly() {
        return Lab.all(SiteTest.ROOT).stream().flatMap(lab -> {
            if (!lab.hasLab() || !callsItsLab(lab)) {
                return Stream.of(run(lab, "", List.of()));
            }
            var given = lab.givenFiles();
            return Stream.of(run(lab, " with the stub", concat(lab.learnerFiles(), given)),
                    run(lab, " with the reference", concat(lab.referenceFiles(), given)));
        });
    }

    private static DynamicTest run(Lab lab, String with, List<Path> labSources) {
        return DynamicTest.dynamicTest("lesson " + lab.id() + with, () -> {
            String classPath = System.getProperty("java.class.path");
            if (!labSources.isEmpty()) {
                Path out = CLASSES.resolve("lab" + lab.id() + with.replace(' ', '-'));
                assertNull(LabBuild.compile(labSources, out, classPath, Path::toString),
                        "the lab " + lab.id() + " sources" + with + " do not compile");
                classPath = out + File.pathSeparator + classPath;
            }
            List<String> problems = Snippets.check(lab.snippets(), classPath, PER_SNIPPET);
            if (!problems.isEmpty()) {
                fail(lab.snippets() + with + ":\n  " + String.join("\n  ", problems));
            }
        });
    }

    /** True when the snippets name the lab's package: only then do the lab's classes matter to them. */
    private static boolean callsItsLab(Lab lab) {
        try {
            return Files.readString(lab.snippets()).contains(lab.packageName() + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
