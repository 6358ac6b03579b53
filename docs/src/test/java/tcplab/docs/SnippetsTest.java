package tcplab.docs;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tcplab.kit.docs.Snippets;
import tcplab.kit.grade.Lab;

/** Every lesson's snippets.jsh runs in JShell against the kit as built: no rejected snippet, no exception. */
class SnippetsTest {

    private static final Duration BACKSTOP = Duration.ofSeconds(240);

    @TestFactory
    Stream<DynamicTest> every_snippet_file_runs_cleanly() {
        return Lab.all(SiteTest.ROOT).stream().map(lab -> DynamicTest.dynamicTest("lesson " + lab.id(), () -> {
            // A backstop against a snippet that blocks, not a speed test: JShell compiles each snippet on its own,
            // and lesson 03's take about 30 s on an idle 2-core machine, over 60 s at a load of 14.
            List<String> problems = assertTimeoutPreemptively(BACKSTOP,
                    () -> Snippets.check(lab.snippets(), System.getProperty("java.class.path")),
                    "the snippets of lesson " + lab.id() + " did not finish in " + BACKSTOP.toSeconds()
                            + " s: one of them blocks");
            if (!problems.isEmpty()) {
                fail(lab.snippets() + ":\n  " + String.join("\n  ", problems));
            }
        }));
    }
}
