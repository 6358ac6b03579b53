package tcplab.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import tcplab.kit.docs.Site;

/**
 * The site rendered once per test run: rendering takes seconds on a loaded machine, and every test of the rendered
 * pages reads the same output, so they share it instead of each rendering its own.
 */
final class RenderedSite {

    static final Path OUT = SiteTest.ROOT.resolve("docs/target/site");

    private static Site.Rendered rendered;

    private RenderedSite() {}

    static synchronized Site.Rendered get() {
        if (rendered == null) {
            try {
                rendered = Site.render(SiteTest.ROOT, OUT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rendered;
    }

    /** Every HTML page of the site, the index first. */
    static List<Path> pages() {
        Path index = get().index();
        try (Stream<Path> s = Files.list(index.getParent())) {
            return Stream.concat(Stream.of(index), s.filter(p -> p.toString().endsWith(".html"))
                    .filter(p -> !p.equals(index)).sorted()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
