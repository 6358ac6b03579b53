package tcplab.kit.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;

/** Compiles a lab (the learner's, or the reference) and grades it; the one path every command grades through. */
public final class Grading {

    private final Workspace ws;

    public Grading(Workspace ws) {
        this.ws = ws;
    }

    /**
     * Grades {@code lab}. If the learner's code does not compile, prints the compiler's messages on {@code err}
     * and returns null: there is nothing to check yet.
     */
    public LabResult grade(Lab lab, boolean reference, PrintStream err, Consumer<CheckResult> live) {
        return grade(lab, reference, err, live, java.util.List.of());
    }

    /** Like {@link #grade(Lab, boolean, PrintStream, Consumer)}; {@code also} hear every event of the run. */
    public LabResult grade(Lab lab, boolean reference, PrintStream err, Consumer<CheckResult> live,
            java.util.List<org.junit.platform.launcher.TestExecutionListener> also) {
        Path code;
        if (reference) {
            code = ws.referenceClasses();
        } else {
            LabBuild.Outcome built = new LabBuild(ws).compile(lab);
            if (!built.ok()) {
                err.println(built.errors());
                return null;
            }
            code = built.classes();
        }
        return gradeClasses(lab, code, live, null, also);
    }

    /** Grades the compiled classes in {@code code} (learner's, reference, or a catalogued mistake). */
    public LabResult gradeClasses(Lab lab, Path code, Consumer<CheckResult> live) {
        return gradeClasses(lab, code, live, null);
    }

    /** Grades {@code code} with only the checks {@code only} accepts (all, if null). */
    public LabResult gradeClasses(Lab lab, Path code, Consumer<CheckResult> live,
            java.util.function.Predicate<java.lang.reflect.Method> only) {
        return gradeClasses(lab, code, live, only, java.util.List.of());
    }

    private LabResult gradeClasses(Lab lab, Path code, Consumer<CheckResult> live,
            java.util.function.Predicate<java.lang.reflect.Method> only,
            java.util.List<org.junit.platform.launcher.TestExecutionListener> also) {
        // A thread the learner's code started may die after its check is over (the check closed its sockets, or
        // stopped a loop that would never end); what matters was reported by the check, so its trace is not printed.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> { });
        // Checks that must start the lab in a child JVM (another locale, say) find its class path here.
        System.setProperty("tcplab.classpath",
                code + File.pathSeparator + ws.checkClasses() + File.pathSeparator + ws.kitClassPath());
        try (var loader = LabBuild.loader(code, ws.checkClasses())) {
            return Grader.grade(lab, loader, ws.checkClasses(), live, only, also);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
    private static final boolean COLOUR = System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));

    /** One line per check, as it ends. */
    public static void printLine(PrintStream out, CheckResult c) {
        String mark = switch (c.status()) {
            case PASSED -> COLOUR ? "  \u001b[32m✔\u001b[0m " : "  ✔ ";
            case FAILED -> COLOUR ? "  \u001b[31m✘\u001b[0m " : "  ✘ ";
            case SKIPPED -> "  – ";
        };
        out.printf("%s%2d  %s%s%n", mark, c.number(), c.name(),
                c.status() == CheckResult.Status.SKIPPED ? "  (skipped: " + c.message() + ")" : "");
    }

    /** Text folded at word boundaries to fit a terminal, each later line starting with {@code indent}. */
    static String wrap(String text, String indent) {
        var sb = new StringBuilder();
        int column = indent.length();
        for (String word : text.strip().split("\\s+")) {
            if (column + word.length() > 100 && column > indent.length()) {
                sb.append('\n').append(indent);
                column = indent.length();
            } else if (sb.length() > 0) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
        }
        return sb.toString();
    }

    /** Under the checks: the first failure in full, with its hint, and what to do next. */
    public static void printSummary(PrintStream out, Workspace ws, LabResult r, boolean reference) {
        Lab lab = r.lab();
        CheckResult first = r.firstFailure();
        out.println();
        if (r.checks().isEmpty()) {
            out.println("Lab " + lab.id() + " has no checks. Is the kit built? Try: ./mvnw -q -DskipTests package");
            return;
        }
        if (first == null) {
            out.printf("All %d checks pass (%.1f s). %s%n", r.checks().size(), r.millis() / 1000.0,
                    reference ? "The reference is sound." : "Lab " + lab.id() + " is done: run ./tcplab for the next.");
            return;
        }
        out.println("Check " + first.number() + " failed: " + first.name());
        out.println(first.message().indent(2).stripTrailing());
        if (first.hint() != null) {
            out.println();
            out.println("  hint: " + wrap(first.hint(), "        "));
        }
        out.println();
        out.printf("%d of %d checks pass. Fix check %d in %s, then run ./tcplab check %s again.%n",
                r.passedCount(), r.checks().size(), first.number(),
                reference ? ws.show(lab.referenceSources()) : ws.show(lab.workFile().orElse(lab.learnerSources())), lab.id());
    }
}
