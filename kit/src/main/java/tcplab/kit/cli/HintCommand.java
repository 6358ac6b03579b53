package tcplab.kit.cli;

import java.lang.reflect.Method;
import picocli.CommandLine;
import tcplab.kit.i18n.Language;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;
import tcplab.kit.grade.Progress;

/** {@code ./tcplab hint NN}: each check's hint, the one you are stuck on first. */
@CommandLine.Command(name = "hint", description = "The hints for lab NN's checks, the one you are stuck on first.")
final class HintCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 03")
    String id;

    HintCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lab(id);
        if (!ws.built()) {
            err.println(Language.text("hint.notBuilt"));
            return 1;
        }
        int stuck = Progress.load(ws.progressFile(), err).firstFailure(lab.id());
        try (var loader = LabBuild.loader(ws.referenceClasses(), ws.checkClasses())) {
            int n = 0;
            for (Class<?> checks : Grader.checkClasses(lab, loader, ws.checkClasses())) {
                for (Method m : Grader.checkMethods(checks)) {
                    n++;
                    String hint = Language.hint(m).orElse(null);
                    String name = Grader.displayName(m);
                    out.println((n == stuck ? "→ " : "  ") + n + ". " + name
                            + (n == stuck ? "   " + Language.text("hint.stuckHere") : ""));
                    out.println("     " + (hint == null ? Language.text("hint.none") : ResultText.wrap(hint, "     ")));
                    out.println();
                }
            }
            if (n == 0) {
                out.println(Language.text("hint.noChecks", lab.id()));
            }
        }
        return 0;
    }
}
