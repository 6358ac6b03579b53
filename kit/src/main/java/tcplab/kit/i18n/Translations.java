package tcplab.kit.i18n;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcplab.kit.grade.Lab;

/**
 * Keeps the 简体中文 text in step with the English, for the build. Every lesson has its twin
 * {@code lesson.zh-CN.adoc} with the same section ids, section levels, includes and diagrams, and a
 * {@code :translation-of:} attribute holding the git blob id of the English file it translates (what
 * {@code git hash-object lessons/NN-…/lesson.adoc} prints), so that an English lesson changed after its translation
 * is reported, with the {@code git diff} that shows what changed. Every check's {@code @Hint} has its translation
 * in the lab's {@code hints_zh_CN.properties}, and its {@code @DisplayName} in {@code names_zh_CN.properties},
 * stamped the same way ({@code Class.method.translation-of}, a hash of the English text). The kit's two message bundles have the same keys. A lesson or lab added later without
 * its translation fails the build, which names the file that is missing.
 */
public final class Translations {

    private static final Pattern ID = Pattern.compile("^\\[(?:#|\\[)([\\w-]+)");
    private static final Pattern HEADING = Pattern.compile("^(={2,6}) \\S");
    private static final Pattern DIAGRAM = Pattern.compile("^\\[plantuml,\\s*([\\w-]+)");
    private static final Pattern DELIMITER = Pattern.compile("^(----+|\\.\\.\\.\\.+|\\+\\+\\+\\++|////+)\\s*$");
    private static final Pattern TRANSLATION_OF = Pattern.compile("^:translation-of:[ \\t]*(\\S*)[ \\t]*$",
            Pattern.MULTILINE);

    private Translations() {}

    /**
     * The lessons and the kit's messages out of step under {@code root}, one line each saying what to do; empty
     * when all is in step. (The hints are checked where the checks are compiled: {@link #hints}.)
     */
    public static List<String> problems(Path root) throws IOException {
        var problems = new ArrayList<String>();
        for (Lab lab : Lab.all(root)) {
            problems.addAll(lesson(root, lab));
        }
        problems.addAll(messages(root.resolve("kit/src/main/resources/tcplab/kit/i18n")));
        return problems;
    }

    /** Where lab {@code lab}'s translated hints are. */
    public static Path hintsFile(Path root, Lab lab) {
        return bundleFile(root, lab, "hints");
    }

    /** Where lab {@code lab}'s translated check names are. */
    public static Path namesFile(Path root, Lab lab) {
        return bundleFile(root, lab, "names");
    }

    private static Path bundleFile(Path root, Lab lab, String kind) {
        return root.resolve("labs/src/test/resources/tcplab/lab" + lab.id() + "/" + kind + "_zh_CN.properties");
    }

    /** The lesson's twin: there, of the same shape, and translating the English as it is now. */
    static List<String> lesson(Path root, Lab lab) throws IOException {
        Path english = lab.lessonFile();
        Path chinese = lab.chineseLessonFile();
        String en = rel(root, english);
        String zh = rel(root, chinese);
        var problems = new ArrayList<String>();
        if (!Files.exists(chinese)) {
            problems.add(zh + " is missing: every lesson comes with its 简体中文 translation (same section ids, "
                    + "includes and diagrams; see lessons/glossary.adoc for the terms)");
            return problems;
        }
        List<String> enLines = Files.readAllLines(english, StandardCharsets.UTF_8);
        List<String> zhLines = Files.readAllLines(chinese, StandardCharsets.UTF_8);
        problems.addAll(unnamedSections(en, enLines));
        problems.addAll(unnamedSections(zh, zhLines));
        compare(problems, zh, en, "section ids", outside(enLines, ID), outside(zhLines, ID));
        compare(problems, zh, en, "section levels", headingLevels(enLines), headingLevels(zhLines));
        compare(problems, zh, en, "include:: lines", lines(enLines, "include::"), lines(zhLines, "include::"));
        List<String> zhDiagrams = outside(zhLines, DIAGRAM).stream().map(d -> d.replaceFirst("-zh-CN$", "")).toList();
        compare(problems, zh, en, "diagrams (each named as in English plus -zh-CN)", outside(enLines, DIAGRAM),
                zhDiagrams);
        for (String d : outside(zhLines, DIAGRAM)) {
            if (!d.endsWith("-zh-CN")) {
                problems.add(zh + ": diagram " + d + " must be named " + d + "-zh-CN, or it overwrites the English "
                        + "picture");
            }
        }
        String blob = blobId(Files.readAllBytes(english));
        Matcher m = TRANSLATION_OF.matcher(String.join("\n", zhLines));
        if (!m.find()) {
            problems.add(zh + ": no :translation-of: attribute; once it translates " + en + " as it is now, add "
                    + ":translation-of: " + blob + " under the title");
        } else if (!m.group(1).equals(blob)) {
            problems.add(zh + " translates an older " + en + " (:translation-of: " + m.group(1) + ", the English is "
                    + "now " + blob + "). See what changed: git diff " + m.group(1) + " " + blob + "; bring the "
                    + "translation up to date, then set :translation-of: " + blob);
        }
        return problems;
    }

    /**
     * Each of a lab's checks has its hint translated, from the English hint as it is now. {@code english}: the
     * lab's English hints ({@link tcplab.kit.Hint}), keyed {@code ClassName.methodName}.
     */
    public static List<String> hints(Path root, Lab lab, Map<String, String> english) throws IOException {
        return translated(root, lab, "hint", hintsFile(root, lab), english);
    }

    /**
     * Each of a lab's checks has its name translated, from the English name as it is now. {@code english}: the
     * checks' {@code @DisplayName}s, keyed {@code ClassName.methodName}.
     */
    public static List<String> names(Path root, Lab lab, Map<String, String> english) throws IOException {
        return translated(root, lab, "name", namesFile(root, lab), english);
    }

    private static List<String> translated(Path root, Lab lab, String what, Path file, Map<String, String> english)
            throws IOException {
        var problems = new ArrayList<String>();
        if (english.isEmpty()) {
            return problems;
        }
        String where = rel(root, file);
        if (!Files.exists(file)) {
            problems.add(where + " is missing: every check's " + what + " comes with its 简体中文 translation ("
                    + english.size() + " of them, keyed Class.method)");
            return problems;
        }
        Properties chinese = load(file);
        for (var e : english.entrySet()) {
            String key = e.getKey();
            String stamp = hintStamp(e.getValue());
            if (!chinese.containsKey(key) || chinese.getProperty(key).isBlank()) {
                problems.add(where + ": no translation of the " + what + " of " + key + " (add " + key + " = …, and "
                        + key + ".translation-of = " + stamp + ")");
            } else if (!stamp.equals(chinese.getProperty(key + ".translation-of"))) {
                problems.add(where + ": the " + what + " of " + key + " is not stamped as translating its English "
                        + what + " as it is now (\"" + e.getValue() + "\"): bring it up to date, then set " + key
                        + ".translation-of = " + stamp);
            }
        }
        for (String key : chinese.stringPropertyNames()) {
            String base = key.replaceFirst("\\.translation-of$", "");
            if (!english.containsKey(base)) {
                problems.add(where + ": " + key + " belongs to no check of lab " + lab.id() + " (renamed or removed?)");
            }
        }
        return problems;
    }

    /** The kit's messages: the same keys in English and in Chinese. */
    static List<String> messages(Path dir) throws IOException {
        var problems = new ArrayList<String>();
        Path en = dir.resolve("Messages.properties");
        Path zh = dir.resolve("Messages_zh_CN.properties");
        if (!Files.exists(en)) {
            return problems;
        }
        if (!Files.exists(zh)) {
            problems.add(zh + " is missing");
            return problems;
        }
        var enKeys = new TreeSet<>(load(en).stringPropertyNames());
        var zhKeys = new TreeSet<>(load(zh).stringPropertyNames());
        for (String key : enKeys) {
            if (!zhKeys.contains(key)) {
                problems.add("Messages_zh_CN.properties has no " + key + " (Messages.properties has it)");
            }
        }
        return problems;
    }

    /** The stamp of an English hint or name: the first 12 hex digits of its SHA-256. */
    static String hintStamp(String english) {
        return HexFormat.of().formatHex(sha("SHA-256", english.getBytes(StandardCharsets.UTF_8)), 0, 6);
    }

    /** What {@code git hash-object} prints for a file with these bytes: the id of its blob. */
    static String blobId(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return HexFormat.of().formatHex(sha("SHA-1", all));
    }

    /**
     * Stamps the lessons' twins that have no stamp yet ({@code :translation-of: PENDING}): for a translator who has
     * just written one. Never re-stamps a stale one: that is a person's call, once the translation is up to date.
     */
    public static void stampNewLessons(Path root) throws IOException {
        for (Lab lab : Lab.all(root)) {
            Path zh = lab.chineseLessonFile();
            if (!Files.exists(zh)) {
                continue;
            }
            String text = Files.readString(zh, StandardCharsets.UTF_8);
            Matcher m = TRANSLATION_OF.matcher(text);
            if (m.find() && (m.group(1).isEmpty() || m.group(1).equals("PENDING"))) {
                Files.writeString(zh, text.substring(0, m.start()) + ":translation-of: "
                        + blobId(Files.readAllBytes(lab.lessonFile())) + text.substring(m.end()), StandardCharsets.UTF_8);
            }
        }
    }

    /** Stamps the translated hints of {@code lab} that have no stamp yet, as {@link #stampNewLessons} does. */
    public static void stampNewHints(Path root, Lab lab, Map<String, String> english) throws IOException {
        stampNew(hintsFile(root, lab), english);
    }

    /** Stamps the translated check names of {@code lab} that have no stamp yet. */
    public static void stampNewNames(Path root, Lab lab, Map<String, String> english) throws IOException {
        stampNew(namesFile(root, lab), english);
    }

    private static void stampNew(Path file, Map<String, String> english) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Properties chinese = load(file);
        var add = new StringBuilder();
        for (var e : english.entrySet()) {
            if (chinese.containsKey(e.getKey()) && !chinese.containsKey(e.getKey() + ".translation-of")) {
                add.append(e.getKey()).append(".translation-of = ").append(hintStamp(e.getValue())).append('\n');
            }
        }
        if (add.length() > 0) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Files.writeString(file, text + (text.endsWith("\n") ? "" : "\n")
                    + "\n# Which English text each translation translates (a hash of it; see Translations in the kit).\n"
                    + add, StandardCharsets.UTF_8);
        }
    }

    private static List<String> unnamedSections(String file, List<String> lines) {
        var problems = new ArrayList<String>();
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (DELIMITER.matcher(line).matches()) {
                code = !code;
            } else if (!code && HEADING.matcher(line).find()) {
                int j = i - 1;
                boolean named = false;
                while (j >= 0 && lines.get(j).startsWith("[")) {
                    named |= ID.matcher(lines.get(j)).find();
                    j--;
                }
                if (!named) {
                    problems.add(file + ":" + (i + 1) + ": section \"" + line + "\" has no id: give it one ([#an-id] "
                            + "on the line above), so that links to it work in both languages");
                }
            }
        }
        return problems;
    }

    private static void compare(List<String> problems, String zh, String en, String what, List<String> english,
            List<String> chinese) {
        if (!english.equals(chinese)) {
            int at = 0;
            while (at < Math.min(english.size(), chinese.size()) && english.get(at).equals(chinese.get(at))) {
                at++;
            }
            problems.add(zh + ": its " + what + " differ from " + en + "'s, from the " + (at + 1) + ". on: English "
                    + (at < english.size() ? english.get(at) : "(none)") + ", Chinese "
                    + (at < chinese.size() ? chinese.get(at) : "(none)") + " (" + english.size() + " in English, "
                    + chinese.size() + " in Chinese)");
        }
    }

    /** The first group of {@code pattern} on each line outside listing and literal blocks. */
    private static List<String> outside(List<String> lines, Pattern pattern) {
        var found = new ArrayList<String>();
        boolean code = false;
        for (String line : lines) {
            if (DELIMITER.matcher(line).matches()) {
                code = !code;
            } else if (!code) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    found.add(m.group(1));
                }
            }
        }
        return found;
    }

    private static List<String> headingLevels(List<String> lines) {
        return outside(lines, HEADING);
    }

    private static List<String> lines(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    private static Properties load(Path file) throws IOException {
        var p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static String rel(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static byte[] sha(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }
}
