package tcplab.kit.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lesson's {@code snippets.jsh} cut into the blocks the lesson includes by tag ({@code // tag::connect[]} …
 * {@code // end::connect[]}), so a learner in JShell can run them one at a time, in order, and see which block
 * printed what. The lines before the first tag (the imports) are the preamble, run when JShell starts.
 */
public record SnippetBlocks(List<String> preamble, List<Block> blocks) {

    /** One tagged block: its tag, the first comment line (what it shows), and its lines. */
    public record Block(String tag, String summary, List<String> lines) {}

    private static final Pattern START = Pattern.compile("^\\s*// tag::([\\w-]+)\\[]\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// end::([\\w-]+)\\[]\\s*$");

    public static SnippetBlocks read(Path file) throws IOException {
        var preamble = new ArrayList<String>();
        var blocks = new ArrayList<Block>();
        List<String> between = new ArrayList<>();   // lines after one block ends and before the next begins
        List<String> current = null;
        String tag = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher start = START.matcher(line);
            Matcher end = END.matcher(line);
            if (current == null && start.matches()) {
                tag = start.group(1);
                current = new ArrayList<>(blocks.isEmpty() ? List.of() : between);
                between = new ArrayList<>();
            } else if (current != null && end.matches() && end.group(1).equals(tag)) {
                blocks.add(new Block(tag, summary(current), List.copyOf(current)));
                current = null;
            } else if (current != null) {
                if (!START.matcher(line).matches() && !END.matcher(line).matches()) {
                    current.add(line);   // a nested tag's markers are not code
                }
            } else if (blocks.isEmpty()) {
                preamble.add(line);
            } else if (!line.isBlank()) {
                between.add(line);
            }
        }
        if (current != null) {
            blocks.add(new Block(tag, summary(current), List.copyOf(current)));
        }
        if (!between.isEmpty()) {
            blocks.add(new Block("rest", summary(between), List.copyOf(between)));
        }
        return new SnippetBlocks(List.copyOf(preamble), List.copyOf(blocks));
    }

    /** The comment that opens the block, without the slashes, cut to fit a line: what the block shows. */
    private static String summary(List<String> lines) {
        String first = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (!first.startsWith("//")) {
            return "";
        }
        String text = first.replaceFirst("^//+\\s*", "");
        return text.length() <= 80 ? text : text.substring(0, text.lastIndexOf(' ', 79)) + " …";
    }

    /** The file name block {@code i} (from 1) is written to: short enough to type after {@code /open}. */
    public String fileName(int i) {
        return i + "-" + blocks.get(i - 1).tag() + ".jsh";
    }
}
