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
 * {@code solutions/target/test-classes}), so the translated hints and names must be there too: with Chinese chosen,
 * every lab's every hint and check name comes out in Chinese.
 */
class ChineseChecksTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void every_check_s_hint_and_name_are_chinese_where_the_grader_loads_the_checks() throws Exception {
        Path checkClasses = Path.of(ChineseChecksTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var english = new ArrayList<String>();
        Locale before = Language.current();
        Language.use(Language.CHINESE);
        try {
            for (Lab lab : Lab.all(ROOT)) {
                for (Class<?> checks : Grader.checkClasses(lab, getClass().getClassLoader(), checkClasses)) {
                    for (Method m : Grader.checkMethods(checks)) {
                        for (String text : new String[] {Language.hint(m).orElse(""), Language.checkName(m).orElse("")}) {
                            if (text.codePoints().noneMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
                                english.add(checks.getSimpleName() + "." + m.getName() + ": " + text);
                            }
                        }
                    }
                }
            }
        } finally {
            Language.use(before);
        }
        assertTrue(english.isEmpty(), "hints or names still in English where the grader loads the checks: " + english);
    }
}
