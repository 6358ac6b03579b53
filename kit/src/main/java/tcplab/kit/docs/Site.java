package tcplab.kit.docs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            for (int i = 0; i < lessons.size(); i++) {
                Lab lab = lessons.get(i);
                Path page = out.resolve(pageName(lab));
                asciidoctor.convertFile(lab.lessonFile().toFile(), options(root, out, page, true));
                Document html = Jsoup.parse(page.toFile(), "UTF-8");
                search.add(html, page.getFileName().toString(), "Lesson " + lab.id() + ": " + lab.title());
                problems.addAll(Pages.labelCode(html, Pages.sourceBlocks(lab.lessonFile(), root), page.getFileName()));
                Pages.addNavigation(html, i == 0 ? null : lessons.get(i - 1),
                        i + 1 < lessons.size() ? lessons.get(i + 1) : null);
                if (lab.hasLab()) {
                    Pages.addLabBox(html, lab);
                }
                Pages.finish(html, page);
            }
            Path indexSource = out.getParent().resolve("index.adoc");
            Files.writeString(indexSource, index(lessons, progress), StandardCharsets.UTF_8);
            Path index = out.resolve("index.html");
            asciidoctor.convertFile(indexSource.toFile(), options(root, out, index, false));
            Pages.finish(Jsoup.parse(index.toFile(), "UTF-8"), index);
            asciidoctor.unregisterLogHandler(collect);
        }
        search.write(out);
        problems.addAll(brokenLinks(out));
        return new Rendered(out.resolve("index.html"), problems);
    }

    /** {@code 03-client.html}: the lesson folder's name, so {@code xref:03-client.adoc[]} finds it. */
    public static String pageName(Lab lab) {
        return lab.lessonDir().getFileName() + ".html";
    }

    private static Options options(Path root, Path out, Path page, boolean toc) {
        Attributes attributes = Attributes.builder()
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

    /** The index page's AsciiDoc: what each lesson builds, and with {@code progress}, where the learner is. */
    static String index(List<Lab> lessons, Progress progress) {
        var sb = new StringBuilder("""
                = TCP Lab
                :nofooter:

                Learn TCP sockets from first principles: read a lesson, try its snippets in JShell, write the lab,
                and grade it with `./tcplab check NN`. Lessons 01–05 follow a classic C tutorial on BSD sockets
                call by call, in Java.

                """);
        if (progress != null) {
            sb.append(yourProgress(lessons, progress));
        }
        sb.append("== Lessons\n\n");
        for (Lab lab : lessons) {
            sb.append(". xref:").append(lab.lessonDir().getFileName()).append(".adoc[Lesson ").append(lab.id())
                    .append(": ").append(lab.title()).append("]");
            if (progress != null && lab.hasLab()) {
                sb.append(" [.lab-status.").append(progress.status(lab.id()).name().toLowerCase().replace('_', '-'))
                        .append("]#").append(statusText(progress, lab)).append("#");
            }
            String builds = Pages.whatTheLabBuilds(lab);
            if (!builds.isEmpty()) {
                // Passthrough, so that a stub's Javadoc ({@code *_*}, say) cannot turn into AsciiDoc markup.
                sb.append(" +\nThe lab: pass:c[").append(builds.replace("]", "\\]")).append("]");
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    private static String statusText(Progress progress, Lab lab) {
        String score = progress.score(lab.id());
        return progress.status(lab.id()).label + (score.isEmpty() ? "" : " (" + score + ")");
    }

    /** The same next step as {@code ./tcplab} prints, as of this rendering. */
    private static String yourProgress(List<Lab> lessons, Progress progress) {
        var sb = new StringBuilder("[#your-progress]\n== Your progress\n\n");
        long passed = lessons.stream().filter(Lab::hasLab)
                .filter(l -> progress.status(l.id()) == Progress.Status.PASSED).count();
        long labs = lessons.stream().filter(Lab::hasLab).count();
        sb.append(passed).append(" of ").append(labs).append(" labs pass, as of ")
                .append(java.time.LocalDateTime.now().withSecond(0).withNano(0).toString().replace('T', ' '))
                .append(" (run `./tcplab docs` again to bring this page up to date).\n\n");
        progress.next(lessons).ifPresentOrElse(next -> sb.append("*Next:* xref:")
                .append(next.lessonDir().getFileName()).append(".adoc[Lesson ").append(next.id()).append(": ")
                .append(next.title()).append("]: read it, try it with `./tcplab jshell ").append(next.id())
                .append("`, write the lab, and grade it with `./tcplab check ").append(next.id()).append("`.\n\n"),
                () -> sb.append("*Every lab passes.* Well done!\n\n"));
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
