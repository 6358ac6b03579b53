package tcplab.kit.grade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tcplab.kit.i18n.Language;

/**
 * One lesson and its lab, found by convention from the lesson number NN: the text in {@code lessons/NN-slug/},
 * the stub in {@code labs/src/main/java/tcplab/labNN/}, the reference in {@code solutions/src/main/java/…} and
 * the checks in {@code labs/src/test/java/tcplab/labNN/}. Nothing else needs registering.
 */
public record Lab(int number, Path lessonDir, String title, Path root) {

    /** "03" — how lessons are named everywhere. */
    public String id() {
        return String.format("%02d", number);
    }

    public String packageName() {
        return "tcplab.lab" + id();
    }

    public Path lessonFile() {
        return lessonDir.resolve("lesson.adoc");
    }

    /** {@code lesson.zh-CN.adoc}: the lesson in 简体中文, beside the English. */
    public Path chineseLessonFile() {
        return lessonDir.resolve("lesson.zh-CN.adoc");
    }

    /** The lesson in the learner's language ({@link Language}), or the English when it has no translation. */
    public Path lessonFileToRead() {
        return Language.chinese() && Files.exists(chineseLessonFile()) ? chineseLessonFile() : lessonFile();
    }

    /** The title in the learner's language, as {@link #title} is in English. */
    public String localTitle() {
        return titleIn(Language.current());
    }

    /** The title in {@code locale}'s language: the translation's when there is one, else the English. */
    public String titleIn(java.util.Locale locale) {
        return locale.getLanguage().equals("zh") && Files.exists(chineseLessonFile())
                ? title(chineseLessonFile(), title) : title;
    }

    /** Whether the lesson has its 简体中文 twin. */
    public boolean hasChinese() {
        return Files.exists(chineseLessonFile());
    }

    public Path snippets() {
        return lessonDir.resolve("snippets.jsh");
    }

    /** Where the learner edits: the lab's package in the labs module. */
    public Path learnerSources() {
        return root.resolve("labs/src/main/java/tcplab/lab" + id());
    }

    public Path referenceSources() {
        return root.resolve("solutions/src/main/java/tcplab/lab" + id());
    }

    /** Classes the lab gives finished (a demo, an enum…): kept once, compiled with both the stub and the reference. */
    public Path givenSources() {
        return root.resolve("labs/src/given/java/tcplab/lab" + id());
    }

    public List<Path> givenFiles() {
        return javaFiles(givenSources());
    }

    public Path checkSources() {
        return root.resolve("labs/src/test/java/tcplab/lab" + id());
    }

    /** Has a lab at all (a lesson may be text only). */
    public boolean hasLab() {
        return Files.isDirectory(learnerSources());
    }

    /** The lab's Java files, in name order. */
    public List<Path> learnerFiles() {
        return javaFiles(learnerSources());
    }

    /**
     * The file a learner works in: the first that still has work marked TODO (a lab may give a few finished
     * classes beside it), or else the first file.
     */
    public Optional<Path> workFile() {
        List<Path> files = learnerFiles();
        for (Path f : files) {
            try {
                if (Files.readString(f, StandardCharsets.UTF_8).contains("UnsupportedOperationException(\"TODO")) {
                    return Optional.of(f);
                }
            } catch (IOException e) {
                // unreadable: try the next one
            }
        }
        return files.stream().findFirst();
    }

    public List<Path> referenceFiles() {
        return javaFiles(referenceSources());
    }

    static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every lesson under {@code root/lessons}, in order. */
    public static List<Lab> all(Path root) {
        Path lessons = root.resolve("lessons");
        if (!Files.isDirectory(lessons)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(lessons)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d\\d-.+") && Files.isDirectory(p))
                    .sorted()
                    .map(p -> new Lab(Integer.parseInt(p.getFileName().toString().substring(0, 2)), p,
                            title(p.resolve("lesson.adoc"), p.getFileName().toString().substring(3).replace('-', ' ')),
                            root))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The lesson numbered {@code id} ("3", "03"), if there is one. */
    public static Optional<Lab> find(Path root, String id) {
        if (!id.matches("\\d{1,2}")) {
            return Optional.empty();
        }
        int n = Integer.parseInt(id);
        return all(root).stream().filter(l -> l.number() == n).findFirst();
    }

    /**
     * The document title of {@code adoc}, without the "Lesson NN:" (or "第 NN 课：") that every title starts with;
     * {@code otherwise} when it has none.
     */
    private static String title(Path adoc, String otherwise) {
        try {
            if (Files.exists(adoc)) {
                for (String line : Files.readAllLines(adoc, StandardCharsets.UTF_8)) {
                    if (line.startsWith("= ")) {
                        return line.substring(2).replaceFirst("^(Lesson \\d+:|第\\s*\\d+\\s*课[：:])\\s*", "").strip();
                    }
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return otherwise;
    }
}
