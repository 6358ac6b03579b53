package tcplab.kit.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The site's offline search. The build cuts every lesson page into its sections (the page, the anchor, the titles
 * and the text) and writes them to {@code search.js}; lunr.js, copied from its WebJar beside the pages, indexes
 * them in the browser and {@code site.js} shows the results as the learner types. Scripts, not JSON read with
 * fetch(): a page opened from file:// may load a script but not fetch a file.
 */
final class Search {

    /** One searchable section: where it is, what it is called, and its words. */
    record Section(String page, String anchor, String lesson, String title, String text) {}

    static final String CORPUS = "search.js";
    static final String LUNR = "lunr.min.js";

    private final List<Section> sections = new ArrayList<>();

    /** Adds the sections of one rendered lesson page (before navigation is added: only the lesson's own text). */
    void add(Document html, String page, String lesson) {
        Element content = html.getElementById("content");
        if (content == null) {
            return;
        }
        Element preamble = content.getElementById("preamble");
        if (preamble != null) {
            sections.add(new Section(page, "", lesson, lesson, preamble.text()));
        }
        for (Element section : content.select("div.sect1, div.sect2, div.sect3")) {
            Element heading = section.selectFirst("> h2, > h3, > h4");
            if (heading == null || heading.id().isEmpty()) {
                continue;
            }
            // A section's own words: its subsections are sections of their own.
            Element own = section.clone();
            own.select("div.sect2, div.sect3, div.sect4").remove();
            own.select("> h2, > h3, > h4").remove();
            sections.add(new Section(page, heading.id(), lesson, heading.text(), own.text()));
        }
    }

    List<Section> sections() {
        return List.copyOf(sections);
    }

    /** Writes the corpus and lunr.js (with its licence) into the site's folder. */
    void write(Path out) throws IOException {
        String json = new ObjectMapper().writeValueAsString(sections);
        Files.writeString(out.resolve(CORPUS), "// The lessons' sections, for the search box (see site.js).\n"
                + "window.TCPLAB_SEARCH = " + json + ";\n", StandardCharsets.UTF_8);
        String webjar = "META-INF/resources/webjars/lunr/" + lunrVersion() + "/";
        copy(webjar + "lunr.min.js", out.resolve(LUNR));
        copy(webjar + "LICENSE", out.resolve("lunr.LICENSE.txt"));
    }

    private static String lunrVersion() throws IOException {
        var props = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/lunr/pom.properties")) {
            props.load(in);
        }
        return props.getProperty("version");
    }

    private static void copy(String name, Path to) throws IOException {
        try (InputStream in = resource(name)) {
            Files.write(to, in.readAllBytes());
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Search.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the kit was built without lunr.js (" + name + "): rebuild it with ./mvnw install");
        }
        return in;
    }
}
