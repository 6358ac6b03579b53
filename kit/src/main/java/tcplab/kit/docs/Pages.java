package tcplab.kit.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import tcplab.kit.grade.Lab;
import tcplab.kit.i18n.Language;

/**
 * What AsciiDoctor's HTML lacks for a learner, added to each rendered page: a label and a copy button on every
 * code block, tables that scroll inside their box, diagrams that open full size, navigation above and below, a box
 * that says where the lesson's lab is, a search box, and a stylesheet with a dark scheme. Everything but the
 * search's two scripts is inlined into the page; all of it works offline and from file://.
 */
final class Pages {

    /** A {@code [source,lang]} block of a lesson, and the file its first include comes from (null: none). */
    record SourceBlock(String lang, String file) {}

    private static final Pattern SOURCE = Pattern.compile("^\\[source(?:,\\s*([\\w-]+))?[^\\]]*\\]\\s*$");
    private static final Pattern INCLUDE = Pattern.compile("^include::(?:\\{root\\}/)?([^\\[]+)\\[");
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*\\s*\\n\\s*\\*\\s*(?:Lab \\d+:\\s*)?(.*?)\\n\\s*\\*\\s*(?:\\n|<p>)",
            Pattern.DOTALL);

    private static final String CSS = resource("site.css");
    private static final String JS = resource("site.js");

    private Pages() {}

    /**
     * The source blocks of a lesson, in the order they appear. AsciiDoctor's HTML keeps no trace of an include's
     * file, so the lesson's own text is read for it; the blocks are matched to the HTML by their order.
     */
    static List<SourceBlock> sourceBlocks(Path lesson, Path root) throws IOException {
        List<String> lines = Files.readAllLines(lesson, StandardCharsets.UTF_8);
        var blocks = new ArrayList<SourceBlock>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher source = SOURCE.matcher(lines.get(i));
            if (!source.matches()) {
                continue;
            }
            String file = null;
            int j = i + 1;
            if (j < lines.size() && lines.get(j).startsWith("----")) {
                String delimiter = lines.get(j).strip();
                for (j++; j < lines.size() && !lines.get(j).strip().equals(delimiter); j++) {
                    Matcher include = INCLUDE.matcher(lines.get(j));
                    if (file == null && include.find()) {
                        file = include.group(1);
                    }
                }
            }
            blocks.add(new SourceBlock(source.group(1), file));
            i = j;
        }
        return blocks;
    }

    /** Labels every code block with its language and file; a problem when blocks and HTML do not line up. */
    static List<String> labelCode(Document html, List<SourceBlock> sources, Path page) {
        var problems = new ArrayList<String>();
        List<Element> highlighted = html.select("div.listingblock:has(pre.highlight)");
        if (highlighted.size() != sources.size()) {
            problems.add(page + ": " + sources.size() + " [source] blocks in the lesson but " + highlighted.size()
                    + " highlighted blocks in the HTML: the code labels would be wrong");
            sources = List.of();
        }
        for (Element block : html.select("div.listingblock, div.literalblock")) {
            int at = highlighted.indexOf(block);
            SourceBlock source = at >= 0 && at < sources.size() ? sources.get(at) : null;
            Element head = new Element("div").addClass("code-head");
            if (source != null && source.lang() != null) {
                head.appendElement("span").addClass("code-lang").text(language(source));
            }
            if (source != null && source.file() != null) {
                head.appendElement("span").addClass("code-file").text(source.file());
            }
            Element content = block.selectFirst("> .content");
            if (content != null) {
                content.before(head);
            }
        }
        return problems;
    }

    private static String language(SourceBlock source) {
        if (source.file() != null && source.file().endsWith(".jsh")) {
            return "JShell";
        }
        return switch (source.lang()) {
            case "java" -> "Java";
            case "c" -> "C";
            case "shell", "sh", "bash", "console" -> "shell";
            default -> source.lang();
        };
    }

    /**
     * "All lessons" and the neighbours, at the top of the page and again at the bottom, in the page's language
     * (a neighbour not yet translated is linked in English).
     */
    static void addNavigation(Document html, Locale locale, Lab previous, Lab next) {
        Element nav = new Element("nav").addClass("lessons").attr("aria-label", Language.textIn(locale, "site.nav"));
        nav.appendElement("a").attr("href", Site.chinese(locale) ? "index.zh-CN.html" : "index.html").addClass("all")
                .text(Language.textIn(locale, "site.allLessons"));
        if (previous != null) {
            nav.appendElement("a").attr("href", neighbour(previous, locale)).attr("rel", "prev").addClass("prev")
                    .text("← " + previous.id() + " " + previous.titleIn(locale));
        }
        if (next != null) {
            nav.appendElement("a").attr("href", neighbour(next, locale)).attr("rel", "next").addClass("next")
                    .text(next.id() + " " + next.titleIn(locale) + " →");
        }
        html.body().prependChild(nav.clone());
        Element footer = html.getElementById("footer");
        if (footer != null) {
            footer.before(nav);
        } else {
            html.body().appendChild(nav);
        }
    }

    private static String neighbour(Lab lab, Locale locale) {
        return Site.chinese(locale) && !lab.hasChinese() ? Site.pageName(lab) : Site.pageName(lab, locale);
    }

    /**
     * The link to the same page in the other language, beside the search box; site.js keeps the section the
     * learner is reading (both languages give every section the same id). Nothing when there is no twin.
     */
    static void addLanguageSwitch(Document html, Locale locale, String twin) {
        if (twin == null) {
            return;
        }
        boolean chinese = Site.chinese(locale);
        html.body().prependElement("a").addClass("language-switch").attr("href", twin)
                .attr("hreflang", chinese ? "en" : "zh-CN").attr("lang", chinese ? "en" : "zh-CN")
                .text(chinese ? "English" : "简体中文");
    }

    /** The end of a lesson: the stub to open and the three commands of the learner's loop. */
    static void addLabBox(Document html, Locale locale, Lab lab) {
        Element content = html.getElementById("content");
        if (content == null) {
            return;
        }
        Element box = content.appendElement("aside").addClass("your-lab").attr("id", "your-lab");
        box.appendElement("h2").text(Language.textIn(locale, "site.yourLab"));
        Element files = box.appendElement("p").appendText(Language.textIn(locale, "site.open"));
        List<Path> stubs = lab.learnerFiles();
        for (int i = 0; i < stubs.size(); i++) {
            if (i > 0) {
                files.appendText(i == stubs.size() - 1 ? Language.textIn(locale, "site.and") : Language.textIn(locale, "site.comma"));
            }
            files.appendElement("code").text(lab.root().relativize(stubs.get(i)).toString().replace('\\', '/'));
        }
        files.appendText(Language.textIn(locale, "site.thenGrade"));
        Element listing = box.appendElement("div").addClass("literalblock");
        listing.appendElement("div").addClass("code-head");
        listing.appendElement("div").addClass("content").appendElement("pre").text(
                "./tcplab check " + lab.id() + "\n./tcplab hint " + lab.id() + "\n./tcplab watch " + lab.id());
    }

    /** What a lesson's lab builds, from the first sentence of its stub's Javadoc; empty without a lab. */
    static String whatTheLabBuilds(Lab lab) {
        if (!lab.hasLab() || lab.learnerFiles().isEmpty()) {
            return "";
        }
        try {
            Matcher m = JAVADOC.matcher(Files.readString(lab.learnerFiles().get(0), StandardCharsets.UTF_8));
            if (!m.find()) {
                return "";
            }
            String text = m.group(1).replaceAll("\\s*\\n\\s*\\*\\s*", " ").replaceAll("\\{@\\w+ ([^}]*)}", "$1");
            int end = text.indexOf(". ");
            return end > 0 ? text.substring(0, end + 1) : text;
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Scrolling tables, clickable diagrams, the stylesheet and the copy script; on an English page, Chinese text
     * marked as such (so a browser picks a Chinese font and a screen reader the right voice); then the page is
     * written.
     */
    static void finish(Document html, Path page, Locale locale) throws IOException {
        html.outputSettings().prettyPrint(false);
        if (!Site.chinese(locale)) {
            markChinese(html.body());
        }
        for (Element table : html.select("table.tableblock")) {
            // tabindex: a keyboard user can scroll the box too.
            table.wrap("<div class=\"table-scroll\" tabindex=\"0\"></div>");
        }
        for (Element img : html.select("div.imageblock img")) {
            if (img.closest("a") == null) {
                img.wrap("<a class=\"full-size\" href=\"" + img.attr("src") + "\" title=\""
                        + Language.textIn(locale, "site.fullSize") + "\"></a>");
            }
        }
        addSearchBox(html, locale);
        html.head().appendElement("style").appendChild(new DataNode(CSS));
        // lunr and the sections first: site.js's search uses both.
        html.body().appendElement("script").attr("src", Search.LUNR);
        html.body().appendElement("script").attr("src", Search.CORPUS);
        html.body().appendElement("script").appendChild(new DataNode(JS));
        Files.writeString(page, html.outerHtml(), StandardCharsets.UTF_8);
    }

    /** Runs of Chinese text in an English page, each wrapped in {@code <span lang="zh-CN">}. */
    static void markChinese(Element root) {
        for (org.jsoup.nodes.TextNode text : root.select("*").textNodes()) {
            if (!CHINESE.matcher(text.getWholeText()).find() || text.parent() == null
                    || "zh-CN".equals(text.parent().attr("lang"))) {
                continue;
            }
            String whole = text.getWholeText();
            Matcher m = CHINESE.matcher(whole);
            var parts = new ArrayList<org.jsoup.nodes.Node>();
            int at = 0;
            while (m.find()) {
                if (m.start() > at) {
                    parts.add(new org.jsoup.nodes.TextNode(whole.substring(at, m.start())));
                }
                parts.add(new Element("span").attr("lang", "zh-CN").text(m.group()));
                at = m.end();
            }
            if (at < whole.length()) {
                parts.add(new org.jsoup.nodes.TextNode(whole.substring(at)));
            }
            for (org.jsoup.nodes.Node part : parts) {
                text.before(part);
            }
            text.remove();
        }
    }

    /** Chinese characters and the punctuation between them: a run that a span marks as zh-CN. */
    private static final Pattern CHINESE = Pattern.compile(
            "[\\p{IsHan}\\u3000-\\u303F\\uFF00-\\uFF60]+(?:[\\s\\p{IsHan}\\u3000-\\u303F\\uFF00-\\uFF60]*[\\p{IsHan}\\u3000-\\u303F\\uFF00-\\uFF60])?");

    /** The search box at the top of the page; site.js fills the list under it as the learner types. */
    private static void addSearchBox(Document html, Locale locale) {
        Element form = new Element("form").addClass("site-search").attr("role", "search");
        if (html.selectFirst("a.language-switch") != null) {
            form.addClass("beside-switch");       // room at its right for the language switch
        }
        String placeholder = Language.textIn(locale, "site.search");
        form.appendElement("input").attr("type", "search").attr("placeholder", placeholder)
                .attr("aria-label", placeholder).attr("autocomplete", "off");
        form.appendElement("ol").attr("aria-live", "polite");
        html.body().prependChild(form);
    }

    private static String resource(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the kit was built without its resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
