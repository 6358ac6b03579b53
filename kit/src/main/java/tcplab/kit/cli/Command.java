package tcplab.kit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Workspace;
import tcplab.kit.i18n.Language;

/**
 * One {@code ./tcplab} command. Picocli fills in its arguments (the fields marked {@code @Parameters} and
 * {@code @Option}); it gets the checkout and somewhere to print from {@link Main}; {@link #call} is its exit code.
 */
abstract class Command implements Callable<Integer> {

    /** What every command works with: the checkout, the learner's terminal. */
    record Context(Workspace ws, InputStream in, PrintStream out, PrintStream err) {}

    @Spec
    CommandSpec spec;

    protected final Workspace ws;
    protected final InputStream in;
    protected final PrintStream out;
    protected final PrintStream err;

    Command(Context context) {
        this.ws = context.ws();
        this.in = context.in();
        this.out = context.out();
        this.err = context.err();
    }

    /** The lesson numbered {@code id} (with or without a lab), or a usage error. */
    protected Lab lesson(String id) {
        return ws.lesson(id).orElseThrow(() -> new Main.UsageException(Language.text("usage.noLesson", id,
                ws.lessons().stream().map(Lab::id).toList())));
    }

    /** The lab numbered {@code id}, or a usage error that lists the labs there are. */
    protected Lab lab(String id) {
        return ws.lesson(id).filter(Lab::hasLab).orElseThrow(() -> new Main.UsageException(Language.text(
                "usage.noLab", id, ws.lessons().stream().filter(Lab::hasLab).map(Lab::id).toList())));
    }
}
