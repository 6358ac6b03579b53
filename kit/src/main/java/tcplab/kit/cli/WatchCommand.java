package tcplab.kit.cli;

import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import tcplab.kit.grade.Lab;

/** {@code ./tcplab watch [NN]}: grades again each time the lab's sources are saved. Ctrl-C stops it. */
final class WatchCommand extends Command {

    WatchCommand(Workspace ws, PrintStream out, PrintStream err) {
        super(ws, out, err);
    }

    @Override
    int run(String[] args) throws Exception {
        Lab lab = args.length > 0 ? Main.lab(ws, args, 0) : nextLab();
        if (lab == null) {
            out.println("Every lab passes: nothing to watch. Name one: ./tcplab watch NN");
            return 0;
        }
        var check = new CheckCommand(ws, out, err);
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            lab.learnerSources().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            while (true) {
                check.run(new String[] {lab.id()});
                out.println("\nWatching " + ws.show(lab.learnerSources()) + " — save a file to grade again, Ctrl-C to stop.");
                var key = watcher.take();
                // Editors save in several steps (write, rename, touch): let them finish, then grade once.
                do {
                    key.pollEvents();
                    key.reset();
                    key = watcher.poll(300, TimeUnit.MILLISECONDS);
                } while (key != null);
                out.println("\n— change seen —\n");
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            err.println("Watching files does not work here (" + e.getMessage() + "). Run ./tcplab check "
                    + lab.id() + " after each save instead; it does the same.");
            return 1;
        }
    }

    private Lab nextLab() {
        var progress = Progress.load(ws.progressFile(), err);
        return ws.lessons().stream().filter(Lab::hasLab)
                .filter(l -> progress.status(l.id()) != Progress.Status.PASSED).findFirst().orElse(null);
    }
}
