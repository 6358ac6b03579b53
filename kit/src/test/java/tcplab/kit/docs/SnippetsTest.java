package tcplab.kit.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snippet that blocks is named instead of the whole file timing out in silence; a snippet that leaves a thread
 * running for the next one (a server, a sender) does not block.
 */
class SnippetsTest {

    @Test
    void a_blocking_snippet_is_named(@TempDir Path dir) throws Exception {
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
    }

    @Test
    void a_thread_a_snippet_leaves_running_does_not_hold_it(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snippets.jsh");
        // Started from the snippet, so in its thread group: the "local" engine would wait for it after the snippet.
        Files.writeString(file, """
                var gate = new java.util.concurrent.CountDownLatch(1);
                var t = new Thread(() -> { try { gate.await(); } catch (InterruptedException e) { } });
                t.start(); t.isAlive()
                gate.countDown();
                """);
        assertEquals(List.of(), Snippets.check(file, System.getProperty("java.class.path"), Duration.ofSeconds(30)));
    }

    @Test
    void snippets_that_finish_report_nothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snippets.jsh");
        Files.writeString(file, "var list = new ArrayList<String>();\nlist.add(\"x\")\nSystem.out.println(list);\n");
        assertEquals(List.of(), Snippets.check(file, System.getProperty("java.class.path"), Duration.ofSeconds(60)));
    }
}
