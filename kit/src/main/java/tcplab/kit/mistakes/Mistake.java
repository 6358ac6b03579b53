package tcplab.kit.mistakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One realistic learner mistake: the reference solution with one small edit, the check that must catch it, and
 * (beside it, in {@code NAME.golden}) the message that check must print. Written as a {@code .mistake} file:
 * <pre>
 * # one read taken for a whole frame
 * file: Client.java
 * caught-by: a reply that arrives in pieces is still printed whole
 * --- replace
 *         in.readNBytes(frame, 0, frame.length);
 * --- with
 *         in.read(frame);
 * </pre>
 * An edit is a text the reference must contain exactly once and what replaces it; a reference that changes so
 * that an edit no longer applies fails the catalog loudly rather than testing nothing.
 */
public record Mistake(String name, String lab, String description, String file, String caughtBy, List<Edit> edits,
        Path path) {

    /** Replace {@code find} (present exactly once) with {@code replacement}. */
    public record Edit(String find, String replacement) {}

    /**
     * The message the check must print: {@code NAME.golden}, or {@code NAME.jdkNN.golden} when it exists for the
     * JDK running now (feature version NN), for a message that quotes the JDK's own words and these differ between
     * releases (an exception's text, the innermost frame of a blocked read).
     */
    public Path golden() {
        Path forThisJdk = path.resolveSibling(name + ".jdk" + Runtime.version().feature() + ".golden");
        return Files.exists(forThisJdk) ? forThisJdk : path.resolveSibling(name + ".golden");
    }

    public static Mistake parse(Path path) throws IOException {
        String name = path.getFileName().toString().replaceFirst("\\.mistake$", "");
        String lab = path.getParent().getFileName().toString().replaceFirst("^lab", "");
        String description = null;
        String file = null;
        String caughtBy = null;
        var edits = new ArrayList<Edit>();
        StringBuilder find = null;
        StringBuilder replacement = null;
        StringBuilder current = null;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (line.equals("--- replace")) {
                if (find != null) {
                    edits.add(new Edit(strip(find), strip(replacement)));
                }
                find = new StringBuilder();
                replacement = null;
                current = find;
            } else if (line.equals("--- with")) {
                replacement = new StringBuilder();
                current = replacement;
            } else if (current != null) {
                current.append(line).append('\n');
            } else if (line.startsWith("# ") && description == null) {
                description = line.substring(2).strip();
            } else if (line.startsWith("file:")) {
                file = line.substring(5).strip();
            } else if (line.startsWith("caught-by:")) {
                caughtBy = line.substring(10).strip();
            }
        }
        if (find != null) {
            edits.add(new Edit(strip(find), replacement == null ? null : strip(replacement)));
        }
        if (description == null || file == null || caughtBy == null || edits.isEmpty()
                || edits.stream().anyMatch(e -> e.replacement() == null)) {
            throw new IOException(path + ": needs a '# description' line, 'file:', 'caught-by:' and at least one "
                    + "'--- replace' / '--- with' pair");
        }
        return new Mistake(name, lab, description, file, caughtBy, List.copyOf(edits), path);
    }

    /** The reference source with this mistake's edits made. */
    public String apply(String reference) throws IOException {
        String text = reference;
        for (Edit e : edits) {
            int at = text.indexOf(e.find());
            if (at < 0 || text.indexOf(e.find(), at + 1) >= 0) {
                throw new IOException(path.getFileName() + ": the text to replace occurs "
                        + (at < 0 ? "nowhere" : "more than once") + " in " + file + ":\n" + e.find());
            }
            text = text.substring(0, at) + e.replacement() + text.substring(at + e.find().length());
        }
        return text;
    }

    /** Drops the final newline, so an edit may end mid-line. */
    private static String strip(StringBuilder sb) {
        String s = sb.toString();
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
