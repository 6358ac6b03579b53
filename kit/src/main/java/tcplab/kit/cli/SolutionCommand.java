package tcplab.kit.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tcplab.kit.grade.Lab;

/**
 * {@code ./tcplab solution NN [--yes]}: the reference code. Freely once the lab passes; before that only after the
 * learner says so, because reading it too early spoils the lab.
 */
final class SolutionCommand extends Command {

    private final InputStream in;

    SolutionCommand(Workspace ws, InputStream in, PrintStream out, PrintStream err) {
        super(ws, out, err);
        this.in = in;
    }

    @Override
    int run(String[] args) throws Exception {
        Lab lab = Main.lab(ws, args, 0);
        boolean yes = args.length > 1 && args[1].equals("--yes");
        boolean passed = Progress.load(ws.progressFile(), err).status(lab.id()) == Progress.Status.PASSED;
        if (!passed && !yes && !Confirm.ask(in, out, "Lab " + lab.id()
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

    /** A yes/no question on the terminal; no answer (no terminal, end of input) is no. */
    static final class Confirm {
        private Confirm() {}

        static boolean ask(InputStream in, PrintStream out, String question) throws java.io.IOException {
            out.print(question + " [y/N] ");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase().startsWith("y");
        }
    }
}
