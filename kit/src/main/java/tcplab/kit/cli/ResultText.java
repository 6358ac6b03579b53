package tcplab.kit.cli;

import java.io.PrintStream;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;
import tcplab.kit.grade.Workspace;
import tcplab.kit.i18n.Language;
import tcplab.kit.i18n.TextWidth;

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
                c.status() == CheckResult.Status.SKIPPED ? "  " + Language.text("check.skipped", c.message()) : "");
    }

    /** Text folded to fit a terminal of 100 columns, each later line starting with {@code indent}. */
    static String wrap(String text, String indent) {
        return TextWidth.wrap(text, 100, indent, indent.length());
    }

    /** Under the checks: the first failure in full, with its hint, and what to do next. */
    public static void printSummary(PrintStream out, Workspace ws, LabResult r, boolean reference) {
        Lab lab = r.lab();
        CheckResult first = r.firstFailure();
        out.println();
        if (r.checks().isEmpty()) {
            out.println(Language.text("check.noChecks", lab.id()));
            return;
        }
        if (first == null) {
            out.println(Language.text("check.allPass", r.checks().size(), r.millis() / 1000.0)
                    + (reference ? Language.text("check.referenceSound") : Language.text("check.labDone", lab.id())));
            return;
        }
        out.println(Language.text("check.failed", first.number(), first.name()));
        out.println(first.message().indent(2).stripTrailing());
        for (String gloss : Language.glosses(first.message())) {
            out.println("  " + Language.text("check.gloss") + wrap(gloss, "        "));
        }
        if (first.hint() != null) {
            out.println();
            String label = Language.text("check.hint");
            out.println("  " + label + wrap(first.hint(), " ".repeat(2 + TextWidth.of(label))));
        }
        out.println();
        out.println(Language.text("check.summary", r.passedCount(), r.checks().size(), first.number(),
                reference ? ws.show(lab.referenceSources()) : ws.show(lab.workFile().orElse(lab.learnerSources())),
                lab.id()));
    }
}
