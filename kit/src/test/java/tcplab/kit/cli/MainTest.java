package tcplab.kit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI's answers to words that make no sense, its help and its completion script. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return runIn(java.util.Map.of("LANG", "C.UTF-8"), args);
    }

    /** Runs with {@code env} for the environment: the locale in it chooses the language when --lang does not. */
    private int runIn(java.util.Map<String, String> env, String... args) throws Exception {
        try {
            return Main.run(args, env, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            tcplab.kit.i18n.Language.use(java.util.Locale.ENGLISH);
        }
    }

    @Test
    void a_chinese_locale_or_lang_zh_cn_speaks_chinese_and_lang_en_english() throws Exception {
        assertEquals(0, runIn(java.util.Map.of("LANG", "zh_CN.UTF-8"), "status"));
        String status = out.toString(StandardCharsets.UTF_8);
        assertTrue(status.startsWith("TCP Lab —— "), status);
        out.reset();
        // LC_ALL wins over LANG, as in every POSIX tool; --lang wins over both.
        assertEquals(0, runIn(java.util.Map.of("LC_ALL", "en_US.UTF-8", "LANG", "zh_CN.UTF-8"), "status"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("TCP Lab — learn"), out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, runIn(java.util.Map.of("LANG", "C"), "--lang", "zh-CN", "check", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("用法：") && help.contains("为所有实验评分"), help);
        out.reset();
        assertEquals(2, runIn(java.util.Map.of("LANG", "C"), "--lang=zh-CN", "chekc"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tcplab: 未知的命令：chekc"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(0, runIn(java.util.Map.of("LANG", "zh_CN.UTF-8"), "--lang", "en", "status"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("TCP Lab — learn"));
    }

    @Test
    void an_unknown_language_is_a_usage_error() throws Exception {
        assertEquals(2, run("--lang", "fr", "status"));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("tcplab: unknown language fr (the languages are en, zh-CN)",
                "Run ./tcplab help for the commands."), lines);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void an_unknown_command_is_one_line_and_where_to_get_help_on_stderr_with_exit_code_2() throws Exception {
        assertEquals(2, run("chekc", "01"));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("tcplab: unknown command: chekc (did you mean check"), lines.get(0));
        assertEquals("Run ./tcplab help for the commands.", lines.get(1));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void a_missing_or_unknown_lesson_is_a_usage_error() throws Exception {
        assertEquals(2, run("check"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("check needs a lesson number, or --all"));
        assertEquals(2, run("hint", "99"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no lab 99"));
        assertEquals(2, run("reset"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("which lesson? Give its number"));
        assertEquals(2, run("check", "--all", "--report", "xml", "f"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("report format must be junit or json"));
        assertEquals(2, run("check", "01", "--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option: --bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Run ./tcplab check --help"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_lists_every_command_and_each_command_has_its_own() throws Exception {
        assertEquals(0, run("help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String command : List.of("status", "check", "watch", "hint", "solution", "reset", "read", "jshell",
                "run", "bench", "docs", "mistakes", "completion")) {
            assertTrue(help.contains("\n  " + command + " "), command + " missing from:\n" + help);
        }
        out.reset();
        assertEquals(0, run("check", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--report"), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void completion_prints_a_script_that_completes_the_commands_for_bash_and_zsh() throws Exception {
        assertEquals(0, run("completion", "bash"));
        String script = out.toString(StandardCharsets.UTF_8);
        assertTrue(script.contains("complete -F _complete_tcplab -o default ./tcplab"), script);
        assertTrue(script.contains("ZSH_VERSION"), "the script also serves zsh through bashcompinit");
        assertTrue(script.contains("check") && script.contains("--reference"), script);
        out.reset();
        assertEquals(0, run("completion", "zsh"));
        assertEquals(script, out.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("completion", "fish"));
    }

    @Test
    void bench_jvm_wants_an_option_and_the_hold_picks_zgc_from_jdk_21_unless_it_names_a_collector() throws Exception {
        assertEquals(2, run("bench", "06", "--jvm=UseZGC"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tcplab: --jvm takes an option for java, starting "
                + "with -: not \"UseZGC\""), err.toString(StandardCharsets.UTF_8));
        var bench = new BenchCommand(new Command.Context(null, null, null, null));
        assertEquals(List.of(), bench.holdCollector(17), "JDK 17's ZGC maps its heap thrice: RSS would mislead");
        assertEquals(List.of("-XX:+UseZGC", "-XX:+ZGenerational", "-XX:SoftMaxHeapSize=128m"),
                bench.holdCollector(21));
        assertEquals(List.of("-XX:+UseZGC", "-XX:SoftMaxHeapSize=128m"), bench.holdCollector(25));
        bench.jvmOptions = List.of("-Xmx512m", "-XX:+UseParallelGC");
        assertEquals(List.of(), bench.holdCollector(25), "the learner's collector, not ZGC on top of it");
        bench.jvmOptions = List.of("-Xmx512m");
        assertEquals(List.of("-XX:+UseZGC", "-XX:SoftMaxHeapSize=128m"), bench.holdCollector(25));
    }
}
