package tcplab.kit.grade;

/** How one check ended, with what a learner needs to read about it. */
public record CheckResult(int number, String name, Status status, String message, String hint, long millis) {

    public enum Status { PASSED, FAILED, SKIPPED }

    public boolean passed() {
        return status == Status.PASSED;
    }
}
