package tcplab.kit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;
import tcplab.kit.i18n.Language;

/**
 * {@code ./tcplab reset NN [--yes]}: puts the lab's stub back from git (the upstream branch if there is one, so a
 * learner who committed their own work still gets the original). Asks first, and copies the learner's files to
 * {@code .tcplab/backup/} before touching them: no work is ever lost.
 */
@CommandLine.Command(name = "reset",
        description = "Put lab NN's stub back (asks first; your code is copied to .tcplab/backup/ before).")
final class ResetCommand extends AskingCommand {

    @CommandLine.Parameters(paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 03")
    String id;

    ResetCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lab(id);
        String source = git("rev-parse", "--verify", "-q", "@{upstream}") != null ? "@{upstream}" : "HEAD";
        String dir = ws.show(lab.learnerSources());
        String tracked = git("ls-tree", "-r", "--name-only", source, "--", dir);
        if (tracked == null || tracked.isBlank()) {
            err.println(Language.text("reset.noHistory", dir));
            return 1;
        }
        if (!confirmed(Language.text("reset.question", dir))) {
            out.println(Language.text("reset.nothingChanged"));
            return 1;
        }
        Path backup = ws.stateDir().resolve("backup/lab" + lab.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(backup);
        for (Path f : lab.learnerFiles()) {
            Files.copy(f, backup.resolve(f.getFileName()));
        }
        if (git("checkout", source, "--", dir) == null) {
            err.println(Language.text("reset.gitFailed", dir, ws.show(backup)));
            return 1;
        }
        // The stub is not started work: ./tcplab must not go on saying this lab passes.
        Progress.load(ws.progressFile(), err).forget(lab.id());
        out.println(Language.text("reset.done", lab.id(), ws.show(backup)));
        return 0;
    }

    /** Runs git in the checkout; its output, or null when it fails or is missing. */
    private String git(String... args) throws InterruptedException {
        var command = new java.util.ArrayList<>(List.of("git", "-C", ws.root().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && !text.isBlank() ? text : (p.exitValue() == 0 ? "" : null);
        } catch (IOException noGit) {
            return null;
        }
    }
}
