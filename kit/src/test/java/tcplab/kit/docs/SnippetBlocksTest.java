package tcplab.kit.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Cutting a lesson's snippets into blocks loses no line of code and keeps the lesson's order. */
class SnippetBlocksTest {

    @Test
    void every_lessons_blocks_hold_every_line_of_its_snippets_in_order() throws Exception {
        List<Path> files;
        try (Stream<Path> lessons = Files.list(Path.of("..", "lessons"))) {
            files = lessons.map(d -> d.resolve("snippets.jsh")).filter(Files::exists).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            var blocks = SnippetBlocks.read(file);
            List<String> code = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.strip().matches("// (tag|end)::[\\w-]+\\[]")).toList();
            var joined = new ArrayList<String>(blocks.preamble());
            blocks.blocks().forEach(b -> joined.addAll(b.lines()));
            assertEquals(code, joined.stream().filter(l -> !l.isBlank()).toList(), file.toString());
            assertFalse(blocks.blocks().isEmpty(), file + " has no tagged block");
        }
    }
}
