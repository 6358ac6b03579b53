package tcplab.kit.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * {@code ./tcplab completion bash|zsh}: prints a script that makes the shell complete commands and options. Source
 * it from the checkout: {@code source <(./tcplab completion bash)}, or put that line in {@code ~/.bashrc}.
 */
@CommandLine.Command(name = "completion",
        description = {"Print the shell completion script, to use with: source <(./tcplab completion bash)",
                "(zsh: the same script, through zsh's bashcompinit)."})
final class CompletionCommand extends Command {

    @CommandLine.Parameters(arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash (the default) or zsh")
    String shell;

    CompletionCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new Main.UsageException("completion knows bash and zsh, not " + shell);
        }
        String script = AutoComplete.bash("tcplab", spec.root().commandLine());
        out.print(script);
        // Learners type ./tcplab in the checkout; complete that spelling too.
        out.println("complete -F _complete_tcplab -o default ./tcplab");
        return 0;
    }
}
