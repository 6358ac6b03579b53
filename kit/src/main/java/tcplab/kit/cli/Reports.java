package tcplab.kit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.LabResult;

/** Machine-readable results for a teacher's autograder: JUnit XML (one suite per lab) or JSON. */
public final class Reports {

    private Reports() {}

    public static void write(String format, Path file, List<LabResult> results) throws IOException {
        String text = switch (format) {
            case "junit" -> junit(results);
            case "json" -> json(results);
            default -> throw new IllegalArgumentException("report format must be junit or json, not " + format);
        };
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String junit(List<LabResult> results) {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tcplab\">\n");
        for (LabResult r : results) {
            long skipped = r.checks().stream().filter(c -> c.status() == CheckResult.Status.SKIPPED).count();
            sb.append(String.format("  <testsuite name=\"lab%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"%.3f\">%n",
                    r.lab().id(), r.checks().size(), r.failedCount(), skipped, r.millis() / 1000.0));
            for (CheckResult c : r.checks()) {
                sb.append(String.format("    <testcase classname=\"lab%s\" name=\"%s\" time=\"%.3f\"",
                        r.lab().id(), xml(c.number() + ". " + c.name()), c.millis() / 1000.0));
                switch (c.status()) {
                    case PASSED -> sb.append("/>\n");
                    case SKIPPED -> sb.append("><skipped message=\"").append(xml(c.message())).append("\"/></testcase>\n");
                    case FAILED -> sb.append("><failure message=\"").append(xml(firstLine(c.message()))).append("\">")
                            .append(xml(c.message())).append("</failure></testcase>\n");
                }
            }
            sb.append("  </testsuite>\n");
        }
        return sb.append("</testsuites>\n").toString();
    }

    static String json(List<LabResult> results) {
        var sb = new StringBuilder("{\n  \"labs\": [");
        String labSep = "\n";
        for (LabResult r : results) {
            sb.append(labSep).append("    {\"lab\": \"").append(r.lab().id()).append("\", \"title\": ")
                    .append(json(r.lab().title())).append(", \"passed\": ").append(r.passed())
                    .append(", \"checksPassed\": ").append(r.passedCount()).append(", \"checks\": [");
            String sep = "\n";
            for (CheckResult c : r.checks()) {
                sb.append(sep).append("      {\"number\": ").append(c.number()).append(", \"name\": ")
                        .append(json(c.name())).append(", \"status\": \"").append(c.status().name().toLowerCase())
                        .append("\", \"millis\": ").append(c.millis());
                if (c.message() != null) {
                    sb.append(", \"message\": ").append(json(c.message()));
                }
                sb.append('}');
                sep = ",\n";
            }
            sb.append("\n    ]}");
            labSep = ",\n";
        }
        long passed = results.stream().filter(LabResult::passed).count();
        return sb.append("\n  ],\n  \"labsPassed\": ").append(passed).append(",\n  \"labsTotal\": ")
                .append(results.size()).append("\n}\n").toString();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        var sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        sb.append(' ');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    static String json(String s) {
        var sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}
