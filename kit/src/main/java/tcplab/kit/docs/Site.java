package tcplab.kit.docs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.log.LogHandler;
import org.asciidoctor.log.LogRecord;
import org.asciidoctor.log.Severity;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;
import tcplab.kit.i18n.Language;

/**
 * Renders {@code lessons/} into one offline HTML site with AsciidoctorJ: an index, one page per lesson, Java and C
 * highlighted, PlantUML diagrams drawn to SVG. Every warning AsciiDoctor logs, and every link to a page or anchor
 * that does not exist, is returned as a problem: the build fails on any, so the site never ships broken.
 */
public final class Site {

    /** Where the index page is, and what went wrong (nothing, in a good build). */
    public record Rendered(Path index, List<String> problems) {}

    private static final Pattern HREF = Pattern.compile("href=\"([\\w.-]*\\.html)?(#[^\"]*)?\"");

    private Site() {}

    /** Renders the site with no learner's progress on its index (the build's own rendering). */
    public static Rendered render(Path root, Path out) throws IOException {
        return render(root, out, null);
    }

    /**
     * Renders the site; with {@code progress}, the index shows each lab's status and the next step, as
     * {@code ./tcplab} does (the site is rendered on the learner's machine, from the same progress file).
     */
    public static Rendered render(Path root, Path out, Progress progress) throws IOException {
        // A page left from a lesson that was renamed or removed would still be served, and its links checked.
        tcplab.kit.grade.LabBuild.deleteTree(out);
        Files.createDirectories(out);
        var problems = new ArrayList<String>();
        List<Lab> lessons = Lab.all(root);
        var search = new Search();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            LogHandler collect = (LogRecord r) -> {
                boolean badXref = r.getMessage().contains("possible invalid reference");
                if (r.getSeverity().compareTo(Severity.WARN) >= 0 || badXref) {
                    problems.add(r.getSeverity() + " " + (r.getCursor() == null ? "" : r.getCursor().getFile() + ":"
                            + r.getCursor().getLineNumber() + " ") + r.getMessage());
                }
            };
            asciidoctor.registerLogHandler(collect);
            asciidoctor.requireLibrary("asciidoctor-diagram");
            for (Locale locale : LANGUAGES) {
                for (int i = 0; i < lessons.size(); i++) {
                    Lab lab = lessons.get(i);
                    Path source = chinese(locale) ? lab.chineseLessonFile() : lab.lessonFile();
                    if (!Files.exists(source)) {
                        continue;                 // not translated: the build's sync check says so
                    }
                    Path page = out.resolve(pageName(lab, locale));
                    asciidoctor.convertFile(source.toFile(), options(root, out, page, true, locale));
                    Document html = Jsoup.parse(page.toFile(), "UTF-8");
                    search.add(html, page.getFileName().toString(), lessonName(lab, locale));
                    problems.addAll(Pages.labelCode(html, Pages.sourceBlocks(source, root), page.getFileName()));
                    Pages.addNavigation(html, locale, i == 0 ? null : lessons.get(i - 1),
                            i + 1 < lessons.size() ? lessons.get(i + 1) : null);
                    Pages.addLanguageSwitch(html, locale, twin(lab, locale));
                    if (lab.hasLab()) {
                        Pages.addLabBox(html, locale, lab);
                    }
                    Pages.finish(html, page, locale);
                }
                String indexName = chinese(locale) ? "index.zh-CN" : "index";
                Path indexSource = out.getParent().resolve(indexName + ".adoc");
                Files.writeString(indexSource, index(lessons, progress, locale), StandardCharsets.UTF_8);
                Path index = out.resolve(indexName + ".html");
                asciidoctor.convertFile(indexSource.toFile(), options(root, out, index, false, locale));
                Document indexHtml = Jsoup.parse(index.toFile(), "UTF-8");
                Pages.addLanguageSwitch(indexHtml, locale, chinese(locale) ? "index.html" : "index.zh-CN.html");
                Pages.finish(indexHtml, index, locale);
            }
            Path glossarySource = root.resolve("lessons/glossary.adoc");
            if (Files.exists(glossarySource)) {
                Path glossary = out.resolve("glossary.html");
                asciidoctor.convertFile(glossarySource.toFile(), options(root, out, glossary, false, Locale.ENGLISH));
                Document html = Jsoup.parse(glossary.toFile(), "UTF-8");
                Pages.addNavigation(html, Locale.ENGLISH, null, null);
                Pages.finish(html, glossary, Locale.ENGLISH);
            }
            asciidoctor.unregisterLogHandler(collect);
        }
        search.write(out);
        problems.addAll(brokenLinks(out));
        return new Rendered(out.resolve("index.html"), problems);
    }

    /** English first: its pages are the ones every other language's pages are the twins of. */
    static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Language.CHINESE);

    /** {@code 03-client.html}: the lesson folder's name, so {@code xref:03-client.adoc[]} finds it. */
    public static String pageName(Lab lab) {
        return lab.lessonDir().getFileName() + ".html";
    }

    /**
     * {@code 03-client.zh-CN.html} for the 简体中文 twin (from {@code lesson.zh-CN.adoc}), so that the Chinese
     * lessons' {@code xref:03-client.zh-CN.adoc[]} finds it.
     */
    public static String pageName(Lab lab, Locale locale) {
        return chinese(locale) ? lab.lessonDir().getFileName() + ".zh-CN.html" : pageName(lab);
    }

    static boolean chinese(Locale locale) {
        return locale.getLanguage().equals("zh");
    }

    /** "Lesson 03: The client…" or "第 03 课：客户端…". */
    static String lessonName(Lab lab, Locale locale) {
        return Language.textIn(locale, "site.lesson", lab.id(), lab.titleIn(locale));
    }

    /** The page of the same lesson in the other language, or null when it has no translation. */
    private static String twin(Lab lab, Locale locale) {
        if (chinese(locale)) {
            return pageName(lab);
        }
        return lab.hasChinese() ? pageName(lab, Language.CHINESE) : null;
    }

    private static Options options(Path root, Path out, Path page, boolean toc, Locale locale) {
        var builder = Attributes.builder();
        if (chinese(locale)) {
            // AsciiDoctor's own words on the page (its locale attributes), in Chinese.
            builder.attribute("toc-title", "目录").attribute("table-caption", "表")
                    .attribute("figure-caption", "图").attribute("example-caption", "示例")
                    .attribute("listing-caption!", "").attribute("appendix-caption", "附录")
                    .attribute("note-caption", "注意").attribute("tip-caption", "提示")
                    .attribute("important-caption", "重要").attribute("warning-caption", "警告")
                    .attribute("caution-caption", "小心").attribute("last-update-label", "最后更新")
                    .attribute("untitled-label", "无标题").attribute("version-label", "版本");
        }
        Attributes attributes = builder
                .attribute("root", root.toString())
                .attribute("source-highlighter", "rouge")
                .attribute("rouge-style", "github")
                .attribute(toc ? "toc" : "toc!", toc ? "left" : "")
                .attribute("sectanchors", "")
                .attribute("idprefix", "")
                .attribute("idseparator", "-")
                .attribute("imagesdir", "images")
                .attribute("imagesoutdir", out.resolve("images").toString())
                .attribute("diagram-cachedir", out.getParent().resolve("diagram-cache").toString())
                .attribute("attribute-missing", "warn")
                .attribute("experimental", "")
                .attribute("webfonts!", "")
                // Code scrolls sideways instead of wrapping: a wrapped line of code reads as two lines.
                .attribute("prewrap!", "")
                .build();
        return Options.builder()
                .safe(SafeMode.UNSAFE)
                .baseDir(root.toFile())
                .toFile(new File(page.toString()))
                .mkDirs(true)
                .standalone(true)
                .attributes(attributes)
                .build();
    }

    /** The English index page's AsciiDoc (the build's own rendering, with no progress). */
    static String index(List<Lab> lessons, Progress progress) {
        return index(lessons, progress, Locale.ENGLISH);
    }

    /**
     * The index page's AsciiDoc in {@code locale}'s language: what each lesson builds, and with {@code progress},
     * where the learner is. A lesson not yet translated is listed with its English page.
     */
    static String index(List<Lab> lessons, Progress progress, Locale locale) {
        var sb = new StringBuilder("= TCP Lab\n:nofooter:\n");
        if (chinese(locale)) {
            sb.append(":lang: zh-CN\n");
        }
        sb.append("\n").append(Language.textIn(locale, "site.index.intro")).append("\n\n");
        sb.append(Language.textIn(locale, "site.index.glossary")).append("\n\n");
        if (progress != null) {
            sb.append(yourProgress(lessons, progress, locale));
        }
        sb.append("[#lessons]\n== ").append(Language.textIn(locale, "site.index.lessons")).append("\n\n");
        for (Lab lab : lessons) {
            sb.append(". xref:").append(xrefTarget(lab, locale)).append("[").append(lessonName(lab, locale))
                    .append("]");
            if (progress != null && lab.hasLab()) {
                sb.append(" [.lab-status.").append(progress.status(lab.id()).name().toLowerCase().replace('_', '-'))
                        .append("]#").append(statusText(progress, lab, locale)).append("#");
            }
            String builds = Pages.whatTheLabBuilds(lab);
            if (!builds.isEmpty()) {
                // Passthrough, so that a stub's Javadoc ({@code *_*}, say) cannot turn into AsciiDoc markup.
                sb.append(" +\n").append(Language.textIn(locale, "site.index.theLab")).append(" pass:c[")
                        .append(builds.replace("]", "\\]")).append("]");
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    /** {@code 03-client.zh-CN.adoc} for xref: the lesson's page in that language, or its English one. */
    private static String xrefTarget(Lab lab, Locale locale) {
        return lab.lessonDir().getFileName() + (chinese(locale) && lab.hasChinese() ? ".zh-CN" : "") + ".adoc";
    }

    private static String statusText(Progress progress, Lab lab, Locale locale) {
        String score = progress.score(lab.id());
        return Language.textIn(locale, "status." + progress.status(lab.id()).name().toLowerCase(Locale.ROOT))
                + (score.isEmpty() ? "" : " (" + score + ")");
    }

    /** The same next step as {@code ./tcplab} prints, as of this rendering. */
    private static String yourProgress(List<Lab> lessons, Progress progress, Locale locale) {
        var sb = new StringBuilder("[#your-progress]\n== " + Language.textIn(locale, "site.progress.title") + "\n\n");
        long passed = lessons.stream().filter(Lab::hasLab)
                .filter(l -> progress.status(l.id()) == Progress.Status.PASSED).count();
        long labs = lessons.stream().filter(Lab::hasLab).count();
        sb.append(Language.textIn(locale, "site.progress.count", passed, labs,
                java.time.LocalDateTime.now().withSecond(0).withNano(0).toString().replace('T', ' '))).append("\n\n");
        progress.next(lessons).ifPresentOrElse(next -> sb.append(Language.textIn(locale, "site.progress.next",
                xrefTarget(next, locale), lessonName(next, locale), next.id())).append("\n\n"),
                () -> sb.append(Language.textIn(locale, "site.progress.allPass")).append("\n\n"));
        return sb.toString();
    }

    /** Links between pages, and to anchors, that lead nowhere. */
    static List<String> brokenLinks(Path out) throws IOException {
        var problems = new ArrayList<String>();
        List<Path> pages;
        try (var s = Files.list(out)) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        for (Path page : pages) {
            String html = Files.readString(page, StandardCharsets.UTF_8);
            Matcher m = HREF.matcher(html);
            while (m.find()) {
                String file = m.group(1);
                String anchor = m.group(2);
                Path target = file == null ? page : out.resolve(file);
                if (!Files.exists(target)) {
                    problems.add(page.getFileName() + ": link to missing page " + file);
                } else if (anchor != null && anchor.length() > 1) {
                    String targetHtml = target.equals(page) ? html : Files.readString(target, StandardCharsets.UTF_8);
                    if (!targetHtml.contains("id=\"" + anchor.substring(1) + "\"")) {
                        problems.add(page.getFileName() + ": link to missing anchor " + (file == null ? "" : file)
                                + anchor);
                    }
                }
            }
        }
        return problems;
    }

}
