package tcplab.kit.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import tcplab.kit.grade.Lab;

/**
 * {@code ./tcplab jshell NN}: JShell with the kit and the learner's own classes on the class path and the lesson's
 * snippets already run, so the learner starts where the lesson left off.
 */
@CommandLine.Command(name = "jshell", description = "JShell with the kit and your classes, lesson NN's snippets loaded.")
final class JShellCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", description = "the lesson's number, e.g. 03")
    String id;

    JShellCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lesson(id);
        var classPath = new ArrayList<Path>();
        if (lab.hasLab()) {
            LabBuild.Outcome built = new LabBuild(ws).compile(lab);
            if (built.ok()) {
                classPath.add(built.classes());
            } else {
                err.println("note: your lab " + lab.id() + " does not compile, so its classes are not loaded:\n"
                        + built.errors() + "\n");
            }
        }
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        List<String> command = new ArrayList<>(List.of(jshell.toString(), "--class-path",
                ws.classPathWith(classPath), "-R-Dfile.encoding=UTF-8", "-J-Dfile.encoding=UTF-8"));
        if (lab.snippets().toFile().exists()) {
            command.add("--startup");
            command.add("DEFAULT");
            command.add(lab.snippets().toString());
            out.println("Loading " + ws.show(lab.snippets()) + " — its output comes first, then the jshell> prompt."
                    + " Type /list to see the snippets, /exit to leave.");
        }
        Process p = new ProcessBuilder(command).inheritIO().directory(new File(ws.root().toString())).start();
        return p.waitFor();
    }
}
