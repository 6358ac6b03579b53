package tcplab.kit.grade;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.opentest4j.TestAbortedException;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.LabCode;
import tcplab.kit.i18n.Language;

/**
 * Runs one lab's checks through the JUnit Platform Launcher, in-process, and turns each outcome into something a
 * learner can read. The same grader serves the CLI, the teacher's reports and the build's own proof that every stub
 * fails, so all three see exactly the same checks.
 */
public final class Grader {

    private Grader() {}

    /**
     * Grades {@code lab}: its check class is found in {@code checkClasses} (a compiled test-classes folder) and
     * loaded, together with the code under test, through {@code loader}. {@code live} hears of each check as it
     * ends, so a learner sees progress while slow checks run.
     */
    public static LabResult grade(Lab lab, ClassLoader loader, Path checkClasses, Consumer<CheckResult> live) {
        return grade(lab, loader, checkClasses, live, null);
    }

    /** Like {@link #grade(Lab, ClassLoader, Path, Consumer)}, but only the checks {@code only} accepts run. */
    public static LabResult grade(Lab lab, ClassLoader loader, Path checkClasses, Consumer<CheckResult> live,
            java.util.function.Predicate<Method> only) {
        return grade(lab, loader, checkClasses, live, only, List.of());
    }

    /** Like the others, and {@code also} hear every event of the run too (the JUnit XML report's writer, say). */
    public static LabResult grade(Lab lab, ClassLoader loader, Path checkClasses, Consumer<CheckResult> live,
            java.util.function.Predicate<Method> only, List<TestExecutionListener> also) {
        long start = System.nanoTime();
        List<Class<?>> classes = checkClasses(lab, loader, checkClasses);
        var results = new ArrayList<CheckResult>();
        if (classes.isEmpty()) {
            return new LabResult(lab, results, 0);
        }
        List<org.junit.platform.engine.DiscoverySelector> selectors = only == null
                ? classes.stream().<org.junit.platform.engine.DiscoverySelector>map(c -> selectClass(c)).toList()
                : classes.stream().flatMap(c -> checkMethods(c).stream().filter(only)
                        .<org.junit.platform.engine.DiscoverySelector>map(m -> selectMethod(c, m))).toList();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        var listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) {
                    add(id, CheckResult.Status.SKIPPED, reason, 0);
                }
            }

            private long started;

            @Override
            public void executionStarted(TestIdentifier id) {
                if (id.isTest()) {
                    Heap.makeRoomForACheck();
                }
                started = System.nanoTime();
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    return;
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                Throwable t = result.getThrowable().orElse(null);
                switch (result.getStatus()) {
                    case SUCCESSFUL -> add(id, CheckResult.Status.PASSED, null, millis);
                    case ABORTED -> add(id, CheckResult.Status.SKIPPED, skipReason(t), millis);
                    case FAILED -> add(id, CheckResult.Status.FAILED, explain(t), millis);
                }
            }

            private void add(TestIdentifier id, CheckResult.Status status, String message, long millis) {
                String name = id.getSource().filter(s -> s instanceof MethodSource)
                        .flatMap(s -> Language.checkName(((MethodSource) s).getJavaMethod()))
                        .orElse(id.getDisplayName().replaceAll("\\(\\)$", ""));
                var r = new CheckResult(results.size() + 1, name, status, message, hint(id).orElse(null), millis);
                results.add(r);
                live.accept(r);
            }
        };
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            var listeners = new ArrayList<TestExecutionListener>(also);
            listeners.add(0, listener);
            LauncherFactory.create().execute(request, listeners.toArray(TestExecutionListener[]::new));
        } finally {
            thread.setContextClassLoader(previous);
        }
        return new LabResult(lab, List.copyOf(results), (System.nanoTime() - start) / 1_000_000);
    }

    /** The lab's check classes: top-level classes of its package marked {@link Checks}. */
    public static List<Class<?>> checkClasses(Lab lab, ClassLoader loader, Path checkClasses) {
        Path dir = checkClasses.resolve(lab.packageName().replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .sorted()
                    .map(n -> load(loader, lab.packageName() + "." + n.substring(0, n.length() - 6)))
                    .filter(c -> c != null && c.isAnnotationPresent(Checks.class))
                    .<Class<?>>map(c -> c)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The check methods of a check class, in the order they run. */
    public static List<Method> checkMethods(Class<?> checks) {
        return Stream.of(checks.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(org.junit.jupiter.api.Test.class))
                .sorted(java.util.Comparator.comparingInt(Grader::order).thenComparing(Method::getName))
                .toList();
    }

    /** What a learner sees of a check: its {@code @DisplayName}, a sentence with its capitals and punctuation. */
    public static String displayName(Method check) {
        return Language.checkName(check).orElseGet(() -> key(check));
    }

    /**
     * The check's name as a stable key, its method name with spaces for underscores: what the mistakes catalog's
     * {@code caught-by:} names, so rewording a display name does not break the catalog.
     */
    public static String key(Method check) {
        return check.getName().replace('_', ' ');
    }

    private static int order(Method m) {
        var o = m.getAnnotation(org.junit.jupiter.api.Order.class);
        return o == null ? org.junit.jupiter.api.Order.DEFAULT : o.value();
    }

    private static Class<?> load(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Optional<String> hint(TestIdentifier id) {
        return id.getSource()
                .filter(s -> s instanceof MethodSource)
                .flatMap(s -> Language.hint(((MethodSource) s).getJavaMethod()));
    }

    private static String skipReason(Throwable t) {
        if (t instanceof TestAbortedException && t.getMessage() != null) {
            return t.getMessage().replaceFirst("^Assumption failed: ", "");
        }
        return t == null ? "skipped" : String.valueOf(t.getMessage());
    }

    /** What a learner reads for a failure: a check's own report, or our best account of anything else. */
    static String explain(Throwable t) {
        if (t instanceof CheckFailed) {
            return t.getMessage();
        }
        if (t instanceof LinkageError) {
            return LabCode.threw("called your lab", t).getMessage();
        }
        if (t instanceof AssertionError) {
            return Language.text("failure.whenRan") + "\n  " + t.getMessage();
        }
        if (t instanceof java.util.concurrent.TimeoutException || String.valueOf(t).contains("timed out after")) {
            return Language.text("failure.whenRan") + "\n  " + Language.text("failure.notInTime", t.getMessage());
        }
        return LabCode.threw("ran", t).getMessage();
    }
}
