package tcplab.kit;

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

        public CheckFailed build() {
            var sb = new StringBuilder();
            sb.append("When the check ").append(doing).append(":\n");
            if (expected != null) {
                sb.append("  expected: ").append(indentRest(expected)).append('\n');
            }
            if (got != null) {
                sb.append("  got:      ").append(indentRest(got)).append('\n');
            }
            if (wire != null) {
                sb.append("  on the wire:\n").append(wire.render().indent(2).stripTrailing()).append('\n');
            }
            if (next != null) {
                sb.append("  look at:  ").append(indentRest(next)).append('\n');
            }
            return new CheckFailed(sb.toString().stripTrailing(), cause);
        }

        private static String indentRest(String text) {
            return text.strip().replace("\n", "\n            ");
        }
    }
}
