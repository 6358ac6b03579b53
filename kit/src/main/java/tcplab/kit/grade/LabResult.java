package tcplab.kit.grade;

import java.util.List;

/** Every check of one lab, in lesson order. */
public record LabResult(Lab lab, List<CheckResult> checks, long millis) {

    public long passedCount() {
        return checks.stream().filter(CheckResult::passed).count();
    }

    public long failedCount() {
        return checks.stream().filter(c -> c.status() == CheckResult.Status.FAILED).count();
    }

    /** A lab passes when it has checks and none failed (a check skipped on this system does not count against it). */
    public boolean passed() {
        return !checks.isEmpty() && failedCount() == 0;
    }

    public CheckResult firstFailure() {
        return checks.stream().filter(c -> c.status() == CheckResult.Status.FAILED).findFirst().orElse(null);
    }
}
