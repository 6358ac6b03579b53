package tcplab.docs;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Every diagram has a numbered caption, alt text that says what it shows (a reader who cannot see it, or whose
 * browser cannot draw it, still learns what it says), and a link that opens it full size on a small screen.
 */
class FiguresTest {

    @Test
    void every_figure_has_a_caption_alt_text_and_a_full_size_link() throws Exception {
        var problems = new ArrayList<String>();
        for (Path page : RenderedSite.pages()) {
            for (Element figure : Jsoup.parse(page.toFile(), "UTF-8").select("div.imageblock")) {
                Element img = figure.selectFirst("img");
                String name = page.getFileName() + ": " + (img == null ? "a figure" : img.attr("src"));
                Element title = figure.selectFirst("> .title");
                boolean chinese = page.getFileName().toString().contains(".zh-CN.");
                if (title == null || !title.text().matches(chinese ? "图 \\d+\\. .+" : "Figure \\d+\\. .+")) {
                    problems.add(name + " has no caption \"" + (chinese ? "图" : "Figure") + " N. …\" (a .Title line "
                            + "above the block)");
                }
                String alt = img == null ? "" : img.attr("alt");
                // AsciiDoctor's default alt text is the file's name, which tells a reader nothing. Chinese has no
                // spaces between words: there, 8 words are counted as 16 characters.
                if (chinese ? alt.codePointCount(0, alt.length()) < 16 || alt.endsWith("-zh-CN")
                        : alt.split("\\s+").length < 8) {
                    problems.add(name + " has alt text \"" + alt + "\": say what the figure shows (alt=\"…\")");
                }
                if (img != null && (img.closest("a") == null || !img.closest("a").attr("href").equals(img.attr("src")))) {
                    problems.add(name + " does not open full size when tapped");
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n  ", problems));
        }
    }
}
