package tcplab.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tcplab.kit.Hint;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;

/**
 * The maintainers' proof that no lab ships solved and no check is vacuous: with the stubs on the class path, every
 * check of every lab must fail (a check that passes on a stub would pass for a learner who wrote nothing). The
 * other direction, every check passing on the reference, is the solutions module's test run.
 */
class StubsFailTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @TestFactory
    Stream<DynamicTest> every_check_of_every_lab_fails_on_its_stub() {
        return labs().stream().map(lab -> DynamicTest.dynamicTest("lab " + lab.id(), () -> {
            LabResult result = Grader.grade(lab, getClass().getClassLoader(), checkClasses(), c -> { });
            assertFalse(result.checks().isEmpty(), "lab " + lab.id() + " has no checks in " + checkClasses());
            List<String> passing = result.checks().stream().filter(CheckResult::passed)
                    .map(c -> "check " + c.number() + " (" + c.name() + ")").toList();
            if (!passing.isEmpty()) {
                fail("lab " + lab.id() + ": " + passing + " pass on the stub; a check must fail until the learner "
                        + "writes the code it checks");
            }
        }));
    }

    @Test
    void every_check_has_a_hint() {
        var missing = new ArrayList<String>();
        for (Lab lab : labs()) {
            for (Class<?> checks : Grader.checkClasses(lab, getClass().getClassLoader(), checkClasses())) {
                for (Method m : Grader.checkMethods(checks)) {
                    Hint hint = m.getAnnotation(Hint.class);
                    if (hint == null || hint.value().isBlank()) {
                        missing.add(checks.getSimpleName() + "." + m.getName());
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            fail("checks without a @Hint: " + missing);
        }
    }

    /**
     * A learner reads a check's name before anything else: a sentence with its punctuation and capitals
     * ({@code close() waits until the server's thread has ended}), which a method name cannot carry.
     */
    @Test
    void every_check_has_a_display_name_of_its_own() {
        var problems = new ArrayList<String>();
        for (Lab lab : labs()) {
            var seen = new java.util.HashSet<String>();
            for (Class<?> checks : Grader.checkClasses(lab, getClass().getClassLoader(), checkClasses())) {
                for (Method m : Grader.checkMethods(checks)) {
                    var named = m.getAnnotation(org.junit.jupiter.api.DisplayName.class);
                    String where = checks.getSimpleName() + "." + m.getName();
                    if (named == null || named.value().isBlank()) {
                        problems.add(where + " has no @DisplayName");
                    } else if (!seen.add(named.value())) {
                        problems.add(where + ": \"" + named.value() + "\" is the name of another check of lab " + lab.id());
                    } else if (named.value().endsWith(".") || !named.value().equals(named.value().strip())) {
                        problems.add(where + ": \"" + named.value() + "\" ends with a full stop or a space");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void every_lab_has_one_check_class_marked_with_its_lesson() {
        var wrong = new ArrayList<String>();
        for (Lab lab : labs()) {
            List<Class<?>> classes = Grader.checkClasses(lab, getClass().getClassLoader(), checkClasses());
            if (classes.size() != 1) {
                wrong.add("lab " + lab.id() + " has " + classes.size() + " classes marked @Checks (one, please: "
                        + "its checks run in one order)");
            }
            for (Class<?> c : classes) {
                if (c.getAnnotation(tcplab.kit.Checks.class).lesson() != lab.number()) {
                    wrong.add(c.getName() + " says @Checks(lesson = " + c.getAnnotation(tcplab.kit.Checks.class)
                            .lesson() + ") but sits in lab " + lab.id());
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    private static List<Lab> labs() {
        return Lab.all(ROOT).stream().filter(Lab::hasLab).toList();
    }

    private static Path checkClasses() {
        try {
            return Path.of(StubsFailTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
