package tcplab.kit.grade;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;

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
        Path code = new LabBuild(ws).classesFor(lab, reference, err);
        return code == null ? null : gradeClasses(lab, code, live, null, also);
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
}
