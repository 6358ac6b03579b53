package tcplab.kit.cli;

import java.io.PrintStream;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;
import tcplab.kit.grade.Workspace;

/** How grading looks in a terminal: one line per check as it ends, and the first failure in full. */
final class ResultText {

    private ResultText() {}

    /** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
    private static final boolean COLOUR = System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));

    /** One line per check, as it ends. */
    public static void printLine(PrintStream out, CheckResult c) {
        String mark = switch (c.status()) {
            case PASSED -> COLOUR ? "  \u001b[32m✔\u001b[0m " : "  ✔ ";
            case FAILED -> COLOUR ? "  \u001b[31m✘\u001b[0m " : "  ✘ ";
            case SKIPPED -> "  – ";
        };
        out.printf("%s%2d  %s%s%n", mark, c.number(), c.name(),
                c.status() == CheckResult.Status.SKIPPED ? "  (skipped: " + c.message() + ")" : "");
    }

    /** Text folded at word boundaries to fit a terminal, each later line starting with {@code indent}. */
    static String wrap(String text, String indent) {
        var sb = new StringBuilder();
        int column = indent.length();
        for (String word : text.strip().split("\\s+")) {
            if (column + word.length() > 100 && column > indent.length()) {
                sb.append('\n').append(indent);
                column = indent.length();
            } else if (sb.length() > 0) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
        }
        return sb.toString();
    }

    /** Under the checks: the first failure in full, with its hint, and what to do next. */
    public static void printSummary(PrintStream out, Workspace ws, LabResult r, boolean reference) {
        Lab lab = r.lab();
        CheckResult first = r.firstFailure();
        out.println();
        if (r.checks().isEmpty()) {
            out.println("Lab " + lab.id() + " has no checks. Is the kit built? Try: ./mvnw -q -DskipTests package");
            return;
        }
        if (first == null) {
            out.printf("All %d checks pass (%.1f s). %s%n", r.checks().size(), r.millis() / 1000.0,
                    reference ? "The reference is sound." : "Lab " + lab.id() + " is done: run ./tcplab for the next.");
            return;
        }
        out.println("Check " + first.number() + " failed: " + first.name());
        out.println(first.message().indent(2).stripTrailing());
        if (first.hint() != null) {
            out.println();
            out.println("  hint: " + wrap(first.hint(), "        "));
        }
        out.println();
        out.printf("%d of %d checks pass. Fix check %d in %s, then run ./tcplab check %s again.%n",
                r.passedCount(), r.checks().size(), first.number(),
                reference ? ws.show(lab.referenceSources()) : ws.show(lab.workFile().orElse(lab.learnerSources())), lab.id());
    }
}
