package tcplab.kit.cli;

import java.io.PrintStream;
import tcplab.kit.docs.Includes;
import tcplab.kit.grade.Lab;

/** {@code ./tcplab read NN}: the lesson in the terminal, with the code it includes filled in. */
final class ReadCommand extends Command {

    ReadCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        Lab lab = lesson(args);
        out.println(Includes.expand(lab.lessonFile(), ws.root()));
        out.println("(This is the lesson's AsciiDoc source. For the page with diagrams: ./tcplab docs)");
        return 0;
    }
}
