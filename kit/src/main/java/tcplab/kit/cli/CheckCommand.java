package tcplab.kit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import tcplab.kit.grade.Grading;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;
import tcplab.kit.grade.Progress;
import tcplab.kit.grade.Reports;
import tcplab.kit.i18n.Language;

/** {@code ./tcplab check NN | --all [--reference] [--report junit|json FILE]}. */
@CommandLine.Command(name = "check", description = "Grade lab NN: one line per check, and under the first failure "
        + "what was expected, what happened, the bytes on the wire and a hint.")
final class CheckCommand extends Command {

    @CommandLine.Parameters(arity = "0..1", paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 03")
    String id;

    @CommandLine.Option(names = "--all", description = "grade every lab (for teachers and autograders)")
    boolean all;

    @CommandLine.Option(names = "--reference", description = "grade the reference solution instead of your code")
    boolean reference;

    @CommandLine.Option(names = "--report", arity = "2", paramLabel = "junit|json FILE", hideParamSyntax = true,
            description = "also write the results to FILE, as JUnit XML or JSON")
    String[] report;

    CheckCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        if (all == (id != null)) {
            throw new Main.UsageException(Language.text("check.needsLab"));
        }
        Reports reports = null;
        if (report != null) {
            if (!report[0].equals("junit") && !report[0].equals("json")) {
                throw new Main.UsageException(Language.text("check.reportFormat", report[0]));
            }
            reports = new Reports(Reports.Format.valueOf(report[0].toUpperCase()), Path.of(report[1]));
        }
        List<Lab> labs = all ? ws.lessons().stream().filter(Lab::hasLab).toList() : List.of(lab(id));
        int code = grade(labs, reports);
        if (reports != null) {
            reports.write();
            out.println(Language.text("check.reportWritten", Path.of(report[1]).toAbsolutePath()));
        }
        return code;
    }

    /** Grades {@code labs}, prints as it goes, writes the report if asked; 0 when every lab passes. */
    int grade(List<Lab> labs, Reports reports) throws Exception {
        if (!ws.built()) {
            err.println(Language.text("check.notBuilt", ws.show(ws.checkClasses())));
            return 1;
        }
        var grading = new Grading(ws);
        var progress = reference ? null : Progress.load(ws.progressFile(), err);
        var results = new ArrayList<LabResult>();
        boolean allPassed = true;
        for (Lab lab : labs) {
            out.println(Language.text("check.header", lab.id(), lab.localTitle())
                    + (reference ? "  " + Language.text("check.referenceTag") : ""));
            LabResult r = grading.grade(lab, reference, err, c -> ResultText.printLine(out, c),
                    reports == null ? List.of() : reports.listenersFor(lab));
            if (r == null) {
                err.println("\n" + Language.text("check.doesNotCompile", lab.id()));
                allPassed = false;
                r = new LabResult(lab, List.of(), 0);
                results.add(r);
                if (reports != null) {
                    reports.add(r);
                }
                continue;
            }
            results.add(r);
            if (reports != null) {
                reports.add(r);
            }
            if (progress != null) {
                progress.record(r);
            }
            if (!all || !r.passed()) {
                ResultText.printSummary(out, ws, r, reference);
            }
            allPassed &= r.passed();
            if (all) {
                out.println();
            }
        }
        if (all) {
            long passed = results.stream().filter(LabResult::passed).count();
            out.println(Language.text("check.labsPass", passed, results.size()));
        }
        return allPassed ? 0 : 1;
    }
}
