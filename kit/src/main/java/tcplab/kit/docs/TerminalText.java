package tcplab.kit.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.ast.Block;
import org.asciidoctor.ast.Cell;
import org.asciidoctor.ast.DescriptionList;
import org.asciidoctor.ast.DescriptionListEntry;
import org.asciidoctor.ast.Document;
import org.asciidoctor.ast.ListItem;
import org.asciidoctor.ast.Row;
import org.asciidoctor.ast.Section;
import org.asciidoctor.ast.StructuralNode;
import org.asciidoctor.ast.Table;
import tcplab.kit.i18n.TextWidth;

/**
 * A lesson as plain text for a terminal. AsciiDoctor parses it (the same parser as the site, so cross references
 * become their titles and inline markup disappears); this class walks the parsed document and lays it out: titles
 * underlined, paragraphs wrapped, code indented as it is, tables as aligned columns, each diagram as one line that
 * says what it shows and where to see it drawn.
 */
public final class TerminalText {

    private static final int WIDTH = 100;
    private static final Pattern TAG = Pattern.compile("<[^>]+>");
    private static final Pattern NUMERIC = Pattern.compile("&#(x?)([0-9a-fA-F]+);");

    private final StringBuilder out = new StringBuilder();
    private int figures;

    private TerminalText() {}

    /** {@code adoc}: a lesson with its includes already expanded ({@link Includes#expand}). */
    public static String render(Asciidoctor asciidoctor, String adoc) {
        Document doc = asciidoctor.load(adoc, Options.builder().safe(SafeMode.SAFE)
                .attributes(Attributes.builder().attribute("idprefix", "").attribute("idseparator", "-").build())
                .build());
        var text = new TerminalText();
        text.title(doc.getDoctitle() == null ? "" : plain(doc.getDoctitle()), '=');
        text.blocks(doc.getBlocks(), "");
        return text.out.toString().replaceAll("\n{3,}", "\n\n").strip() + "\n";
    }

    private void blocks(List<StructuralNode> nodes, String indent) {
        for (StructuralNode node : nodes) {
            block(node, indent);
        }
    }

    private void block(StructuralNode node, String indent) {
        String context = node.getContext();
        String title = node.getTitle() == null ? null : plain(node.getTitle());
        switch (context) {
            case "section" -> {
                Section s = (Section) node;
                title(plain(s.getTitle()), s.getLevel() <= 1 ? '=' : '-');
                blocks(node.getBlocks(), indent);
            }
            case "paragraph" -> paragraph(indent, plain(((Block) node).getContent().toString()), title);
            case "listing", "literal" -> {
                if ("plantuml".equals(node.getStyle()) || "plantuml".equals(node.getAttribute("style"))) {
                    figure(indent, title, node);
                } else {
                    code(indent, title, ((Block) node).getSource());
                }
            }
            case "image" -> figure(indent, title, node);
            case "admonition" -> {
                String label = String.valueOf(node.getAttribute("name", "note")).toUpperCase() + ": ";
                if (node.getBlocks().isEmpty()) {
                    paragraph(indent, label + plain(((Block) node).getContent().toString()), title);
                } else {
                    paragraph(indent, label, title);
                    blocks(node.getBlocks(), indent + "  ");
                }
            }
            case "ulist", "olist", "colist" -> list(node, indent);
            case "dlist" -> {
                for (DescriptionListEntry entry : ((DescriptionList) node).getItems()) {
                    paragraph(indent, String.join(", ", entry.getTerms().stream().map(t -> plain(t.getText()))
                            .toList()), null);
                    if (entry.getDescription() != null) {
                        listItem(entry.getDescription(), indent + "    ", "");
                    }
                }
            }
            case "table" -> table((Table) node, indent, title);
            case "thematic_break", "page_break", "toc" -> out.append('\n');
            case "pass" -> { }   // raw HTML meant for the site
            default -> {   // example, sidebar, quote, open, preamble: their own blocks, set in when titled
                if (title != null) {
                    paragraph(indent, title, null);
                }
                if (node.getBlocks().isEmpty() && node instanceof Block b && b.getContent() != null) {
                    paragraph(indent + (title == null ? "" : "  "), plain(b.getContent().toString()), null);
                } else {
                    blocks(node.getBlocks(), indent + (title == null ? "" : "  "));
                }
            }
        }
    }

    private void title(String text, char underline) {
        out.append('\n').append(text).append('\n').append(String.valueOf(underline).repeat(width(text)))
                .append("\n\n");
    }

    private void paragraph(String indent, String text, String title) {
        if (title != null) {
            out.append(indent).append(title).append('\n');
        }
        for (String line : text.split("\n")) {
            out.append(wrap(line, indent)).append('\n');
        }
        out.append('\n');
    }

    private void code(String indent, String title, String source) {
        if (title != null) {
            out.append(indent).append(title).append('\n');
        }
        for (String line : source.split("\n", -1)) {
            out.append(indent).append("    ").append(line).append('\n');
        }
        out.append('\n');
    }

    private static final Pattern PARTICIPANT = Pattern.compile("^\\s*participant\\s+\"([^\"]+)\"\\s+as\\s+(\\w+)");
    private static final Pattern MESSAGE = Pattern.compile("^\\s*(\\w+)\\s*(-+>+|<-+)\\s*(\\w+)\\s*:\\s*(.*)$");
    private static final Pattern NOTE = Pattern.compile("^\\s*h?note\\s+(?:over|left of|right of)\\s+([\\w, ]+):\\s*(.*)$");
    private static final Pattern DIVIDER = Pattern.compile("^\\s*(?:==|\\.\\.\\.)\\s*(.*?)\\s*(?:==|\\.\\.\\.)?\\s*$");

    /**
     * A diagram in a terminal: its name, and for a sequence diagram the messages themselves, one per line
     * ("Client kernel -> Server kernel: SYN"), with its notes; the drawing is one {@code ./tcplab docs} away.
     */
    private void figure(String indent, String title, StructuralNode node) {
        figures++;
        // [plantuml,lesson01-handshake,svg]: the second positional attribute names the diagram.
        // (AsciiDoctor keys positional attributes by number, not by name.)
        Object target = node.getAttributes().entrySet().stream().filter(e -> String.valueOf(e.getKey()).equals("2"))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
        String name = title != null ? title : target == null ? "a diagram"
                : String.valueOf(target).replaceFirst("^lesson\\d+-", "").replace('-', ' ');
        out.append(indent).append("[Figure ").append(figures).append(": ").append(name)
                .append(" (drawn by ./tcplab docs)]\n");
        String source = node instanceof Block b && b.getSource() != null ? b.getSource() : "";
        var names = new java.util.HashMap<String, String>();
        for (String line : source.split("\n")) {
            Matcher p = PARTICIPANT.matcher(line);
            Matcher m = MESSAGE.matcher(line);
            Matcher n = NOTE.matcher(line);
            Matcher d = DIVIDER.matcher(line);
            if (p.find()) {
                names.put(p.group(2), p.group(1));
            } else if (m.matches()) {
                boolean left = m.group(2).startsWith("<");
                String from = names.getOrDefault(left ? m.group(3) : m.group(1), left ? m.group(3) : m.group(1));
                String to = names.getOrDefault(left ? m.group(1) : m.group(3), left ? m.group(1) : m.group(3));
                out.append(indent).append("    ").append(from).append(" -> ").append(to).append(": ")
                        .append(plain(m.group(4).replace("\\n", " "))).append('\n');
            } else if (n.matches()) {
                out.append(indent).append("      (").append(plain(n.group(2).replace("\\n", " "))).append(")\n");
            } else if (d.matches() && !d.group(1).isEmpty() && (line.strip().startsWith("==")
                    || line.strip().startsWith("..."))) {
                out.append(indent).append("    -- ").append(d.group(1)).append(" --\n");
            }
        }
        out.append('\n');
    }

    private void list(StructuralNode node, String indent) {
        int n = 0;
        boolean ordered = node.getContext().equals("olist") || node.getContext().equals("colist");
        for (StructuralNode item : node.getBlocks()) {
            n++;
            listItem((ListItem) item, indent, ordered ? n + ". " : "- ");
        }
        out.append('\n');
    }

    private void listItem(ListItem item, String indent, String marker) {
        String text = item.getText() == null ? "" : plain(item.getText());
        String hang = indent + " ".repeat(marker.length());
        out.append(wrap(text, hang).replaceFirst("^" + Pattern.quote(hang), Matcher.quoteReplacement(indent + marker)))
                .append('\n');
        for (StructuralNode child : item.getBlocks()) {
            if (child.getContext().equals("paragraph")) {
                out.append(wrap(plain(((Block) child).getContent().toString()), hang)).append('\n');
            } else {
                block(child, hang);
            }
        }
    }

    /** Columns when the table fits; otherwise one record per row, each cell under its column's heading. */
    private void table(Table table, String indent, String title) {
        if (title != null) {
            out.append(indent).append(title).append('\n');
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (Row row : table.getHeader()) {
            for (Cell cell : row.getCells()) {
                header.add(plain(cell.getText()));
            }
        }
        for (Row row : table.getBody()) {
            List<String> cells = new ArrayList<>();
            for (Cell cell : row.getCells()) {
                if ("asciidoc".equals(cell.getStyle())) {
                    var inner = new TerminalText();
                    inner.figures = figures;
                    inner.blocks(cell.getInnerDocument().getBlocks(), "");
                    figures = inner.figures;
                    cells.add(inner.out.toString().replaceAll("\n{2,}", "\n").replaceAll("^\n+|\\s+$", ""));
                } else {
                    cells.add(plain(cell.getText()));
                }
            }
            rows.add(cells);
        }
        int columns = Math.max(header.size(), rows.stream().mapToInt(List::size).max().orElse(0));
        int[] widths = new int[columns];
        List<List<String>> all = new ArrayList<>(rows);
        if (!header.isEmpty()) {
            all.add(0, header);
        }
        boolean multiline = false;
        for (List<String> r : all) {
            for (int c = 0; c < r.size(); c++) {
                widths[c] = Math.max(widths[c], width(r.get(c)));
                multiline |= r.get(c).contains("\n");
            }
        }
        int total = indent.length() + java.util.Arrays.stream(widths).sum() + 3 * columns;
        if (total <= WIDTH && !multiline) {
            for (int i = 0; i < all.size(); i++) {
                var line = new StringBuilder(indent);
                for (int c = 0; c < all.get(i).size(); c++) {
                    String cell = all.get(i).get(c);
                    line.append(cell).append(" ".repeat(widths[c] - width(cell) + 3));
                }
                String text = line.toString().stripTrailing();
                out.append(text).append('\n');
                if (i == 0 && !header.isEmpty()) {   // the heading underlined as wide as it is, like a title
                    out.append(indent).append("-".repeat(width(text) - width(indent))).append('\n');
                }
            }
        } else {
            // Too wide for columns: each row as a record, each cell under its column's heading.
            for (List<String> r : rows) {
                for (int c = 0; c < r.size(); c++) {
                    String label = c < header.size() && !header.get(c).isBlank() ? header.get(c) + ":" : "";
                    String cell = r.get(c);
                    String mark = c == 0 ? "* " : "  ";
                    if (!cell.contains("\n") && width(label) + width(cell) + indent.length() + 3 <= WIDTH) {
                        out.append(indent).append(mark).append(label).append(label.isEmpty() ? "" : " ")
                                .append(cell).append('\n');
                    } else {
                        if (!label.isEmpty()) {
                            out.append(indent).append(mark).append(label).append('\n');
                        }
                        String[] lines = cell.split("\n");
                        for (int i = 0; i < lines.length; i++) {
                            out.append(indent).append(label.isEmpty() && i == 0 ? mark : "  ").append(lines[i])
                                    .append('\n');
                        }
                    }
                }
                out.append('\n');
            }
        }
        out.append('\n');
    }

    /** Inline HTML (what AsciiDoctor makes of inline markup) back to the text it shows. */
    static String plain(String html) {
        // Line ends in the source are spaces in the text; only a hard break (<br>) ends a line.
        String text = TAG.matcher(html.replace('\n', ' ').replaceAll("<br>\\s*", "\n")).replaceAll("");
        Matcher m = NUMERIC.matcher(text);
        var sb = new StringBuilder();
        while (m.find()) {
            int code = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
            m.appendReplacement(sb, Matcher.quoteReplacement(new String(Character.toChars(code))));
        }
        m.appendTail(sb);
        return sb.toString().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
    }

    /** Columns a string takes in a terminal: East Asian wide characters take two. */
    static int width(String s) {
        return TextWidth.of(s);
    }

    /**
     * {@code text} folded to fit the width, every line starting with {@code indent}: at spaces, and between
     * Chinese characters (which have no spaces between words); a hard break in the text ends a line.
     */
    private static String wrap(String text, String indent) {
        var sb = new StringBuilder();
        for (String line : text.strip().split("\n")) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(indent).append(TextWidth.wrap(line, WIDTH, indent, TextWidth.of(indent)));
        }
        return sb.toString();
    }
}
