package tcplab.kit.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;

/** Which language the kit speaks, and Chinese laid out by how wide it is in a terminal. */
class LanguageTest {

    @AfterEach
    void english_again() {
        Language.use(Locale.ENGLISH);
    }

    @Test
    void the_locale_decides_in_posix_order() {
        assertEquals(Language.CHINESE, Language.fromEnvironment(Map.of("LANG", "zh_CN.UTF-8")));
        assertEquals(Language.CHINESE, Language.fromEnvironment(Map.of("LC_MESSAGES", "zh_CN", "LANG", "C")));
        assertEquals(Locale.ENGLISH, Language.fromEnvironment(Map.of("LC_ALL", "C", "LANG", "zh_CN.UTF-8")));
        assertEquals(Locale.ENGLISH, Language.fromEnvironment(Map.of("LC_ALL", "", "LANG", "en_GB.UTF-8")));
        assertEquals(Locale.ENGLISH, Language.fromEnvironment(Map.of()));
    }

    @Test
    void lang_takes_the_usual_spellings() {
        for (String tag : new String[] {"zh-CN", "zh_CN", "zh", "ZH-cn", "zh-Hans"}) {
            assertEquals(Optional.of(Language.CHINESE), Language.parse(tag), tag);
        }
        assertEquals(Optional.of(Locale.ENGLISH), Language.parse("en"));
        assertEquals(Optional.empty(), Language.parse("fr"));
    }

    @Test
    void a_failure_report_has_its_fixed_parts_in_the_learner_s_language() {
        Language.use(Language.CHINESE);
        String zh = CheckFailed.when("sent one frame").expected("a reply").got("nothing\nat all").next("reply()")
                .build().getMessage();
        assertEquals("""
                检查的操作：sent one frame
                  期望：   a reply
                  实际：   nothing
                           at all
                  请查看： reply()""", zh);
        Language.use(Locale.ENGLISH);
        String en = CheckFailed.when("sent one frame").expected("a reply").got("nothing\nat all").next("reply()")
                .build().getMessage();
        assertEquals("""
                When the check sent one frame:
                  expected: a reply
                  got:      nothing
                            at all
                  look at:  reply()""", en);
    }

    @Test
    void the_system_s_own_words_stay_and_get_a_chinese_gloss() {
        String report = "got: java.net.ConnectException: Connection refused";
        assertEquals(java.util.List.of(), Language.glosses(report));
        Language.use(Language.CHINESE);
        var glosses = Language.glosses(report);
        assertEquals(1, glosses.size(), glosses.toString());
        assertTrue(glosses.get(0).startsWith("Connection refused —— 连接被拒绝"), glosses.get(0));
    }

    @Test
    void chinese_is_two_columns_wide_and_folds_between_characters() {
        assertEquals(4, TextWidth.of("套接"));
        assertEquals(8, TextWidth.of("TCP 连接"));
        String folded = TextWidth.wrap("一个套接字就是一个文件描述符，close 之后它就不再有效。", 20, "", 0);
        for (String line : folded.split("\n")) {
            assertTrue(TextWidth.of(line) <= 20, "too wide: " + line);
            assertTrue(!line.startsWith("，") && !line.startsWith("。"), "a line starts with closing punctuation: "
                    + folded);
        }
        assertEquals("一个套接字就是一个文件描述符，close 之后它就不再有效。", folded.replace("\n", ""));
        for (int width = 10; width < 30; width++) {
            for (String line : TextWidth.wrap("指向内核（kernel）里的一个数据结构（struct）。", width, "", 0).split("\n")) {
                assertTrue(!line.endsWith("（") && !line.startsWith("）") && !line.startsWith("。"),
                        "a bracket or a full stop on the wrong side of a break at width " + width + ": " + line);
            }
        }
        assertEquals("two words\n  and more", TextWidth.wrap("two words and more", 10, "  ", 0));
    }
}
