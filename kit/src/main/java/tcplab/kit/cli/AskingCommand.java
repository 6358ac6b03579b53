package tcplab.kit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A command that asks before it does something a learner may regret; {@code --yes} answers for them. */
abstract class AskingCommand extends Command {

    private final InputStream in;

    AskingCommand(Workspace ws, InputStream in, PrintStream out, PrintStream err) {
        super(ws, out, err);
        this.in = in;
    }

    /** True if the arguments hold {@code --yes}, or the learner answers yes; no answer (no terminal) is no. */
    protected boolean confirmed(String[] args, String question) throws IOException {
        if (List.of(args).contains("--yes")) {
            return true;
        }
        out.print(question + " [y/N] ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.strip().toLowerCase().startsWith("y");
    }
}
