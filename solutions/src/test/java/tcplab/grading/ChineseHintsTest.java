package tcplab.grading;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.i18n.Language;

/**
 * The grader reads the checks from this module's compiled tests ({@code ./tcplab check} uses
 * {@code solutions/target/test-classes}), so the translated hints must be there too: with Chinese chosen, every
 * lab's every hint comes out in Chinese.
 */
class ChineseHintsTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void every_check_s_hint_is_chinese_where_the_grader_loads_the_checks() throws Exception {
        Path checkClasses = Path.of(ChineseHintsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var english = new ArrayList<String>();
        Locale before = Language.current();
        Language.use(Language.CHINESE);
        try {
            for (Lab lab : Lab.all(ROOT)) {
                for (Class<?> checks : Grader.checkClasses(lab, getClass().getClassLoader(), checkClasses)) {
                    for (Method m : Grader.checkMethods(checks)) {
                        String hint = Language.hint(m).orElse("");
                        if (hint.codePoints().noneMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
                            english.add(checks.getSimpleName() + "." + m.getName());
                        }
                    }
                }
            }
        } finally {
            Language.use(before);
        }
        assertTrue(english.isEmpty(), "hints still in English where the grader loads the checks: " + english);
    }
}
