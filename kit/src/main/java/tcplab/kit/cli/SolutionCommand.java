package tcplab.kit.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;
import tcplab.kit.i18n.Language;

/**
 * {@code ./tcplab solution NN [--yes]}: the reference code. Freely once the lab passes; before that only after the
 * learner says so, because reading it too early spoils the lab.
 */
@CommandLine.Command(name = "solution",
        description = "Show the reference for lab NN (freely once it passes; before that, after a question).")
final class SolutionCommand extends AskingCommand {

    @CommandLine.Parameters(paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 03")
    String id;

    SolutionCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lab(id);
        boolean passed = Progress.load(ws.progressFile(), err).status(lab.id()) == Progress.Status.PASSED;
        if (!passed && !confirmed(Language.text("solution.question", lab.id()))) {
            out.println(Language.text("solution.notShown", lab.id()));
            return 1;
        }
        for (Path file : lab.referenceFiles()) {
            out.println("// ===== " + ws.show(file) + " =====");
            out.println(Files.readString(file, StandardCharsets.UTF_8));
        }
        return 0;
    }
}
