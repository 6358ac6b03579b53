package tcplab.kit.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabBuild;
import tcplab.kit.i18n.Language;

/** {@code ./tcplab run NN [--reference] ARGS…}: the lab's program, by hand, with the terminal as its input. */
@CommandLine.Command(name = "run", description = "Run lab NN's program by hand (poke it with nc); Ctrl-C stops it.")
final class RunCommand extends Command {

    @CommandLine.Parameters(index = "0", paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 04")
    String id;

    @CommandLine.Option(names = "--reference", description = "run the reference solution instead of your code")
    boolean reference;

    @CommandLine.Parameters(index = "1..*", paramLabel = "ARGS", description = "the program's own arguments")
    List<String> programArgs = List.of();

    RunCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lab(id);
        Path classes = new LabBuild(ws).classesFor(lab, reference, err);
        if (classes == null) {
            return 1;
        }
        var loader = LabBuild.loader(classes);
        Method main = mainOf(lab, loader, classes.resolve(lab.packageName().replace('.', '/')));
        if (main == null) {
            err.println(Language.text("run.noMain", lab.id()));
            return 1;
        }
        Thread.currentThread().setContextClassLoader(loader);
        try {
            main.invoke(null, (Object) programArgs.toArray(String[]::new));
            return 0;
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            err.println(Language.text("run.ended", t, tcplab.kit.LabCode.where(t.getStackTrace())));
            return 1;
        }
    }

    private static Method mainOf(Lab lab, ClassLoader loader, Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (String name : files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$")).sorted().toList()) {
                try {
                    Method m = Class.forName(lab.packageName() + "." + name.replace(".class", ""), false, loader)
                            .getMethod("main", String[].class);
                    if (Modifier.isStatic(m.getModifiers())) {
                        return m;
                    }
                } catch (ReflectiveOperationException | LinkageError notThis) {
                    // not a program: look at the next class
                }
            }
        }
        return null;
    }
}
