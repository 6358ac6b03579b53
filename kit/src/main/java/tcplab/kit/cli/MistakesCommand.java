package tcplab.kit.cli;

import java.io.PrintStream;
import java.util.List;
import tcplab.kit.mistakes.Catalog;
import tcplab.kit.mistakes.Mistake;

/**
 * {@code ./tcplab mistakes [--update] [NN]}, for maintainers: runs the catalog of known mistakes through the
 * labs' checks and prints how many were caught, each by the check and with the message on record.
 */
final class MistakesCommand extends Command {

    MistakesCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        boolean update = List.of(args).contains("--update");
        String only = List.of(args).stream().filter(a -> !a.startsWith("--")).findFirst().orElse(null);
        var catalog = new Catalog(ws);
        List<Mistake> mistakes = catalog.mistakes().stream()
                .filter(m -> only == null || Integer.parseInt(m.lab()) == Integer.parseInt(only)).toList();
        if (mistakes.isEmpty()) {
            err.println("No mistakes catalogued under " + ws.show(catalog.folder()) + ".");
            return 1;
        }
        int caught = 0;
        int leaving = 0;
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
                out.println(("problem: " + v.problem()).indent(6).stripTrailing());
            }
        }
        out.println();
        if (leaving > 0) {
            out.println(leaving + " of them left a thread or socket that only the mistaken code could close; the "
                    + "grading JVM ends them when it exits.");
        }
        out.printf("%d/%d mistakes caught%s%n", caught, mistakes.size(),
                update ? " (golden transcripts rewritten: review them with git diff)" : "");
        return caught == mistakes.size() ? 0 : 1;
    }
}
