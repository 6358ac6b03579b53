package tcplab.kit.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {

    @Test
    void a_damaged_progress_file_is_started_afresh_with_a_note(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("progress.properties");
        Files.writeString(file, "lab01=banana\n\\u12");
        var note = new ByteArrayOutputStream();
        Progress p = Progress.load(file, new PrintStream(note, true, StandardCharsets.UTF_8));
        assertEquals(Progress.Status.NOT_STARTED, p.status("01"));
        assertTrue(note.toString(StandardCharsets.UTF_8).contains("started afresh"), note.toString());
        assertTrue(Files.readString(file).lines().noneMatch(l -> l.contains("banana")));
    }

    @Test
    void a_missing_progress_file_means_nothing_started(@TempDir Path dir) {
        Progress p = Progress.load(dir.resolve("none"), System.err);
        assertEquals(Progress.Status.NOT_STARTED, p.status("03"));
        assertEquals("", p.score("03"));
    }

    @Test
    void a_forgotten_lab_is_not_started_again_and_stays_so_after_loading(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("progress.properties");
        Files.writeString(file, "lab03=passed 20/20\nlab04=failing 3/24\nlab04.first-failure=4\n");
        Progress p = Progress.load(file, System.err);
        p.forget("04");
        assertEquals(Progress.Status.NOT_STARTED, p.status("04"));
        assertEquals(0, p.firstFailure("04"));
        Progress again = Progress.load(file, System.err);
        assertEquals(Progress.Status.NOT_STARTED, again.status("04"));
        assertEquals(Progress.Status.PASSED, again.status("03"));
    }

    @Test
    void the_readme_names_every_lesson_as_the_cli_and_the_site_do() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        for (Lab lab : Lab.all(Path.of(".."))) {
            assertTrue(readme.contains("| " + lab.id() + " | " + lab.title() + " |"),
                    "README.md's table should name lesson " + lab.id() + " \"" + lab.title() + "\"");
        }
    }
}
