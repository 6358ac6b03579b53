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

    @TestFactory
    Stream<DynamicTest> every_snippet_file_runs_cleanly() {
        return Lab.all(SiteTest.ROOT).stream().map(lab -> DynamicTest.dynamicTest("lesson " + lab.id(), () -> {
            List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> Snippets.check(lab.snippets(), System.getProperty("java.class.path")),
                    "the snippets of lesson " + lab.id() + " did not finish in 60 s: one of them blocks");
            if (!problems.isEmpty()) {
                fail(lab.snippets() + ":\n  " + String.join("\n  ", problems));
            }
        }));
    }
}
