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
}
