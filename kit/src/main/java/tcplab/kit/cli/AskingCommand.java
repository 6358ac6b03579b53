package tcplab.kit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** A command that asks before it does something a learner may regret; {@code --yes} answers for them. */
abstract class AskingCommand extends Command {

    @Option(names = {"-y", "--yes"}, description = "do not ask: the answer is yes")
    boolean yes;

    AskingCommand(Context context) {
        super(context);
    }

    /** True with {@code --yes}, or when the learner answers yes; no answer (no terminal) is no. */
    protected boolean confirmed(String question) throws IOException {
        if (yes) {
            return true;
        }
        out.print(question + " [y/N] ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (answer == null) {
            out.println();   // nobody typed Enter: end the prompt's line ourselves
        }
        return answer != null && answer.strip().toLowerCase().startsWith("y");
    }
}
