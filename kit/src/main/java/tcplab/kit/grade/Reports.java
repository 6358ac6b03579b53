package tcplab.kit.grade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Machine-readable results for a teacher's autograder. JUnit XML is written by the JUnit Platform's own writer (the
 * format Maven Surefire and CI servers read), one {@code <testsuite>} per lab gathered under one
 * {@code <testsuites>}; JSON goes through Jackson. Both carry every check's whole failure message.
 */
public final class Reports {

    /** Which format a report is written in. */
    public enum Format { JUNIT, JSON }

    private final Format format;
    private final Path file;
    private final Path scratch;
    private final Map<LabResult, Path> results = new LinkedHashMap<>();
    private Path pending;

    public Reports(Format format, Path file) throws IOException {
        this.format = format;
        this.file = file;
        this.scratch = format == Format.JUNIT ? Files.createTempDirectory("tcplab-report") : null;
    }

    /** The listeners to grade {@code lab} with, so that the platform's writer sees every event. */
    public List<TestExecutionListener> listenersFor(Lab lab) throws IOException {
        if (format != Format.JUNIT) {
            return List.of();
        }
        pending = Files.createDirectories(scratch.resolve("lab" + lab.id()));
        return List.of(new LegacyXmlReportGeneratingListener(pending, new PrintWriter(new StringWriter())));
    }

    /** Records a lab's result (after grading it with {@link #listenersFor}); a lab that did not compile too. */
    public void add(LabResult result) {
        results.put(result, pending);
        pending = null;
    }

    /** Writes the report to its file. */
    public void write() throws Exception {
        String text = format == Format.JUNIT ? junit(results) : json(List.copyOf(results.keySet()));
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (scratch != null) {
            try (Stream<Path> paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The platform's XML for each lab, under one {@code <testsuites>}. Each suite is named after its lab; a lab that
     * did not compile (no XML: nothing ran) gets a suite of its own with one error that says so.
     */
    static String junit(Map<LabResult, Path> results) throws Exception {
        var builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        Document doc = builder.newDocument();
        Element all = doc.createElement("testsuites");
        all.setAttribute("name", "tcplab");
        doc.appendChild(all);
        for (var entry : results.entrySet()) {
            Lab lab = entry.getKey().lab();
            Path dir = entry.getValue();
            List<Path> files = new ArrayList<>();
            if (dir != null && Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().forEach(files::add);
                }
            }
            if (files.isEmpty()) {
                Element suite = doc.createElement("testsuite");
                suite.setAttribute("name", "lab" + lab.id());
                suite.setAttribute("tests", "1");
                suite.setAttribute("errors", "1");
                suite.setAttribute("failures", "0");
                suite.setAttribute("skipped", "0");
                Element test = doc.createElement("testcase");
                test.setAttribute("classname", "lab" + lab.id());
                test.setAttribute("name", "the lab compiles");
                Element error = doc.createElement("error");
                error.setAttribute("message", "lab " + lab.id() + " does not compile, so no check could run");
                test.appendChild(error);
                suite.appendChild(test);
                all.appendChild(suite);
            }
            for (Path xml : files) {
                Element suite = builder.parse(xml.toFile()).getDocumentElement();
                Element imported = (Element) doc.importNode(suite, true);
                imported.setAttribute("name", "lab" + lab.id() + " " + lab.title());
                // The writer records every system property of the grading JVM (paths, user name): not the
                // teacher's business, and most of the file.
                var properties = imported.getElementsByTagName("properties");
                while (properties.getLength() > 0) {
                    properties.item(0).getParentNode().removeChild(properties.item(0));
                }
                dropBlankText(imported);
                all.appendChild(imported);
            }
        }
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.setOutputProperty(OutputKeys.INDENT, "yes");
        var text = new StringWriter();
        transformer.transform(new DOMSource((Node) doc), new StreamResult(text));
        return text.toString();
    }

    /** Removes the indentation of the file it came from, so that the whole report is indented once, evenly. */
    private static void dropBlankText(Node node) {
        for (Node child = node.getFirstChild(); child != null; ) {
            Node next = child.getNextSibling();
            if (child.getNodeType() == Node.TEXT_NODE && child.getTextContent().isBlank()) {
                node.removeChild(child);
            } else {
                dropBlankText(child);
            }
            child = next;
        }
    }

    /** The JSON report's shape: one entry per lab, one per check, whole messages. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record JsonCheck(int number, String name, String status, long millis, String message) {}

    record JsonLab(String lab, String title, boolean passed, long checksPassed, List<JsonCheck> checks) {}

    record JsonReport(List<JsonLab> labs, long labsPassed, int labsTotal) {}

    static String json(List<LabResult> results) {
        var labs = results.stream().map(r -> new JsonLab(r.lab().id(), r.lab().title(), r.passed(), r.passedCount(),
                r.checks().stream().map(c -> new JsonCheck(c.number(), c.name(), c.status().name().toLowerCase(),
                        c.millis(), c.message())).toList())).toList();
        var report = new JsonReport(labs, results.stream().filter(LabResult::passed).count(), results.size());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
