package tcplab.kit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top of the command tree: with no command, the learner's status. */
// scope INHERIT: every command gets --help (and the same help layout).
@Command(name = "tcplab", mixinStandardHelpOptions = true, version = "TCP Lab", scope = ScopeType.INHERIT,
        usageHelpWidth = 110, sortOptions = false,
        description = {"Learn TCP sockets by writing them: read a lesson, try it in JShell, write the lab, grade it.",
                "With no command, ./tcplab prints the lessons, your progress and your next step.",
                "For one command: ./tcplab help COMMAND (or ./tcplab COMMAND --help)."},
        subcommands = {StatusCommand.class, CheckCommand.class, WatchCommand.class, HintCommand.class,
                SolutionCommand.class, ResetCommand.class, ReadCommand.class, JShellCommand.class, RunCommand.class,
                BenchCommand.class,
                DocsCommand.class, MistakesCommand.class, CompletionCommand.class, HelpCommand.class})
final class TcpLab extends tcplab.kit.cli.Command {

    /** Read by {@link Main} before picocli parses (so the help speaks it too); declared here for help and completion. */
    @Option(names = "--lang", paramLabel = "LANG", scope = ScopeType.INHERIT, completionCandidates = Languages.class,
            description = "en or zh-CN (default: the language of your locale, LANG / LC_ALL)")
    String lang;

    /** What {@code --lang} takes, for completion. */
    static final class Languages extends java.util.ArrayList<String> {
        Languages() {
            super(tcplab.kit.i18n.Language.TAGS);
        }
    }

    TcpLab(Context context) {
        super(context);
    }

    @Override
    public Integer call() {
        return new StatusCommand(new Context(ws, in, out, err)).call();
    }
}
