package tcplab.kit.cli;

import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;

/** {@code ./tcplab}: every lesson with its status, and the one next step. */
@CommandLine.Command(name = "status", description = "The lessons, your progress, and what to do next.")
final class StatusCommand extends Command {

    StatusCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() {
        var progress = Progress.load(ws.progressFile(), err);
        out.println("TCP Lab — learn TCP sockets by writing them\n");
        for (Lab lab : ws.lessons()) {
            Progress.Status s = lab.hasLab() ? progress.status(lab.id()) : Progress.Status.NOT_STARTED;
            String score = progress.score(lab.id());
            out.printf("  %s  %-45s %s%n", lab.id(), lab.title(),
                    !lab.hasLab() ? "(reading only)" : s.label + (score.isEmpty() ? "" : " " + score));
        }
        out.println();
        Lab next = progress.next(ws.lessons()).orElse(null);
        if (next == null) {
            out.println("Every lab passes. Well done! Re-read a lesson with ./tcplab read NN, or try the labs' "
                    + "programs against each other with ./tcplab run.");
            return 0;
        }
        String file = ws.show(next.workFile().orElse(next.learnerSources()));
        out.println("Next: lesson " + next.id() + " — " + next.title());
        out.println("  1. read it:     ./tcplab read " + next.id() + "   (or ./tcplab docs for HTML)");
        out.println("  2. try it:      ./tcplab jshell " + next.id());
        out.println("  3. write it:    " + file);
        out.println("  4. grade it:    ./tcplab check " + next.id() + "   (or ./tcplab watch " + next.id() + ")");
        return 0;
    }
}
