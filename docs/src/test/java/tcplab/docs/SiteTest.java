package tcplab.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tcplab.kit.docs.Site;
import tcplab.kit.grade.Lab;

/** The lessons render to HTML with no AsciiDoctor warning and no broken link, and every lesson has its parts. */
class SiteTest {

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void the_site_renders_without_a_warning_or_a_broken_link() throws Exception {
        Site.Rendered site = RenderedSite.get();
        if (!site.problems().isEmpty()) {
            fail("rendering the lessons reported:\n  " + String.join("\n  ", site.problems()));
        }
        String index = Files.readString(site.index(), StandardCharsets.UTF_8);
        for (Lab lab : Lab.all(ROOT)) {
            assertTrue(index.contains(Site.pageName(lab)), "the index does not link lesson " + lab.id());
            String page = Files.readString(site.index().resolveSibling(Site.pageName(lab)), StandardCharsets.UTF_8);
            var remote = java.util.regex.Pattern.compile("(src|href)=\"(https?:)?//[^\"]*(cdn|googleapis|fonts)")
                    .matcher(page);
            assertTrue(!remote.find(), "lesson " + lab.id() + " loads " + (remote.find(0) ? remote.group() : "")
                    + " from the network; the site must work offline");
        }
    }

    @Test
    void every_lesson_has_its_text_and_snippets() {
        assertTrue(!Lab.all(ROOT).isEmpty(), "no lessons under " + ROOT.resolve("lessons"));
        for (Lab lab : Lab.all(ROOT)) {
            assertTrue(Files.exists(lab.lessonFile()), "lesson " + lab.id() + " has no lesson.adoc");
            assertTrue(Files.exists(lab.snippets()), "lesson " + lab.id() + " has no snippets.jsh");
        }
    }
}
