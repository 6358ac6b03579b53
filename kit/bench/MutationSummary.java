import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads PIT's mutations.xml for each lab, sets aside the mutants the lab's reviewed list declares equivalent, and
 * prints what kit/bench/mutation.sh promises: per lab the counts, the score, the wall time and the report; every
 * surviving mutant nobody has explained; every entry of a list that no longer matches a surviving mutant; and last
 * {@code mutation: K/N non-equivalent mutants killed (E declared equivalent, T in all)}. Exit code 0 only when every
 * non-equivalent mutant was killed and every list is current.
 *
 * <p>Run with the JDK's source launcher: {@code java MutationSummary.java ROOT lab03=SECONDS ...}. A list lives
 * beside the lab's mistakes catalog, {@code solutions/mistakes/labNN/equivalent-mutants.txt}; each entry is one line
 * {@code method:line Mutator | why no program talking to the lab through its API, streams and sockets can tell}.
 * One entry covers every mutant of that mutator on that line of that method.
 */
public final class MutationSummary {

    record Mutant(String sourceFile, String method, int line, String mutator, String description, String status) {
        boolean detected() {
            return status.equals("KILLED") || status.equals("TIMED_OUT") || status.equals("MEMORY_ERROR");
        }

        String key() {
            return method + ":" + line + " " + mutator;
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int killed = 0, nonEquivalent = 0, equivalent = 0, all = 0;
        boolean listsCurrent = true;
        for (int i = 1; i < args.length; i++) {
            String lab = args[i].substring(0, args[i].indexOf('='));
            String seconds = args[i].substring(args[i].indexOf('=') + 1);
            Path reports = root.resolve("solutions/target/pit").resolve(lab);
            Path list = root.resolve("solutions/mistakes").resolve(lab).resolve("equivalent-mutants.txt");
            Path sources = root.resolve("solutions/src/main/java/tcplab").resolve(lab);

            List<Mutant> mutants = read(reports.resolve("mutations.xml"));
            Map<String, String> declared = declared(list);
            Map<String, Integer> used = new LinkedHashMap<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<Mutant> unexplained = new ArrayList<>();
            int labKilled = 0, labEquivalent = 0;
            for (Mutant m : mutants) {
                counts.merge(m.status(), 1, Integer::sum);
                if (m.detected()) {
                    labKilled++;
                    if (declared.containsKey(m.key())) {
                        used.merge(m.key(), -1000, Integer::sum);   // killed, so it is not equivalent after all
                    }
                } else if (declared.containsKey(m.key())) {
                    labEquivalent++;
                    used.merge(m.key(), 1, Integer::sum);
                } else {
                    unexplained.add(m);
                }
            }
            int labNonEquivalent = mutants.size() - labEquivalent;
            System.out.printf("%s: %d mutants, %d killed, %d survived, %d timed out, %d no coverage; "
                            + "%d declared equivalent; score %d/%d (%.1f %%) in %s s%n",
                    lab, mutants.size(), counts.getOrDefault("KILLED", 0), counts.getOrDefault("SURVIVED", 0),
                    counts.getOrDefault("TIMED_OUT", 0), counts.getOrDefault("NO_COVERAGE", 0), labEquivalent,
                    labKilled, labNonEquivalent, labNonEquivalent == 0 ? 100.0 : 100.0 * labKilled / labNonEquivalent,
                    seconds);
            System.out.println("    report: " + reports.resolve("index.html"));
            for (Mutant m : unexplained) {
                System.out.printf("    %s %s:%d %s %s: %s%n        %s%n", m.status().toLowerCase().replace('_', ' '),
                        m.sourceFile(), m.line(), m.method(), m.mutator(), m.description(),
                        sourceLine(sources.resolve(m.sourceFile()), m.line()));
            }
            for (String key : declared.keySet()) {
                int n = used.getOrDefault(key, 0);
                if (n <= 0) {
                    listsCurrent = false;
                    System.out.printf("    %s lists %s, but %s%n", list.getFileName(), key,
                            n < 0 ? "a check kills that mutant now: delete the line" : "no surviving mutant has "
                                    + "that method, line and mutator (did the reference move?)");
                }
            }
            killed += labKilled;
            nonEquivalent += labNonEquivalent;
            equivalent += labEquivalent;
            all += mutants.size();
        }
        System.out.printf("mutation: %d/%d non-equivalent mutants killed (%d declared equivalent, %d in all)%n",
                killed, nonEquivalent, equivalent, all);
        System.exit(killed == nonEquivalent && listsCurrent ? 0 : 1);
    }

    static List<Mutant> read(Path xml) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList nodes = doc.getElementsByTagName("mutation");
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            String mutator = text(e, "mutator");
            mutants.add(new Mutant(text(e, "sourceFile"), text(e, "mutatedMethod"),
                    Integer.parseInt(text(e, "lineNumber")), mutator.substring(mutator.lastIndexOf('.') + 1),
                    text(e, "description"), e.getAttribute("status")));
        }
        return mutants;
    }

    static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent();
    }

    /** The list's entries: "method:line Mutator" to the reason. Blank lines and # comments are skipped. */
    static Map<String, String> declared(Path list) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        if (!Files.exists(list)) {
            return entries;
        }
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int bar = s.indexOf(" | ");
            if (bar < 0 || s.substring(bar + 3).isBlank()) {
                throw new IllegalArgumentException(list + ": every entry needs ' | ' and a reason: " + s);
            }
            entries.put(s.substring(0, bar).strip(), s.substring(bar + 3).strip());
        }
        return entries;
    }

    static String sourceLine(Path source, int line) {
        try {
            List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            return line >= 1 && line <= lines.size() ? lines.get(line - 1).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
