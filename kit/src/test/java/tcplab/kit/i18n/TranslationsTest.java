package tcplab.kit.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tcplab.kit.grade.Lab;

/** The 简体中文 lessons and messages are in step with the English, and the sync check notices when they are not. */
class TranslationsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void every_lesson_and_message_is_translated_from_the_english_as_it_is_now() throws Exception {
        List<String> problems = Translations.problems(ROOT);
        assertTrue(problems.isEmpty(), problems.size() + " translations out of step:\n" + String.join("\n", problems));
    }

    @Test
    void the_stamp_is_the_git_blob_id() {
        // What `printf 'hello\n' | git hash-object --stdin` prints.
        assertEquals("ce013625030ba8dba906f756967f9e9ca394464a",
                Translations.blobId("hello\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void a_lesson_without_its_twin_is_named(@TempDir Path root) throws Exception {
        Lab lab = lesson(root, "[#a]\n== A\n\ntext\n");
        List<String> problems = Translations.lesson(root, lab);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("lessons/01-one/lesson.zh-CN.adoc is missing"), problems.get(0));
    }

    @Test
    void a_twin_of_another_shape_or_of_an_older_english_is_reported(@TempDir Path root) throws Exception {
        Lab lab = lesson(root, "= Lesson 01: One\n\n[#a]\n== A\n\ninclude::{root}/x.java[tag=t]\n\n[#b]\n=== B\n\n"
                + "[plantuml,pic,svg]\n----\n@startuml\n@enduml\n----\n");
        String blob = Translations.blobId(Files.readAllBytes(lab.lessonFile()));
        String good = "= 第 01 课：一\n:lang: zh-CN\n:translation-of: " + blob + "\n\n[#a]\n== 甲\n\n"
                + "include::{root}/x.java[tag=t]\n\n[#b]\n=== 乙\n\n[plantuml,pic-zh-CN,svg]\n----\n@startuml\n@enduml\n----\n";
        Files.writeString(lab.chineseLessonFile(), good, StandardCharsets.UTF_8);
        assertEquals(List.of(), Translations.lesson(root, lab));

        Files.writeString(lab.chineseLessonFile(), good.replace("[#b]\n=== 乙", "[#c]\n== 乙")
                .replace("tag=t", "tag=u").replace("pic-zh-CN", "pic"), StandardCharsets.UTF_8);
        String all = String.join("\n", Translations.lesson(root, lab));
        assertTrue(all.contains("section ids differ") && all.contains("English b, Chinese c"), all);
        assertTrue(all.contains("section levels differ"), all);
        assertTrue(all.contains("include:: lines differ"), all);
        assertTrue(all.contains("diagram pic must be named pic-zh-CN"), all);

        Files.writeString(lab.chineseLessonFile(), good, StandardCharsets.UTF_8);
        Files.writeString(lab.lessonFile(), Files.readString(lab.lessonFile()) + "\nA new sentence.\n");
        String now = Translations.blobId(Files.readAllBytes(lab.lessonFile()));
        List<String> stale = Translations.lesson(root, lab);
        assertEquals(1, stale.size(), stale.toString());
        assertTrue(stale.get(0).contains("translates an older lessons/01-one/lesson.adoc")
                && stale.get(0).contains("git diff " + blob + " " + now), stale.get(0));
    }

    @Test
    void stamping_a_new_twin_changes_its_stamp_line_and_nothing_else(@TempDir Path root) throws Exception {
        Lab lab = lesson(root, "= Lesson 01: One\n");
        String twin = "= 第 01 课：一\n:lang: zh-CN\n:translation-of: PENDING\n\n第一段。\n";
        Files.writeString(lab.chineseLessonFile(), twin, StandardCharsets.UTF_8);
        Translations.stampNewLessons(root);
        String blob = Translations.blobId(Files.readAllBytes(lab.lessonFile()));
        assertEquals(twin.replace("PENDING", blob), Files.readString(lab.chineseLessonFile()));
        Files.writeString(lab.chineseLessonFile(), twin.replace("PENDING", "0123"), StandardCharsets.UTF_8);
        Translations.stampNewLessons(root);   // a stale stamp is a person's call: left as it is
        assertTrue(Files.readString(lab.chineseLessonFile()).contains(":translation-of: 0123\n\n"));
    }

    @Test
    void a_section_without_an_id_is_reported(@TempDir Path root) throws Exception {
        Lab lab = lesson(root, "= Lesson 01: One\n\n== No id\n\ntext\n");
        Files.writeString(lab.chineseLessonFile(), "= 第 01 课：一\n:translation-of: x\n\n== 无\n");
        String all = String.join("\n", Translations.lesson(root, lab));
        assertTrue(all.contains("lessons/01-one/lesson.adoc:3: section \"== No id\" has no id"), all);
    }

    @Test
    void hints_missing_stale_or_orphaned_are_reported_and_new_ones_stamped(@TempDir Path root) throws Exception {
        Lab lab = lesson(root, "= Lesson 01: One\n");
        Files.createDirectories(root.resolve("labs/src/main/java/tcplab/lab01"));
        Map<String, String> english = Map.of("Checks.a", "Look at a.", "Checks.b", "Look at b.");
        Path file = Translations.hintsFile(root, lab);
        assertTrue(Translations.hints(root, lab, english).get(0).contains("hints_zh_CN.properties is missing"));

        Files.createDirectories(file.getParent());
        Files.writeString(file, "Checks.a = 看 a。\nChecks.gone = 旧的。\n", StandardCharsets.UTF_8);
        Translations.stampNewHints(root, lab, english);
        String all = String.join("\n", Translations.hints(root, lab, english));
        assertTrue(all.contains("no translation of the hint of Checks.b"), all);
        assertTrue(all.contains("Checks.gone belongs to no check of lab 01"), all);
        assertTrue(!all.contains("Checks.a "), all);

        List<String> stale = Translations.hints(root, lab, Map.of("Checks.a", "Look at a, now differently."));
        assertTrue(stale.stream().anyMatch(p -> p.contains("the hint of Checks.a is not stamped as translating")),
                stale.toString());
    }

    @Test
    void a_message_key_missing_in_chinese_is_named(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Messages.properties"), "a = A\nb = B\n");
        Files.writeString(dir.resolve("Messages_zh_CN.properties"), "a = 甲\n", StandardCharsets.UTF_8);
        assertEquals(List.of("Messages_zh_CN.properties has no b (Messages.properties has it)"),
                Translations.messages(dir));
    }

    private static Lab lesson(Path root, String english) throws Exception {
        Path dir = root.resolve("lessons/01-one");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("lesson.adoc"), english, StandardCharsets.UTF_8);
        return Lab.all(root).get(0);
    }
}
