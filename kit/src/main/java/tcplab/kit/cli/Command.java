package tcplab.kit.cli;

import java.io.PrintStream;

/** One {@code ./tcplab} command: it gets the checkout, somewhere to print, and its own arguments. */
abstract class Command {

    protected final Workspace ws;
    protected final PrintStream out;
    protected final PrintStream err;

    Command(Workspace ws, PrintStream out, PrintStream err) {
        this.ws = ws;
        this.out = out;
        this.err = err;
    }

    /** Runs the command; the result is the process's exit code. */
    abstract int run(String[] args) throws Exception;

    /** The lesson named by the first argument (labs or not), or a usage error. */
    protected tcplab.kit.grade.Lab lesson(String[] args) {
        if (args.length == 0) {
            throw new Main.UsageException("which lesson? Give its number, e.g. 01");
        }
        return ws.lesson(args[0]).orElseThrow(() -> new Main.UsageException("no lesson " + args[0]));
    }
}
