package tcplab.kit.cli;

import java.io.PrintStream;
import tcplab.kit.docs.Includes;
import tcplab.kit.grade.Lab;

/** {@code ./tcplab read NN}: the lesson in the terminal, with the code it includes filled in. */
final class ReadCommand {

    private final Workspace ws;
    private final PrintStream out;
    private final PrintStream err;

    ReadCommand(Workspace ws, PrintStream out, PrintStream err) {
        this.ws = ws;
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws Exception {
        if (args.length == 0) {
            throw new Main.UsageException("which lesson? Give its number, e.g. 01");
        }
        Lab lab = ws.lesson(args[0]).orElseThrow(() -> new Main.UsageException("no lesson " + args[0]));
        out.println(Includes.expand(lab.lessonFile(), ws.root()));
        out.println("(This is the lesson's AsciiDoc source. For the page with diagrams: ./tcplab docs)");
        return 0;
    }
}
