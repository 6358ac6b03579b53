package tcplab.kit.cli;

import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;
import tcplab.kit.i18n.Language;
import tcplab.kit.i18n.TextWidth;

/** {@code ./tcplab}: every lesson with its status, and the one next step. */
@CommandLine.Command(name = "status", description = "The lessons, your progress, and what to do next.")
final class StatusCommand extends Command {

    StatusCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() {
        var progress = Progress.load(ws.progressFile(), err);
        out.println(Language.text("status.greeting") + "\n");
        for (Lab lab : ws.lessons()) {
            Progress.Status s = lab.hasLab() ? progress.status(lab.id()) : Progress.Status.NOT_STARTED;
            String score = progress.score(lab.id());
            out.println("  " + lab.id() + "  " + TextWidth.padRight(lab.localTitle(), 45) + " "
                    + (!lab.hasLab() ? Language.text("status.readingOnly")
                            : s.localLabel() + (score.isEmpty() ? "" : " " + score)));
        }
        out.println();
        Lab next = progress.next(ws.lessons()).orElse(null);
        if (next == null) {
            out.println(Language.text("status.allPass"));
            return 0;
        }
        String file = ws.show(next.workFile().orElse(next.learnerSources()));
        out.println(Language.text("status.next", next.id(), next.localTitle()));
        out.println(Language.text("status.step.read", next.id()));
        out.println(Language.text("status.step.try", next.id()));
        out.println(Language.text("status.step.write", file));
        out.println(Language.text("status.step.grade", next.id()));
        return 0;
    }
}
