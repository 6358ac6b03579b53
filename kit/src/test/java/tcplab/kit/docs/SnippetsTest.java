package tcplab.kit.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snippet that blocks is named, with where it waits, instead of the whole file timing out in silence. */
class SnippetsTest {

    @Test
    void a_blocking_snippet_is_named_with_the_place_it_waits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snippets.jsh");
        Files.writeString(file, """
                int before = 1;
                new java.util.concurrent.CountDownLatch(1).await();   // nobody counts down
                int after = 2;
                """);
        List<String> problems = Snippets.check(file, System.getProperty("java.class.path"), Duration.ofSeconds(3));
        assertEquals(1, problems.size(), problems.toString());
        String problem = problems.get(0);
        assertTrue(problem.startsWith("did not finish in 3 s"), problem);
        assertTrue(problem.contains("in: new java.util.concurrent.CountDownLatch(1).await();"), problem);
        assertTrue(problem.contains("CountDownLatch.await"), problem);
    }

    @Test
    void snippets_that_finish_report_nothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snippets.jsh");
        Files.writeString(file, "var list = new ArrayList<String>();\nlist.add(\"x\")\nSystem.out.println(list);\n");
        assertEquals(List.of(), Snippets.check(file, System.getProperty("java.class.path"), Duration.ofSeconds(60)));
    }
}
