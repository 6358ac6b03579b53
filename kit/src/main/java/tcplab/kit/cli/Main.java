package tcplab.kit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;
import tcplab.kit.grade.Workspace;
import tcplab.kit.i18n.Language;

/**
 * {@code ./tcplab}: the learner's loop. Each command is a small class; picocli reads the words, prints the help and
 * writes the completion scripts. A usage error is one line and where to get help, on stderr, exit code 2, like any
 * Unix tool.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        var err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err);
        out.flush();
        // Learner code may have left threads running (that is what some checks catch): end the JVM regardless.
        System.exit(code);
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), in, out, err);
    }

    /**
     * Runs {@code args} in the language {@code --lang} names, or else the one of the locale in {@code env}. The
     * language is chosen before picocli reads the words, so that its help and its errors speak it too.
     */
    static int run(String[] args, java.util.Map<String, String> env, InputStream in, PrintStream out,
            PrintStream err) {
        Locale chosen = Language.fromEnvironment(env);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            String tag = args[i].startsWith("--lang=") ? args[i].substring("--lang=".length())
                    : args[i].equals("--lang") && i + 1 < args.length ? args[i + 1] : null;
            if (tag != null) {
                Optional<Locale> named = Language.parse(tag);
                if (named.isEmpty()) {
                    Language.use(chosen);
                    err.println("tcplab: " + Language.text("usage.unknownLanguage", tag, String.join(", ",
                            Language.TAGS)));
                    err.println(Language.text("usage.helpTop"));
                    return 2;
                }
                chosen = named.get();
            }
        }
        Language.use(chosen);
        return commandLine(new Command.Context(Workspace.fromSystem(), in, out, err)).execute(args);
    }

    /** The whole command tree, wired to {@code context}. */
    static CommandLine commandLine(Command.Context context) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (Command.class.isAssignableFrom(cls)) {
                    var constructor = cls.getDeclaredConstructor(Command.Context.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(context);
                }
                return defaults.create(cls);
            }
        };
        var cli = new CommandLine(TcpLab.class, factory);
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        cli.setParameterExceptionHandler((ParameterException e, String[] args) -> usageError(context.err(),
                e.getCommandLine(), problem(e) + suggestion(e)));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageException) {
                return usageError(context.err(), commandLine, e.getMessage());
            }
            throw e;
        });
        cli.getSubcommands().get("run").setUnmatchedOptionsArePositionalParams(true);
        // The help's words in the chosen language: picocli looks each one up in the bundle, and keeps the
        // annotation's English where the bundle has none (the English bundle has none of them).
        cli.setResourceBundle(Language.messages());
        return cli;
    }

    /** One line that says what was wrong, one that says where help is: never the whole usage. */
    static int usageError(PrintStream err, CommandLine where, String problem) {
        String name = where.getCommandName();
        err.println("tcplab: " + problem);
        err.println(name.equals("tcplab") ? Language.text("usage.helpTop") : Language.text("usage.helpFor", name));
        return 2;
    }

    /** What was wrong, in a learner's words and on one line. */
    private static String problem(ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            boolean atTop = u.getCommandLine().getParent() == null;
            return Language.text(first.startsWith("-") ? "usage.unknownOption"
                    : atTop ? "usage.unknownCommand" : "usage.unexpectedArgument", first);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Missing required parameter: 'NN'")) {
            return Language.text("usage.whichLesson");
        }
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String suggestion(ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            return Language.text("usage.didYouMean", String.join(Language.text("usage.or"), u.getSuggestions()));
        }
        return "";
    }

    /** Thrown by a command whose arguments make no sense; ends in one usage line and exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
