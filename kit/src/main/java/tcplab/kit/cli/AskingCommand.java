package tcplab.kit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;
import tcplab.kit.i18n.Language;

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
        out.print(question + " " + Language.text("ask.choices") + " ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (answer == null) {
            out.println();   // nobody typed Enter: end the prompt's line ourselves
            return false;
        }
        String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
        // "y" and "yes" in any language; "是" (yes) and "好" (fine) too, for a learner typing in Chinese.
        return a.startsWith("y") || a.startsWith("是") || a.startsWith("好");
    }
}
