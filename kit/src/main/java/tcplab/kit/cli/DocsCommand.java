package tcplab.kit.cli;

import picocli.CommandLine;
import tcplab.kit.docs.Site;
import tcplab.kit.i18n.Language;

/** {@code ./tcplab docs}: renders every lesson to HTML and says where the index page is. */
@CommandLine.Command(name = "docs", description = "Render the lessons to HTML (offline) and print where.")
final class DocsCommand extends Command {

    DocsCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        out.println(Language.text("docs.rendering"));
        // The index shows the learner's progress as of now; a later check does not change the page by itself.
        Site.Rendered site = Site.render(ws.root(), ws.siteDir(),
                tcplab.kit.grade.Progress.load(ws.progressFile(), err));
        site.problems().forEach(p -> err.println("warning: " + p));
        out.println(Language.text("docs.open", (tcplab.kit.i18n.Language.chinese()
                ? site.index().resolveSibling("index.zh-CN.html") : site.index()).toUri()));
        return site.problems().isEmpty() ? 0 : 1;
    }
}
