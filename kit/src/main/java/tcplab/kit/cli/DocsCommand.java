package tcplab.kit.cli;

import java.io.PrintStream;
import tcplab.kit.docs.Site;

/** {@code ./tcplab docs}: renders every lesson to HTML and says where the index page is. */
final class DocsCommand extends Command {

    DocsCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        out.println("Rendering the lessons (about 10 s)…");
        Site.Rendered site = Site.render(ws.root(), ws.siteDir());
        site.problems().forEach(p -> err.println("warning: " + p));
        out.println("Open " + site.index().toUri());
        return site.problems().isEmpty() ? 0 : 1;
    }
}
