package tcplab.kit.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.asciidoctor.Asciidoctor;
import org.junit.jupiter.api.Test;

/** {@code ./tcplab read}: every lesson comes out as text, with none of AsciiDoc's block markup left in it. */
class TerminalTextTest {

    private static final List<String> MARKUP = List.of("----", "....", "|===", "@startuml", "include::", "xref:",
            "<<", "[source", "[plantuml", "[cols", "[%collapsible", "ifdef::", ":toc:", "<i>", "&#");

    @Test
    void every_lesson_reads_as_text_without_block_markup() throws Exception {
        List<Path> lessons;
        try (Stream<Path> dirs = Files.list(Path.of("..", "lessons"))) {
            lessons = dirs.map(d -> d.resolve("lesson.adoc")).filter(Files::exists).sorted().toList();
        }
        var problems = new ArrayList<String>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            for (Path lesson : lessons) {
                String text = TerminalText.render(asciidoctor, Includes.expand(lesson, Path.of("..")));
                String[] lines = text.split("\n");
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i];
                    if (line.startsWith("    ")) {
                        continue;   // code, shown as it is
                    }
                    if (line.matches("[=-]+") && i > 0 && TerminalText.width(lines[i - 1]) == line.length()) {
                        continue;   // a title's underline
                    }
                    for (String mark : MARKUP) {
                        if (line.contains(mark)) {
                            problems.add(lesson + " line " + (i + 1) + " shows " + mark + ": " + line);
                        }
                    }
                }
                assertTrue(text.contains("[Figure 1: ") || !Files.readString(lesson).contains("[plantuml"), lesson
                        + ": its diagrams should be named");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void a_folded_aside_is_its_title_then_its_text_set_in() throws Exception {
        String adoc = """
                = T

                Main path.

                [%collapsible]
                .Under the hood: the kernel
                ====
                A *detail* for the curious.

                ----
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                ----
                ====

                Main path again.
                """;
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            String text = TerminalText.render(asciidoctor, adoc);
            assertTrue(text.contains("Main path.\n\nUnder the hood: the kernel\n\n  A detail for the curious.\n"), text);
            assertTrue(text.contains("\n      int fd = socket(AF_INET, SOCK_STREAM, 0);\n"), text);
            assertTrue(text.contains("\nMain path again.\n"), text);
            assertTrue(!text.contains("====") && !text.contains("collapsible"), text);
        }
    }

    @Test
    void a_table_that_fits_is_laid_out_in_columns_and_inline_markup_disappears() throws Exception {
        String adoc = """
                = T

                A `frame` is *128* bytes; see <<two>>.

                [[two]]
                == Two

                [options="header"]
                |===
                |call |Java
                |`socket()` |`SocketChannel.open()`
                |===
                """;
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            String text = TerminalText.render(asciidoctor, adoc);
            assertTrue(text.contains("A frame is 128 bytes; see Two."), text);
            assertTrue(text.contains("call       Java\n"), text);
            assertTrue(text.contains("socket()   SocketChannel.open()\n"), text);
        }
    }
}
