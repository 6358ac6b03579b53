package tcplab.kit.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import tcplab.kit.docs.SnippetBlocks;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;

/**
 * {@code ./tcplab jshell NN}: JShell with the kit and the learner's own classes on the class path. The lesson's
 * snippets are not run at start (that took seconds before the prompt showed): they are cut into the blocks the lesson
 * shows, one file each, and the learner runs them in order with {@code /open 1-connect.jsh} and so on, seeing which
 * block printed what.
 *
 * <p>The launcher passes {@code --command-file}: this command then only prepares (compiles the lab, writes the blocks)
 * and writes JShell's command line to that file, and the launcher {@code exec}s JShell itself. So Ctrl-C goes straight
 * to JShell, and while neither the kit, the lesson nor the lab changed, the launcher starts JShell from the file
 * without this JVM at all: the prompt comes that much sooner.
 */
@CommandLine.Command(name = "jshell",
        description = "JShell with the kit and your classes; lesson NN's snippets ready to run block by block.")
final class JShellCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", descriptionKey = "lessonNN", description = "the lesson's number, e.g. 03")
    String id;

    @CommandLine.Option(names = "--command-file", hidden = true,
            description = "write whether it may be reused (reuse/once), JShell's working folder and command line here, one per"
                    + " line, instead of starting it")
    Path commandFile;

    JShellCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lesson(id);
        var classPath = new ArrayList<Path>();
        boolean reusable = true;  // false when the lab did not compile: next time, try again and show why
        if (lab.hasLab()) {
            LabBuild.Outcome built = new LabBuild(ws).compile(lab);
            if (built.ok()) {
                classPath.add(built.classes());
            } else {
                err.println("note: your lab " + lab.id() + " does not compile, so its classes are not loaded:\n"
                        + built.errors() + "\n");
                reusable = false;
            }
        }
        // JShell runs in the blocks' folder (so /open takes a short name): every class path entry must be absolute.
        var entries = new ArrayList<String>();
        for (String entry : ws.classPathWith(classPath).split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(ws.root().resolve(entry).toAbsolutePath().normalize().toString());
            }
        }
        Path dir = Files.createDirectories(ws.stateDir().resolve("jshell/" + lab.id()));
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        // UTF-8 named for both JVMs and their standard streams: under LANG=C a JDK 18+ would print Chinese as ??,
        // and JDK 25's jshell would read what the learner types as ?? too (stdin.encoding).
        List<String> command = new ArrayList<>(List.of(jshell.toString(), "--class-path",
                String.join(File.pathSeparator, entries), "-R-Dfile.encoding=UTF-8", "-J-Dfile.encoding=UTF-8",
                "-R-Dstdout.encoding=UTF-8", "-R-Dstderr.encoding=UTF-8", "-J-Dstdout.encoding=UTF-8",
                "-J-Dstderr.encoding=UTF-8", "-J-Dstdin.encoding=UTF-8", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                "-R-XX:TieredStopAtLevel=1", "-R-XX:+UseSerialGC", "--startup", "DEFAULT"));
        if (lab.snippets().toFile().exists()) {
            command.add("--startup");
            command.add(writeBlocks(lab, SnippetBlocks.read(lab.snippets()), dir).toString());
        }
        if (commandFile != null) {
            var lines = new ArrayList<String>();
            lines.add(reusable ? "reuse" : "once");
            lines.add(dir.toAbsolutePath().toString());
            lines.addAll(command);
            if (lines.stream().anyMatch(l -> l.contains("\n"))) {
                throw new IllegalStateException("a path holds a line break, which the launcher cannot read: " + lines);
            }
            Files.createDirectories(commandFile.toAbsolutePath().getParent());
            Files.write(commandFile, lines, StandardCharsets.UTF_8);
            return 0;
        }
        Process p = new ProcessBuilder(command).inheritIO().directory(dir.toFile()).start();
        return p.waitFor();
    }

    /** Writes one file per block and a start-up file (the imports, and the menu of blocks); returns the latter. */
    private Path writeBlocks(Lab lab, SnippetBlocks snippets, Path dir) throws Exception {
        try (var old = Files.list(dir)) {
            for (Path f : old.filter(f -> f.toString().endsWith(".jsh")).toList()) {
                Files.delete(f);
            }
        }
        var menu = new StringBuilder("Lesson " + lab.id() + "'s snippets, block by block: run them in order with "
                + "/open (Tab completes the name), and each one prints what it shows.\n");
        var all = new StringBuilder();
        int n = snippets.blocks().size();
        for (int i = 1; i <= n; i++) {
            var block = snippets.blocks().get(i - 1);
            String name = snippets.fileName(i);
            String banner = "System.out.println(\"--- block " + i + " of " + n + ": " + block.tag() + " ---\");\n";
            Files.writeString(dir.resolve(name), banner + String.join("\n", block.lines()) + "\n",
                    StandardCharsets.UTF_8);
            menu.append(String.format("  /open %-22s %s%n", name, block.summary()));
            all.append("/open ").append(name).append('\n');
        }
        Files.writeString(dir.resolve("all.jsh"), all.toString(), StandardCharsets.UTF_8);
        menu.append("  /open all.jsh             every block at once.   /list shows what ran, /exit leaves.\n");
        Path start = dir.resolve("start.jsh");
        Files.writeString(start, String.join("\n", snippets.preamble()) + "\nSystem.out.print(\"\"\"\n"
                + menu.toString().replace("\\", "\\\\").replace("\"\"\"", "\\\"\"\"") + "\"\"\");\n",
                StandardCharsets.UTF_8);
        return start;
    }
}
