package tcplab.kit;

import tcplab.kit.i18n.Language;
import tcplab.kit.i18n.TextWidth;

/**
 * A failed check, told to a learner: what the check did, what it expected, what happened, the bytes on the wire
 * and what to look at next. The message is the whole explanation; the grader prints it as it is.
 */
public final class CheckFailed extends AssertionError {

    private CheckFailed(String message, Throwable cause) {
        super(message, cause);
    }

    /** Starts a failure report; {@code doing} says what the check did, e.g. "sent one 128-byte frame". */
    public static Report when(String doing) {
        return new Report(doing);
    }

    /** Builds the message of a {@link CheckFailed}; every part but {@code when} is optional. */
    public static final class Report {
        private final String doing;
        private String expected;
        private String got;
        private Transcript wire;
        private String next;
        private Throwable cause;

        private Report(String doing) {
            this.doing = doing;
        }

        public Report expected(String expected) {
            this.expected = expected;
            return this;
        }

        public Report got(String got) {
            this.got = got;
            return this;
        }

        public Report wire(Transcript wire) {
            this.wire = wire;
            return this;
        }

        /** What to look at next: a method, a line of the lesson, a likely mistake. */
        public Report next(String next) {
            this.next = next;
            return this;
        }

        public Report cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /**
         * The message: its fixed parts (when, expected, got, on the wire, look at) in the learner's language
         * ({@link Language}), what the check wrote into them as it is. Each label is padded to one column, so
         * that a part's later lines line up under its first.
         */
        public CheckFailed build() {
            var sb = new StringBuilder();
            sb.append(Language.text("failure.when", doing)).append('\n');
            String[] labels = {Language.text("failure.expected"), Language.text("failure.got"),
                Language.text("failure.lookAt")};
            int column = 0;
            for (String label : labels) {
                column = Math.max(column, TextWidth.of(label) + 1);
            }
            if (expected != null) {
                sb.append(part(labels[0], column, expected));
            }
            if (got != null) {
                sb.append(part(labels[1], column, got));
            }
            if (wire != null) {
                sb.append("  ").append(Language.text("failure.wire")).append('\n')
                        .append(wire.render().indent(2).stripTrailing()).append('\n');
            }
            if (next != null) {
                sb.append(part(labels[2], column, next));
            }
            return new CheckFailed(sb.toString().stripTrailing(), cause);
        }

        private static String part(String label, int column, String text) {
            return "  " + TextWidth.padRight(label, column) + text.strip().replace("\n", "\n" + " ".repeat(2 + column))
                    + "\n";
        }

    }
}
