package tcplab.kit.cli;

import java.lang.reflect.Method;
import picocli.CommandLine;
import tcplab.kit.Hint;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;
import tcplab.kit.grade.Progress;

/** {@code ./tcplab hint NN}: each check's hint, the one you are stuck on first. */
@CommandLine.Command(name = "hint", description = "The hints for lab NN's checks, the one you are stuck on first.")
final class HintCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", description = "the lab's number, e.g. 03")
    String id;

    HintCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lab(id);
        if (!ws.built()) {
            err.println("The kit is not built yet: run ./tcplab first.");
            return 1;
        }
        int stuck = Progress.load(ws.progressFile(), err).firstFailure(lab.id());
        try (var loader = LabBuild.loader(ws.referenceClasses(), ws.checkClasses())) {
            int n = 0;
            for (Class<?> checks : Grader.checkClasses(lab, loader, ws.checkClasses())) {
                for (Method m : Grader.checkMethods(checks)) {
                    n++;
                    Hint hint = m.getAnnotation(Hint.class);
                    String name = Grader.displayName(m);
                    out.println((n == stuck ? "→ " : "  ") + n + ". " + name
                            + (n == stuck ? "   ← your first failing check" : ""));
                    out.println("     " + (hint == null ? "(no hint)" : ResultText.wrap(hint.value(), "     ")));
                    out.println();
                }
            }
            if (n == 0) {
                out.println("Lab " + lab.id() + " has no checks yet.");
            }
        }
        return 0;
    }
}
