package tcplab.kit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import tcplab.kit.grade.Lab;

/** {@code ./tcplab run NN [--reference] ARGS…}: the lab's program, by hand, with the terminal as its input. */
final class RunCommand extends Command {

    RunCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        Lab lab = Main.lab(ws, args, 0);
        boolean reference = args.length > 1 && args[1].equals("--reference");
        String[] programArgs = Arrays.copyOfRange(args, reference ? 2 : 1, args.length);
        Path classes;
        if (reference) {
            classes = ws.referenceClasses();
        } else {
            LabBuild.Outcome built = new LabBuild(ws).compile(lab);
            if (!built.ok()) {
                err.println(built.errors());
                return 1;
            }
            classes = built.classes();
        }
        var loader = LabBuild.loader(classes);
        Method main = mainOf(lab, loader, classes.resolve(lab.packageName().replace('.', '/')));
        if (main == null) {
            err.println("Lab " + lab.id() + " has no class with a main method.");
            return 1;
        }
        Thread.currentThread().setContextClassLoader(loader);
        try {
            main.invoke(null, (Object) programArgs);
            return 0;
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            err.println("The program ended with " + t + "\n  at " + tcplab.kit.LabCode.where(t.getStackTrace()));
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
