package tcplab.kit.cli;

import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.Progress;
import tcplab.kit.i18n.Language;

/** {@code ./tcplab watch [NN]}: grades again each time the lab's sources are saved. Ctrl-C stops it. */
@CommandLine.Command(name = "watch", description = "Grade lab NN again on every save (default: your next lab).")
final class WatchCommand extends Command {

    @CommandLine.Parameters(arity = "0..1", paramLabel = "NN", descriptionKey = "labNN", description = "the lab's number, e.g. 03")
    String id;

    WatchCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = id != null ? lab(id) : nextLab();
        if (lab == null) {
            out.println(Language.text("watch.nothing"));
            return 0;
        }
        var check = new CheckCommand(new Context(ws, in, out, err));
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            lab.learnerSources().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            while (true) {
                check.grade(List.of(lab), null);
                out.println("\n" + Language.text("watch.watching", ws.show(lab.learnerSources())));
                var key = watcher.take();
                // Editors save in several steps (write, rename, touch): let them finish, then grade once.
                do {
                    key.pollEvents();
                    key.reset();
                    key = watcher.poll(300, TimeUnit.MILLISECONDS);
                } while (key != null);
                out.println("\n" + Language.text("watch.changeSeen") + "\n");
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            err.println(Language.text("watch.unsupported", e.getMessage(), lab.id()));
            return 1;
        }
    }

    private Lab nextLab() {
        var progress = Progress.load(ws.progressFile(), err);
        return ws.lessons().stream().filter(Lab::hasLab)
                .filter(l -> progress.status(l.id()) != Progress.Status.PASSED).findFirst().orElse(null);
    }
}
