package tcplab.docs;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;
import org.junit.jupiter.api.Test;

/**
 * AsciiDoc markup that AsciiDoctor did not understand ends up as text a learner reads: a stray backtick, a word in
 * {@code *stars*}, a paragraph swallowed into one long code span. None of these is a warning to AsciiDoctor, so
 * this test reads the rendered HTML the way a learner sees it and names each leak with its page and its text.
 */
class LeakedMarkupTest {

    /** Text outside code where markup stays visible: a backtick, or a constrained {@code *pair*} or {@code _pair_}. */
    private static final Pattern LEAK_IN_TEXT = Pattern.compile("`"
            + "|(?<![\\w*])\\*(?=[^\\s*])[^*\\n]*?(?<=[^\\s*])\\*(?![\\w*])"
            + "|(?<![\\w_])_(?=[^\\s_])[^_\\n]*?(?<=[^\\s_])_(?![\\w_])");

    @Test
    void no_markup_leaks_into_the_rendered_text() throws Exception {
        var leaks = new ArrayList<String>();
        for (Path page : RenderedSite.pages()) {
            leaks.addAll(leaks(page.getFileName().toString(), Jsoup.parse(page.toFile(), "UTF-8")));
        }
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " leaked markup in the rendered site (fix the lesson's markup, not its words):\n  "
                    + String.join("\n  ", leaks));
        }
    }

    /** The detector itself: each kind of leak is found (a pair of backticks counts twice), and clean text passes. */
    @Test
    void the_detector_finds_each_kind_of_leak_and_nothing_in_clean_text() {
        String leaky = "<p>only `Hello, ` arrived</p><p><code>datagram: Hello, ` and `world</code></p>"
                + "<p><code>hello <strong><em></strong></code></p><p>a *bold* and _em_ word</p>"
                + "<p>Unresolved directive in lesson.adoc</p>";
        org.junit.jupiter.api.Assertions.assertEquals(8, leaks("x", Jsoup.parse(leaky)).size(),
                () -> String.join("\n", leaks("x", Jsoup.parse(leaky))));
        String clean = "<p>SO_REUSEADDR, 2 * 3, a_b_c and <code>*:*</code></p><pre>`x` *y* _z_</pre>";
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), leaks("x", Jsoup.parse(clean)));
    }

    static List<String> leaks(String name, Document html) {
        var leaks = new ArrayList<String>();
        // Text a learner reads as prose: everything outside code, listings and scripts.
        NodeTraversor.traverse((NodeVisitor) (node, depth) -> {
            if (node instanceof TextNode text && !insideCode(text)) {
                Matcher m = LEAK_IN_TEXT.matcher(text.getWholeText());
                while (m.find()) {
                    leaks.add(name + ": \"" + m.group() + "\" in text: " + around(text.getWholeText(), m.start()));
                }
            }
        }, html.body());
        // Inline code that ran past its closing backtick swallowed the backtick, and often a whole sentence.
        for (Element code : html.select("code")) {
            if (code.closest("pre") == null && code.text().contains("`")) {
                leaks.add(name + ": a backtick inside inline code (it ran on): " + shorten(code.text()));
            }
        }
        // Stars or underscores meant literally inside code became bold or italic instead.
        for (Element e : html.select("code strong, code em, code b:not(.conum), code i:not(.conum)")) {
            leaks.add(name + ": <" + e.tagName() + "> inside code: " + shorten(e.parent().text()));
        }
        if (html.body().text().contains("Unresolved directive")) {
            leaks.add(name + ": an include or other directive was not resolved (\"Unresolved directive\")");
        }
        return leaks;
    }

    private static boolean insideCode(TextNode text) {
        for (Element e = text.parent(); e != null; e = e.parent()) {
            switch (e.tagName()) {
                case "code", "pre", "kbd", "samp", "script", "style", "svg" -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    private static String around(String text, int at) {
        return shorten(text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 40)));
    }

    private static String shorten(String s) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() > 100 ? flat.substring(0, 100) + "…" : flat;
    }
}
