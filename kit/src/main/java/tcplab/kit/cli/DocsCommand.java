package tcplab.kit.cli;

import picocli.CommandLine;
import tcplab.kit.docs.Site;

/** {@code ./tcplab docs}: renders every lesson to HTML and says where the index page is. */
@CommandLine.Command(name = "docs", description = "Render the lessons to HTML (offline) and print where.")
final class DocsCommand extends Command {

    DocsCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        out.println("Rendering the lessons (about 10 s)…");
        // The index shows the learner's progress as of now; a later check does not change the page by itself.
        Site.Rendered site = Site.render(ws.root(), ws.siteDir(),
                tcplab.kit.grade.Progress.load(ws.progressFile(), err));
        site.problems().forEach(p -> err.println("warning: " + p));
        out.println("Open " + site.index().toUri());
        return site.problems().isEmpty() ? 0 : 1;
    }
}
