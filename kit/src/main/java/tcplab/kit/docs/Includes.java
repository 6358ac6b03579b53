package tcplab.kit.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AsciiDoc's {@code include::{root}/path[tag=name]} done by hand, for reading a lesson in the terminal, where no
 * renderer runs. Only what lessons use is supported: a whole file, {@code tag=} and {@code tags=a;b}.
 */
public final class Includes {

    private static final Pattern INCLUDE = Pattern.compile("^include::\\{root}/([^\\[]+)\\[(.*)]\\s*$");
    private static final Pattern TAG = Pattern.compile("tag::([\\w-]+)\\[]");
    private static final Pattern END = Pattern.compile("end::([\\w-]+)\\[]");

    private Includes() {}

    /** The lesson's text with every include replaced by the lines it names. */
    public static String expand(Path adoc, Path root) throws IOException {
        var sb = new StringBuilder();
        for (String line : Files.readAllLines(adoc, StandardCharsets.UTF_8)) {
            Matcher m = INCLUDE.matcher(line);
            if (m.matches()) {
                for (String included : lines(root.resolve(m.group(1)), tags(m.group(2)))) {
                    sb.append(included).append('\n');
                }
            } else {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** The lines of {@code file} inside the given tags (all lines if none), without the tag markers. */
    public static List<String> lines(Path file, Set<String> tags) {
        List<String> all;
        try {
            all = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot include " + file, e);
        }
        var result = new ArrayList<String>();
        var open = new java.util.HashSet<String>();
        for (String line : all) {
            Matcher start = TAG.matcher(line);
            Matcher end = END.matcher(line);
            if (start.find()) {
                open.add(start.group(1));
            } else if (end.find()) {
                open.remove(end.group(1));
            } else if (tags.isEmpty() || open.stream().anyMatch(tags::contains)) {
                result.add(line);
            }
        }
        return result;
    }

    private static Set<String> tags(String attributes) {
        for (String attr : attributes.split(",")) {
            String a = attr.strip();
            if (a.startsWith("tag=") || a.startsWith("tags=")) {
                return Set.copyOf(Arrays.asList(a.substring(a.indexOf('=') + 1).split(";")));
            }
        }
        return Set.of();
    }
}
