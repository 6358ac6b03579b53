package tcplab.kit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;

/** The CLI's answers to words that make no sense, and the teacher's reports. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
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
                "run", "docs", "mistakes", "completion")) {
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

    /** Two checks for the report test: one passes, one fails with a learner's multi-line message. */
    static class SampleChecks {
        @Test
        void a_frame_is_128_bytes() {
        }

        @Test
        void the_reply_is_printed() {
            throw tcplab.kit.CheckFailed.when("the check sent \"hi\"").expected("from server: hi *_*")
                    .got("nothing <at all> & no newline").next("the reply's println").build();
        }
    }

    @Test
    void the_junit_report_is_the_platforms_own_xml_with_whole_messages_and_the_json_report_is_json(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        var lab = new Lab(3, Path.of("lessons/03-client"), "The client \"quoted\"", Path.of("."));
        var reports = new Reports(Reports.Format.JUNIT, dir.resolve("results.xml"));
        var listeners = reports.listenersFor(lab);
        var request = org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(SampleChecks.class))
                .build();
        org.junit.platform.launcher.core.LauncherFactory.create().execute(request,
                listeners.toArray(org.junit.platform.launcher.TestExecutionListener[]::new));
        var failed = new CheckResult(2, "the reply is printed", CheckResult.Status.FAILED,
                "When the check ran:\n  got: x", "h", 30);
        var result = new LabResult(lab, List.of(
                new CheckResult(1, "a frame is 128 bytes", CheckResult.Status.PASSED, null, "h", 12), failed), 42);
        reports.add(result);
        reports.add(new LabResult(new Lab(4, Path.of("lessons/04-server"), "The server", Path.of(".")), List.of(), 0));
        reports.write();

        var xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("results.xml").toFile());
        var suites = xml.getElementsByTagName("testsuite");
        assertEquals(2, suites.getLength());
        var suite = (org.w3c.dom.Element) suites.item(0);
        assertEquals("lab03 The client \"quoted\"", suite.getAttribute("name"));
        assertEquals("2", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        var failure = (org.w3c.dom.Element) suite.getElementsByTagName("failure").item(0);
        String message = failure.getAttribute("message");
        assertTrue(message.contains("nothing <at all> & no newline") && message.contains("the reply's println"),
                message);
        var notCompiled = (org.w3c.dom.Element) suites.item(1);
        assertEquals("1", notCompiled.getAttribute("errors"));

        String json = Reports.json(List.of(result));
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals("03", tree.at("/labs/0/lab").asText());
        assertEquals("The client \"quoted\"", tree.at("/labs/0/title").asText());
        assertEquals("failed", tree.at("/labs/0/checks/1/status").asText());
        assertEquals("When the check ran:\n  got: x", tree.at("/labs/0/checks/1/message").asText());
        assertTrue(tree.at("/labs/0/checks/0/message").isMissingNode(), json);
        assertEquals(0, tree.at("/labsPassed").asInt());
    }
}
