package tcplab.kit.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;

/** {@code ./tcplab check NN | --all [--reference] [--report junit|json FILE]}. */
final class CheckCommand extends Command {

    CheckCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        boolean all = false;
        boolean reference = false;
        String format = null;
        Path reportFile = null;
        String id = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--all" -> all = true;
                case "--reference" -> reference = true;
                case "--report" -> {
                    if (i + 2 >= args.length) {
                        throw new Main.UsageException("--report needs a format (junit or json) and a file");
                    }
                    format = args[++i];
                    reportFile = Path.of(args[++i]);
                    if (!format.equals("junit") && !format.equals("json")) {
                        throw new Main.UsageException("report format must be junit or json, not " + format);
                    }
                }
                default -> {
                    if (id != null || args[i].startsWith("-")) {
                        throw new Main.UsageException("unexpected argument: " + args[i]);
                    }
                    id = args[i];
                }
            }
        }
        if (all == (id != null)) {
            throw new Main.UsageException("check needs a lesson number, or --all");
        }
        List<Lab> labs = all ? ws.lessons().stream().filter(Lab::hasLab).toList()
                : List.of(Main.lab(ws, new String[] {id}, 0));
        if (!ws.built()) {
            err.println("The kit is not built yet (" + ws.show(ws.checkClasses()) + " is missing). "
                    + "Run ./tcplab from the top of the checkout: it builds what is needed.");
            return 1;
        }
        var grading = new Grading(ws);
        var progress = reference ? null : Progress.load(ws.progressFile(), err);
        var results = new ArrayList<LabResult>();
        boolean allPassed = true;
        for (Lab lab : labs) {
            out.println("Lab " + lab.id() + " — " + lab.title() + (reference ? "  [reference solution]" : ""));
            LabResult r = grading.grade(lab, reference, err, c -> Grading.printLine(out, c));
            if (r == null) {
                err.println("\nLab " + lab.id() + " does not compile yet: fix the errors above, then check again.");
                allPassed = false;
                results.add(new LabResult(lab, List.of(), 0));
                continue;
            }
            results.add(r);
            if (progress != null) {
                progress.record(r);
            }
            if (!all || !r.passed()) {
                Grading.printSummary(out, ws, r, reference);
            }
            allPassed &= r.passed();
            if (all) {
                out.println();
            }
        }
        if (all) {
            long passed = results.stream().filter(LabResult::passed).count();
            out.println(passed + " of " + results.size() + " labs pass.");
        }
        if (format != null) {
            Reports.write(format, reportFile, results);
            out.println("Report written to " + reportFile.toAbsolutePath());
        }
        return allPassed ? 0 : 1;
    }
}
