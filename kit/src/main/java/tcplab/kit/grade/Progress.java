package tcplab.kit.grade;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The learner's progress: for each lab, whether its last grading passed, and the first failing check. Kept in a
 * small properties file under {@code .tcplab/}; a missing or damaged file is started afresh, never a crash.
 */
public final class Progress {

    /** What we know of one lab. */
    public enum Status {
        NOT_STARTED("not started"), FAILING("failing"), PASSED("passed");

        /** The label in the learner's language. */
        public String localLabel() {
            return tcplab.kit.i18n.Language.text("status." + name().toLowerCase(java.util.Locale.ROOT));
        }

        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    private final Path file;
    private final Properties values = new Properties();

    private Progress(Path file) {
        this.file = file;
    }

    /** Loads progress; if the file is unreadable, says so on {@code note} and starts again from nothing. */
    public static Progress load(Path file, PrintStream note) {
        var p = new Progress(file);
        if (!Files.exists(file)) {
            return p;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.values.load(r);
            for (String key : p.values.stringPropertyNames()) {
                String v = p.values.getProperty(key);
                if (key.matches("lab\\d\\d") && !v.matches("(passed|failing) \\d+/\\d+")
                        || key.matches("lab\\d\\d\\.first-failure") && !v.matches("\\d+")) {
                    throw new IOException("unexpected line " + key + "=" + v);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            note.println("note: your progress file " + file.getFileName() + " could not be read (" + e.getMessage()
                    + "); it was started afresh. Run ./tcplab check NN to record each lab again.");
            p.values.clear();
            p.save();
        }
        return p;
    }

    public Status status(String id) {
        String v = values.getProperty("lab" + id);
        if (v == null) {
            return Status.NOT_STARTED;
        }
        return v.startsWith("passed") ? Status.PASSED : Status.FAILING;
    }

    /** The first lesson with a lab that does not pass yet: the learner's next step, if there is one. */
    public java.util.Optional<Lab> next(java.util.List<Lab> lessons) {
        return lessons.stream().filter(Lab::hasLab).filter(l -> status(l.id()) != Status.PASSED).findFirst();
    }

    /** "3/7", or empty if never graded. */
    public String score(String id) {
        String v = values.getProperty("lab" + id);
        return v == null ? "" : v.substring(v.indexOf(' ') + 1);
    }

    /** The number of the first failing check at the last grading, or 0. */
    public int firstFailure(String id) {
        return Integer.parseInt(values.getProperty("lab" + id + ".first-failure", "0"));
    }

    public void record(LabResult result) {
        String id = result.lab().id();
        values.setProperty("lab" + id, (result.passed() ? "passed " : "failing ") + result.passedCount() + "/"
                + result.checks().size());
        if (result.firstFailure() != null) {
            values.setProperty("lab" + id + ".first-failure", String.valueOf(result.firstFailure().number()));
        } else {
            values.remove("lab" + id + ".first-failure");
        }
        save();
    }

    /** Forgets what is known of lab {@code id}: its code is the stub again, so it is not started. */
    public void forget(String id) {
        values.remove("lab" + id);
        values.remove("lab" + id + ".first-failure");
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                values.store(w, "TCP Lab progress: written by ./tcplab check; safe to delete");
            }
            // Written aside then moved, so an interrupted save never leaves half a file behind.
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("note: could not save progress to " + file + ": " + e.getMessage());
        }
    }
}
