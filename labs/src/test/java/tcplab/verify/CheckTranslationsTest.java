package tcplab.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tcplab.kit.Hint;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Lab;
import tcplab.kit.i18n.Language;
import tcplab.kit.i18n.Translations;

/**
 * Every check's hint and name have their 简体中文 translations, made from the English as it is now (see
 * {@link Translations}), and the grader finds them. With {@code -Dtcplab.stamp=new} (a translator who has just
 * translated new hints or a new lesson, marked {@code :translation-of: PENDING}), what is new is stamped first: {@code ./mvnw -pl labs test
 * -Dtest=CheckTranslationsTest -Dtcplab.stamp=new}.
 */
class CheckTranslationsTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void every_hint_and_name_is_translated_from_its_english_as_it_is_now() throws Exception {
        var problems = new ArrayList<String>();
        if ("new".equals(System.getProperty("tcplab.stamp"))) {
            Translations.stampNewLessons(ROOT);     // the lessons' twins marked :translation-of: PENDING
        }
        for (Lab lab : labs()) {
            Map<String, String> hints = englishHints(lab);
            Map<String, String> names = englishNames(lab);
            if ("new".equals(System.getProperty("tcplab.stamp"))) {
                Translations.stampNewHints(ROOT, lab, hints);
                Translations.stampNewNames(ROOT, lab, names);
            }
            problems.addAll(Translations.hints(ROOT, lab, hints));
            problems.addAll(Translations.names(ROOT, lab, names));
        }
        assertTrue(problems.isEmpty(), problems.size() + " hints and names out of step:\n" + String.join("\n", problems));
    }

    @Test
    void a_check_s_hint_and_name_are_read_in_the_learner_s_language() throws Exception {
        Lab lab = labs().get(0);
        Method check = checks(lab).get(0);
        String english = check.getAnnotation(Hint.class).value();
        Locale before = Language.current();
        try {
            Language.use(Locale.ENGLISH);
            assertEquals(english, Language.hint(check).orElseThrow());
            Language.use(Language.CHINESE);
            String chinese = Language.hint(check).orElseThrow();
            assertTrue(chinese.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN),
                    "lab " + lab.id() + "'s first hint in Chinese: " + chinese);
            String name = Language.checkName(check).orElseThrow();
            assertTrue(name.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN),
                    "lab " + lab.id() + "'s first check's name in Chinese: " + name);
        } finally {
            Language.use(before);
        }
    }

    private static Map<String, String> englishNames(Lab lab) {
        var names = new LinkedHashMap<String, String>();
        for (Method m : checks(lab)) {
            var name = m.getAnnotation(org.junit.jupiter.api.DisplayName.class);
            if (name != null) {
                names.put(m.getDeclaringClass().getSimpleName() + "." + m.getName(), name.value());
            }
        }
        return names;
    }

    private static Map<String, String> englishHints(Lab lab) {
        var hints = new LinkedHashMap<String, String>();
        for (Method m : checks(lab)) {
            Hint hint = m.getAnnotation(Hint.class);
            if (hint != null) {
                hints.put(m.getDeclaringClass().getSimpleName() + "." + m.getName(), hint.value());
            }
        }
        return hints;
    }

    private static List<Method> checks(Lab lab) {
        var methods = new ArrayList<Method>();
        for (Class<?> checks : Grader.checkClasses(lab, CheckTranslationsTest.class.getClassLoader(), checkClasses())) {
            methods.addAll(Grader.checkMethods(checks));
        }
        return methods;
    }

    private static List<Lab> labs() {
        return Lab.all(ROOT).stream().filter(Lab::hasLab).toList();
    }

    private static Path checkClasses() {
        try {
            return Path.of(CheckTranslationsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
