package tcplab.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
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
    void each_lesson_is_in_both_languages_each_page_links_its_twin_and_says_its_language() throws Exception {
        Path dir = RenderedSite.get().index().getParent();
        for (String[] pair : new String[][] {{"index.html", "index.zh-CN.html"}}) {
            twins(dir, pair[0], pair[1]);
        }
        for (Lab lab : Lab.all(ROOT)) {
            twins(dir, Site.pageName(lab), Site.pageName(lab, tcplab.kit.i18n.Language.CHINESE));
            Document en = Jsoup.parse(dir.resolve(Site.pageName(lab)).toFile(), "UTF-8");
            Document zh = Jsoup.parse(dir.resolve(Site.pageName(lab, tcplab.kit.i18n.Language.CHINESE)).toFile(), "UTF-8");
            // The same sections, by the same ids: the switch keeps the section the learner is reading.
            assertEquals(en.select("h2[id], h3[id], h4[id]").eachAttr("id"), zh.select("h2[id], h3[id], h4[id]")
                    .eachAttr("id"), "lesson " + lab.id() + ": the two languages' section ids differ");
            // Chinese inside an English page is marked, so a browser picks a Chinese font for it.
            for (org.jsoup.nodes.TextNode text : en.body().select("*:not([lang=zh-CN])").textNodes()) {
                if (text.text().codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                        && text.parent().closest("[lang=zh-CN]") == null) {
                    fail(Site.pageName(lab) + ": Chinese text not marked lang=zh-CN: " + text.text());
                }
            }
        }
        Document glossary = Jsoup.parse(dir.resolve("glossary.html").toFile(), "UTF-8");
        assertTrue(glossary.select("td [lang=zh-CN]").size() > 50, "the glossary's Chinese column is not marked");
        assertTrue(Jsoup.parse(dir.resolve("index.html").toFile(), "UTF-8").select("a[href=glossary.html]").size() > 0,
                "the English index does not link the glossary");
        assertTrue(Jsoup.parse(dir.resolve("index.zh-CN.html").toFile(), "UTF-8").select("a[href=glossary.html]")
                .size() > 0, "the Chinese index does not link the glossary");
    }

    private static void twins(Path dir, String english, String chinese) throws Exception {
        Document en = Jsoup.parse(dir.resolve(english).toFile(), "UTF-8");
        Document zh = Jsoup.parse(dir.resolve(chinese).toFile(), "UTF-8");
        assertEquals("en", en.selectFirst("html").attr("lang"), english);
        assertEquals("zh-CN", zh.selectFirst("html").attr("lang"), chinese);
        assertEquals(chinese, en.selectFirst("a.language-switch").attr("href"), english + "'s language switch");
        assertEquals(english, zh.selectFirst("a.language-switch").attr("href"), chinese + "'s language switch");
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
