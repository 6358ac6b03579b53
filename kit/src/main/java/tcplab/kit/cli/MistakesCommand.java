package tcplab.kit.cli;

import java.util.List;
import picocli.CommandLine;
import tcplab.kit.mistakes.Catalog;
import tcplab.kit.mistakes.Mistake;

/**
 * {@code ./tcplab mistakes [--update] [NN]}, for maintainers: runs the catalog of known mistakes through the
 * labs' checks and prints how many were caught, each by the check and with the message on record.
 */
@CommandLine.Command(name = "mistakes",
        description = "(maintainers) Prove the checks catch the catalog's known mistakes, each with its message.")
final class MistakesCommand extends Command {

    @CommandLine.Option(names = "--update", description = "rewrite the golden messages (review them with git diff)")
    boolean update;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "NN", description = "only this lab's mistakes")
    String only;

    MistakesCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        if (only != null) {
            lab(only);   // a usage error when there is no such lab
        }
        // The golden messages are English: the catalog compares the checks' reports in English, whatever the locale.
        tcplab.kit.i18n.Language.use(java.util.Locale.ENGLISH);
        var catalog = new Catalog(ws);
        List<Mistake> mistakes = catalog.mistakes().stream()
                .filter(m -> only == null || Integer.parseInt(m.lab()) == Integer.parseInt(only)).toList();
        if (mistakes.isEmpty()) {
            err.println("No mistakes catalogued under " + ws.show(catalog.folder()) + ".");
            return 1;
        }
        int caught = 0;
        int leaving = 0;
        var missed = new StringBuilder();
        for (Mistake m : mistakes) {
            Catalog.Verdict v = catalog.judge(m, update);
            out.printf("%s lab%s/%-34s %s%n", v.caught() ? "  ✔" : "  ✘", m.lab(), m.name(), m.description());
            if (v.caught()) {
                caught++;
                out.println("      caught by: " + m.caughtBy());
                if (v.leftBehind() != null) {
                    leaving++;
                    out.println("      left running, out of the check's reach: " + v.leftBehind());
                }
            } else {
                String problem = ("problem: " + v.problem()).indent(6).stripTrailing();
                out.println(problem);
                missed.append("  ✘ lab").append(m.lab()).append('/').append(m.name()).append('\n')
                        .append(problem).append('\n');
            }
        }
        out.println();
        if (leaving > 0) {
            out.println(leaving + " of them left a thread or socket that only the mistaken code could close; the "
                    + "grading JVM ends them when it exits.");
        }
        // Repeated, problems and all, just above the summary, where a CI log cut to its last lines still shows them.
        if (!missed.isEmpty()) {
            out.print("Not caught:\n" + missed);
        }
        out.printf("%d/%d mistakes caught%s%n", caught, mistakes.size(),
                update ? " (golden transcripts rewritten: review them with git diff)" : "");
        return caught == mistakes.size() ? 0 : 1;
    }
}
