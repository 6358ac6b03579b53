package tcplab.kit.grade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles a learner's lab with the JDK's compiler, in this JVM (one process start fewer than running javac), into
 * {@code .tcplab/classes/labNN}, and only when a source changed since the last compile.
 */
public final class LabBuild {

    /** The compiled classes, or the compiler's messages as a learner reads them. */
    public record Outcome(Path classes, String errors) {
        public boolean ok() {
            return errors == null;
        }
    }

    private final Workspace ws;

    public LabBuild(Workspace ws) {
        this.ws = ws;
    }

    /**
     * The classes to run for {@code lab}: the reference's as built, or the learner's, compiled now. Null when the
     * learner's code does not compile; the compiler's messages are then on {@code err}.
     */
    public Path classesFor(Lab lab, boolean reference, java.io.PrintStream err) {
        if (reference) {
            return ws.referenceClasses();
        }
        Outcome built = compile(lab);
        if (!built.ok()) {
            err.println(built.errors());
            return null;
        }
        return built.classes();
    }

    public Outcome compile(Lab lab) {
        Path out = ws.learnerClasses(lab);
        var sources = new java.util.ArrayList<>(lab.learnerFiles());
        if (sources.isEmpty()) {
            return new Outcome(out, "no Java files in " + ws.show(lab.learnerSources()));
        }
        sources.addAll(lab.givenFiles());
        Path stamp = out.resolve(".compiled");
        if (upToDate(stamp, sources)) {
            return new Outcome(out, null);
        }
        String errors = compile(sources, out, ws.kitClassPath(), ws::show);
        if (errors != null) {
            return new Outcome(out, errors);
        }
        try {
            Files.writeString(stamp, "");
            Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outcome(out, null);
    }

    /**
     * Compiles {@code sources} into a fresh {@code out} against {@code classPath}; returns null on success, else
     * the errors as javac prints them, with file names shown through {@code show}.
     */
    public static String compile(List<Path> sources, Path out, String classPath,
            java.util.function.Function<Path, String> show) {
        var compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            return "this Java has no compiler: run ./tcplab with a JDK, not a JRE";
        }
        deleteTree(out);
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (var files = compiler.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            Files.createDirectories(out);
            List<String> options = List.of("-d", out.toString(), "-cp", classPath, "--release", "17",
                    "-encoding", "UTF-8", "-implicit:none", "-Xlint:none", "-Xmaxerrs", "20");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            return ok ? null : format(diagnostics.getDiagnostics(), show);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loader for the learner's classes (first) and the checks, over the kit the CLI runs on. */
    public static URLClassLoader loader(Path... dirs) {
        var urls = new ArrayList<URL>();
        for (Path d : dirs) {
            try {
                urls.add(d.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(d.toString(), e);
            }
        }
        return new URLClassLoader("lab", urls.toArray(URL[]::new), LabBuild.class.getClassLoader());
    }

    private static boolean upToDate(Path stamp, List<Path> sources) {
        try {
            if (!Files.exists(stamp)) {
                return false;
            }
            FileTime built = Files.getLastModifiedTime(stamp);
            for (Path s : sources) {
                if (Files.getLastModifiedTime(s).compareTo(built) >= 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Errors as javac prints them: file:line: message, the line itself, a caret under the column. */
    private static String format(List<Diagnostic<? extends JavaFileObject>> diagnostics,
            java.util.function.Function<Path, String> show) {
        var sb = new StringBuilder();
        int errors = 0;
        for (var d : diagnostics) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            errors++;
            String file = d.getSource() == null ? "" : show.apply(Path.of(d.getSource().toUri()));
            sb.append(file).append(':').append(d.getLineNumber()).append(": error: ")
                    .append(d.getMessage(Locale.ENGLISH)).append('\n');
            String line = sourceLine(d);
            if (line != null) {
                sb.append("    ").append(line).append('\n');
                sb.append("    ").append(" ".repeat((int) Math.max(0, d.getColumnNumber() - 1))).append("^\n");
            }
        }
        sb.append(errors).append(errors == 1 ? " error" : " errors");
        return sb.toString();
    }

    private static String sourceLine(Diagnostic<? extends JavaFileObject> d) {
        try {
            if (d.getSource() == null || d.getLineNumber() < 1) {
                return null;
            }
            List<String> lines = Files.readAllLines(Path.of(d.getSource().toUri()), StandardCharsets.UTF_8);
            return d.getLineNumber() <= lines.size() ? lines.get((int) d.getLineNumber() - 1).replace('\t', ' ') : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
