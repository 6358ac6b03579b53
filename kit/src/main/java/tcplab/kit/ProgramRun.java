package tcplab.kit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** One run of a lab program in-process: its exit code and everything it printed. */
public record ProgramRun(List<String> args, int exitCode, String out, String err) {

    /**
     * Runs {@code program} with {@code args} and {@code stdin} (UTF-8) for at most {@code limit}. A stack trace
     * printed by the program stays in {@code err}, where {@link #hasStackTrace()} finds it.
     */
    public static ProgramRun of(Program program, Duration limit, String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            String what = "ran your program with arguments " + List.of(args) + " and input " + Transcript.quote(stdin);
            int code = LabCode.call(what, limit, () -> program.run(args.clone(), in, outStream, errStream));
            return new ProgramRun(List.of(args), code, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    /** True when standard error holds a Java stack trace rather than a plain message. */
    public boolean hasStackTrace() {
        return err.lines().anyMatch(l -> l.startsWith("\tat ") || l.matches("^\\s+at [\\w.$]+\\(.*"));
    }

    /** The run as a learner reads it in a failure message. */
    public String describe() {
        return "exit code " + exitCode
                + "\nstdout: " + (out.isEmpty() ? "(nothing)" : Transcript.quote(out))
                + "\nstderr: " + (err.isEmpty() ? "(nothing)" : Transcript.quote(err));
    }
}
