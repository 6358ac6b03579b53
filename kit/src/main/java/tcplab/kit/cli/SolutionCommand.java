package tcplab.kit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tcplab.kit.grade.Lab;

/**
 * {@code ./tcplab solution NN [--yes]}: the reference code. Freely once the lab passes; before that only after the
 * learner says so, because reading it too early spoils the lab.
 */
final class SolutionCommand extends AskingCommand {

    SolutionCommand(Workspace ws, InputStream in, PrintStream out, PrintStream err) {
        super(ws, in, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        Lab lab = Main.lab(ws, args, 0);
        boolean passed = Progress.load(ws.progressFile(), err).status(lab.id()) == Progress.Status.PASSED;
        if (!passed && !confirmed(args, "Lab " + lab.id()
                + " does not pass yet. Seeing the reference now spoils the lab. Show it anyway?")) {
            out.println("Not shown. ./tcplab hint " + lab.id() + " may be enough to get you going.");
            return 1;
        }
        for (Path file : lab.referenceFiles()) {
            out.println("// ===== " + ws.show(file) + " =====");
            out.println(Files.readString(file, StandardCharsets.UTF_8));
        }
        return 0;
    }
}
