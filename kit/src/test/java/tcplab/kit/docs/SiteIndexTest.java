package tcplab.kit.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;

/** The index page shows the learner's progress and next step when rendered with it, and nothing of it without. */
class SiteIndexTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void the_index_shows_each_labs_status_and_the_same_next_step_as_the_cli(@TempDir Path dir) throws Exception {
        List<Lab> lessons = Lab.all(ROOT);
        Path file = dir.resolve("progress.properties");
        Files.writeString(file, "lab01=passed 8/8\nlab02=failing 3/9\nlab02.first-failure=4\n", StandardCharsets.UTF_8);
        Progress progress = Progress.load(file, new PrintStream(PrintStream.nullOutputStream()));
        String index = Site.index(lessons, progress);
        long labs = lessons.stream().filter(Lab::hasLab).count();
        assertTrue(index.contains("1 of " + labs + " labs pass"), index);
        assertTrue(index.contains("[.lab-status.passed]#passed (8/8)#"), index);
        assertTrue(index.contains("[.lab-status.failing]#failing (3/9)#"), index);
        assertTrue(index.contains("[.lab-status.not-started]#not started#"), index);
        Lab next = progress.next(lessons).orElseThrow();
        assertTrue(index.contains("*Next:* xref:" + next.lessonDir().getFileName() + ".adoc[Lesson 02"), index);
    }

    @Test
    void without_progress_the_index_says_nothing_of_it() throws Exception {
        String index = Site.index(Lab.all(ROOT), null);
        assertFalse(index.contains("Your progress"), index);
        assertFalse(index.contains("lab-status"), index);
    }
}
