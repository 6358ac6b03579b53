package tcplab.kit.i18n;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * The language the kit speaks to the learner: English, or 简体中文. {@code ./tcplab --lang zh-CN} chooses it; without
 * {@code --lang}, the locale does ({@code LC_ALL}, then {@code LC_MESSAGES}, then {@code LANG}, as every POSIX tool
 * reads them). The words live in resource bundles: {@code tcplab/kit/i18n/Messages*.properties} for the kit's own,
 * and {@code tcplab/labNN/hints_zh_CN.properties} beside each lab's checks for their hints (English hints are the
 * {@link tcplab.kit.Hint} annotations themselves).
 */
public final class Language {

    /** The languages there are, by the tag {@code --lang} takes. */
    public static final List<String> TAGS = List.of("en", "zh-CN");
    public static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;

    /** A bundle for exactly the locale asked for or the base one: never the JVM's default locale in between. */
    private static final ResourceBundle.Control EXACT =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private static volatile Locale current = Locale.ENGLISH;

    private Language() {}

    public static Locale current() {
        return current;
    }

    public static void use(Locale locale) {
        current = chinese(locale) ? CHINESE : Locale.ENGLISH;
    }

    public static boolean chinese() {
        return chinese(current);
    }

    private static boolean chinese(Locale locale) {
        return locale.getLanguage().equals("zh");
    }

    /** The language a {@code --lang} value names ("zh-CN", "zh", "zh_CN", "en"…), or empty when it names none. */
    public static Optional<Locale> parse(String tag) {
        String t = tag.strip().replace('_', '-').toLowerCase(Locale.ROOT);
        if (t.equals("zh") || t.equals("zh-cn") || t.equals("zh-hans") || t.equals("zh-hans-cn")) {
            return Optional.of(CHINESE);
        }
        if (t.equals("en") || t.startsWith("en-")) {
            return Optional.of(Locale.ENGLISH);
        }
        return Optional.empty();
    }

    /**
     * The language of the locale in {@code env}: the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty
     * decides; Chinese when it starts with "zh", English otherwise (C, POSIX, en_US.UTF-8, anything else).
     */
    public static Locale fromEnvironment(Map<String, String> env) {
        for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.startsWith("zh") ? CHINESE : Locale.ENGLISH;
            }
        }
        return Locale.ENGLISH;
    }

    /** The kit's message {@code key} in the current language, formatted with {@code args} ({@link String#format}). */
    public static String text(String key, Object... args) {
        String pattern = bundle("tcplab.kit.i18n.Messages", Language.class.getClassLoader()).getString(key);
        return args.length == 0 ? pattern : String.format(current, pattern, args);
    }

    /** The kit's message {@code key} in {@code locale}, whatever the current language (the site has both). */
    public static String textIn(Locale locale, String key, Object... args) {
        String pattern = ResourceBundle.getBundle("tcplab.kit.i18n.Messages", locale, Language.class.getClassLoader(),
                EXACT).getString(key);
        return args.length == 0 ? pattern : String.format(locale, pattern, args);
    }

    /**
     * Explanations, in the current language, of the kernel's and the JDK's texts that {@code text} quotes (they
     * stay as the system prints them: they are what a learner searches for). Empty in English.
     */
    public static List<String> glosses(String text) {
        ResourceBundle glosses = bundle("tcplab.kit.i18n.Glosses", Language.class.getClassLoader());
        var found = new java.util.ArrayList<String>();
        for (String original : new java.util.TreeSet<>(glosses.keySet())) {
            if (text.contains(original)) {
                found.add(original + " —— " + glosses.getString(original));
            }
        }
        return found;
    }

    /** The kit's messages in the current language (for picocli's help, which reads a bundle itself). */
    public static ResourceBundle messages() {
        return bundle("tcplab.kit.i18n.Messages", Language.class.getClassLoader());
    }

    /**
     * The hint of a check in the current language: the {@link tcplab.kit.Hint} annotation's English, or its
     * translation in {@code hints_zh_CN.properties} of the check's package under the key
     * {@code ClassName.methodName}. Empty when the check has no hint at all.
     */
    public static Optional<String> hint(Method check) {
        tcplab.kit.Hint english = check.getAnnotation(tcplab.kit.Hint.class);
        if (english == null) {
            return Optional.empty();
        }
        if (chinese()) {
            Optional<String> translated = translatedHint(check, CHINESE);
            if (translated.isPresent()) {
                return translated;
            }
        }
        return Optional.of(english.value());
    }

    /** The translation of a check's hint into {@code locale}, if its package has one. */
    public static Optional<String> translatedHint(Method check, Locale locale) {
        return translated(check, "hints", locale);
    }

    /**
     * The name a learner sees for a check, in the current language: its {@code @DisplayName}, or the translation
     * in {@code names_zh_CN.properties} of the check's package (key {@code ClassName.methodName}). Empty when the
     * check has no display name.
     */
    public static Optional<String> checkName(Method check) {
        var english = check.getAnnotation(org.junit.jupiter.api.DisplayName.class);
        if (english == null) {
            return Optional.empty();
        }
        if (chinese()) {
            Optional<String> translated = translated(check, "names", CHINESE);
            if (translated.isPresent()) {
                return translated;
            }
        }
        return Optional.of(english.value());
    }

    /** The {@code ClassName.methodName} entry of the bundle {@code kind} in the check's package, in {@code locale}. */
    private static Optional<String> translated(Method check, String kind, Locale locale) {
        Class<?> owner = check.getDeclaringClass();
        try {
            ResourceBundle bundle = ResourceBundle.getBundle(owner.getPackageName() + "." + kind, locale,
                    owner.getClassLoader(), EXACT);
            if (!bundle.getLocale().equals(locale)) {
                return Optional.empty();
            }
            String key = owner.getSimpleName() + "." + check.getName();
            return bundle.containsKey(key) ? Optional.of(bundle.getString(key)) : Optional.empty();
        } catch (MissingResourceException none) {
            return Optional.empty();
        }
    }

    private static ResourceBundle bundle(String name, ClassLoader loader) {
        return ResourceBundle.getBundle(name, current, loader, EXACT);
    }
}
