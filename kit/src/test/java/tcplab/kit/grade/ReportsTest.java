package tcplab.kit.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The teacher's reports: the JUnit Platform's own XML, with whole messages, and JSON. */
class ReportsTest {

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
