package tcplab.kit.cli;

import picocli.CommandLine;
import tcplab.kit.docs.Includes;
import tcplab.kit.grade.Lab;

/** {@code ./tcplab read NN}: the lesson in the terminal, with the code it includes filled in. */
@CommandLine.Command(name = "read", description = "Print lesson NN in the terminal, its code filled in.")
final class ReadCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", description = "the lesson's number, e.g. 03")
    String id;

    ReadCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lesson(id);
        out.println(Includes.expand(lab.lessonFile(), ws.root()));
        out.println("(This is the lesson's AsciiDoc source. For the page with diagrams: ./tcplab docs)");
        return 0;
    }
}
