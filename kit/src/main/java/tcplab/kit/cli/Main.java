package tcplab.kit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code ./tcplab}: the learner's loop. Each command is a small class; this one only picks which, and prints the
 * usage when the words make no sense (on stderr, exit 2, like any Unix tool).
 */
public final class Main {

    static final String USAGE = """
            usage: ./tcplab                      lessons, your progress, and what to do next
                   ./tcplab check NN             grade lab NN (your code in labs/src/main/java/tcplab/labNN)
                   ./tcplab check NN --reference grade the reference solution instead
                   ./tcplab check --all [--reference] [--report junit|json FILE]
                                                 grade every lab (for teachers and autograders)
                   ./tcplab watch [NN]           grade again on every save
                   ./tcplab hint NN              the hints for lab NN's checks
                   ./tcplab solution NN          show the reference (once the lab passes, or after a question)
                   ./tcplab reset NN             put the stub back (asks first; keeps a backup of your code)
                   ./tcplab read NN              print lesson NN in the terminal, code included
                   ./tcplab jshell NN            JShell with the kit and your classes, lesson NN's snippets loaded
                   ./tcplab run NN [--reference] ARGS...
                                                 run lab NN's program by hand (poke it with nc)
                   ./tcplab docs                 render the lessons to HTML and print where
                   ./tcplab mistakes [--update] [NN]
                                                 (maintainers) prove the checks catch the known mistakes
            """;

    private Main() {}

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        var err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err);
        out.flush();
        // Learner code may have left threads running (that is what some checks catch): end the JVM regardless.
        System.exit(code);
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        var ws = Workspace.fromSystem();
        String command = args.length == 0 ? "status" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "status" -> new StatusCommand(ws, out, err).run(rest);
                case "check" -> new CheckCommand(ws, out, err).run(rest);
                case "watch" -> new WatchCommand(ws, out, err).run(rest);
                case "hint" -> new HintCommand(ws, out, err).run(rest);
                case "solution" -> new SolutionCommand(ws, in, out, err).run(rest);
                case "reset" -> new ResetCommand(ws, in, out, err).run(rest);
                case "read" -> new ReadCommand(ws, out, err).run(rest);
                case "jshell" -> new JShellCommand(ws, out, err).run(rest);
                case "run" -> new RunCommand(ws, out, err).run(rest);
                case "docs" -> new DocsCommand(ws, out, err).run(rest);
                case "mistakes" -> new MistakesCommand(ws, out, err).run(rest);
                case "help", "-h", "--help" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> usage(err, "unknown command: " + command);
            };
        } catch (UsageException e) {
            return usage(err, e.getMessage());
        }
    }

    static int usage(PrintStream err, String problem) {
        err.println("tcplab: " + problem);
        err.print(USAGE);
        return 2;
    }

    /** Thrown by a command whose arguments make no sense; ends in the usage text and exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The lab named by {@code args[i]}, or a usage error that lists the lessons there are. */
    static tcplab.kit.grade.Lab lab(Workspace ws, String[] args, int i) {
        if (args.length <= i) {
            throw new UsageException("which lesson? Give its number, e.g. 01");
        }
        return ws.lesson(args[i]).filter(tcplab.kit.grade.Lab::hasLab).orElseThrow(() -> new UsageException(
                "no lab " + args[i] + "; the labs are " + ws.lessons().stream().filter(tcplab.kit.grade.Lab::hasLab)
                        .map(tcplab.kit.grade.Lab::id).toList()));
    }
}
