package tcplab.kit.docs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs a lesson's {@code snippets.jsh} the way the jshell tool would, through the JShell API, and reports every
 * snippet that was rejected, left unresolved or threw. The build runs every lesson's file, so a snippet can never
 * drift from the kit it calls.
 *
 * <p>Each snippet has its own time limit rather than the file a total one: a file's time grows with its length and
 * with the machine's load, while one snippet that blocks (a read or accept without a timeout) is a bug to name.
 */
public final class Snippets {

    /** The imports the jshell tool starts with (its DEFAULT startup); the API starts with none. */
    private static final List<String> DEFAULT_IMPORTS = List.of("java.io.*", "java.math.*", "java.net.*",
            "java.nio.file.*", "java.util.*", "java.util.concurrent.*", "java.util.function.*",
            "java.util.prefs.*", "java.util.regex.*", "java.util.stream.*");

    private Snippets() {}

    /**
     * Evaluates {@code file} with {@code classPath}; returns the problems found, empty when every snippet ran. A
     * snippet still running after {@code perSnippet} ends the run with a problem that names it; its JVM is then
     * stopped in the background.
     */
    public static List<String> check(Path file, String classPath, Duration perSnippet) throws IOException {
        var problems = new ArrayList<String>();
        ExecutorService evaluator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "snippet evaluator");
            t.setDaemon(true);
            return t;
        });
        // The snippets run in a JVM of their own, as in the jshell tool. Not the "local" engine: it waits, after each
        // snippet, for every thread the snippet started (they share its thread group), so a snippet that leaves a
        // server or a sender running for the next block hangs there, or not, depending on a race (lessons 03 and 09).
        JShell shell = JShell.builder()
                .remoteVMOptions("-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8",
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .build();
        boolean stuck = false;
        try {
            for (String entry : classPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
            for (String imp : DEFAULT_IMPORTS) {
                shell.eval("import " + imp + ";");
            }
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            // Fed line by line, as the jshell tool reads a file: a line that ends a complete snippet runs at once,
            // so an expression written without a semicolon does not swallow the line after it.
            String pending = "";
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (pending.isBlank() && line.strip().matches("/[a-z!?-].*")) {
                    problems.add("a jshell /command cannot be checked by the build: " + line.strip());
                    continue;
                }
                pending = pending + line + "\n";
                while (!pending.isBlank()) {
                    SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
                    if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                        pending = "";   // only comments so far
                        break;
                    }
                    if (!info.completeness().isComplete()) {
                        break;
                    }
                    String source = info.source();
                    Future<List<SnippetEvent>> running = evaluator.submit(() -> shell.eval(source));
                    List<SnippetEvent> events;
                    try {
                        events = running.get(perSnippet.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        stuck = true;
                        problems.add("did not finish in " + perSnippet.toSeconds() + " s (a read, accept or connect"
                                + " without a timeout?)\n  in: " + firstLine(source));
                        return problems;
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("JShell failed on: " + firstLine(source), e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while running: " + firstLine(source), e);
                    }
                    for (SnippetEvent e : events) {
                        String problem = problem(shell, e);
                        if (problem != null) {
                            problems.add(problem);
                        }
                    }
                    pending = info.remaining();
                }
            }
            if (!pending.isBlank()) {
                problems.add("incomplete code at the end of the file: " + firstLine(pending));
            }
            return problems;
        } finally {
            if (stuck) {
                // Stop the snippet and end its JVM without waiting here for either: a blocked snippet may not let go.
                Thread closing = new Thread(() -> {
                    shell.stop();
                    shell.close();
                }, "closing a stuck JShell");
                closing.setDaemon(true);
                closing.start();
                evaluator.shutdownNow();
            } else {
                shell.close();
                evaluator.shutdown();
            }
        }
    }

    private static String problem(JShell shell, SnippetEvent e) {
        Snippet s = e.snippet();
        if (e.exception() != null) {
            String what = e.exception() instanceof EvalException ee ? ee.getExceptionClassName()
                    : e.exception().getClass().getName();
            return "threw " + what + ": " + e.exception().getMessage() + "\n  in: " + firstLine(s.source());
        }
        if (e.status() == Snippet.Status.REJECTED) {
            String diags = shell.diagnostics(s).map(d -> d.getMessage(java.util.Locale.ENGLISH))
                    .collect(Collectors.joining("; "));
            return "rejected: " + diags + "\n  in: " + firstLine(s.source());
        }
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            return "refers to something undefined: " + shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) s)
                    .collect(Collectors.joining(", ")) + "\n  in: " + firstLine(s.source());
        }
        return null;
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }
}
