package tcplab.kit.mistakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tcplab.kit.grade.Grader;
import tcplab.kit.grade.Grading;
import tcplab.kit.grade.LabBuild;
import tcplab.kit.grade.Workspace;
import tcplab.kit.grade.CheckResult;
import tcplab.kit.grade.Lab;
import tcplab.kit.grade.LabResult;

/**
 * The catalog of known mistakes under {@code solutions/mistakes/labNN/}: each is compiled from the reference with
 * its edit, graded by the lab's real checks, and must fail the check it names with the message recorded in its
 * golden file. A mistake that every check lets through is a missing check.
 */
public final class Catalog {

    /** How one mistake fared. */
    public record Verdict(Mistake mistake, boolean caught, String problem, String message, String leftBehind) {
        Verdict(Mistake mistake, boolean caught, String problem, String message) {
            this(mistake, caught, problem, message, null);
        }
    }

    private final Workspace ws;

    public Catalog(Workspace ws) {
        this.ws = ws;
    }

    public Path folder() {
        return ws.root().resolve("solutions/mistakes");
    }

    public List<Mistake> mistakes() throws IOException {
        if (!Files.isDirectory(folder())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder())) {
            var result = new ArrayList<Mistake>();
            for (Path p : files.filter(p -> p.toString().endsWith(".mistake")).sorted().toList()) {
                result.add(Mistake.parse(p));
            }
            return result;
        }
    }

    /** Grades one mistake; with {@code update}, records the message it gets as its new golden transcript. */
    public Verdict judge(Mistake m, boolean update) throws IOException {
        Lab lab = ws.lesson(m.lab()).orElse(null);
        if (lab == null || !lab.hasLab()) {
            return new Verdict(m, false, "there is no lab " + m.lab(), null);
        }
        Path work = ws.stateDir().resolve("mistakes/" + m.lab() + "/" + m.name());
        Path src = work.resolve("src");
        LabBuild.deleteTree(work);
        Files.createDirectories(src);
        var sources = new ArrayList<Path>();
        boolean found = false;
        var references = new ArrayList<>(lab.referenceFiles());
        references.addAll(lab.givenFiles());
        for (Path ref : references) {
            String text = Files.readString(ref, StandardCharsets.UTF_8);
            if (ref.getFileName().toString().equals(m.file())) {
                try {
                    text = m.apply(text);
                } catch (IOException stale) {
                    // The reference moved on and the entry still quotes the old text: one entry fails, not all.
                    return new Verdict(m, false, stale.getMessage(), null);
                }
                found = true;
            }
            Path copy = src.resolve(ref.getFileName());
            Files.writeString(copy, text, StandardCharsets.UTF_8);
            sources.add(copy);
        }
        if (!found) {
            return new Verdict(m, false, "the reference of lab " + m.lab() + " has no " + m.file(), null);
        }
        String errors = LabBuild.compile(sources, work.resolve("classes"), ws.kitClassPath(), Path::toString);
        if (errors != null) {
            return new Verdict(m, false, "does not compile:\n" + errors, null);
        }
        // Only the check that must catch the mistake runs: the others are not what the entry is about, and a
        // mistake that makes each of them wait for a time-out would make the catalog slow for nothing.
        var threadsBefore = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
        var socketsBefore = tcplab.kit.Inspector.descriptors();
        LabResult result = new Grading(ws).gradeClasses(lab, work.resolve("classes"), c -> { },
                method -> Grader.key(method).equals(m.caughtBy()));
        String left = leftBehind(threadsBefore, socketsBefore);
        // Only the check the entry names ran, so it is the one result there is.
        CheckResult check = result.checks().size() == 1 ? result.checks().get(0) : null;
        if (check == null) {
            return new Verdict(m, false, "lab " + m.lab() + " has no check whose method is \""
                    + m.caughtBy().replace(' ', '_') + "\"", null);
        }
        if (check.status() != CheckResult.Status.FAILED) {
            return new Verdict(m, false, "check " + check.number() + " (" + check.name() + ") did not catch it: "
                    + check.status().name().toLowerCase(), null);
        }
        String message = normalize(check.message());
        if (update) {
            Files.writeString(m.golden(), message + "\n", StandardCharsets.UTF_8);
            return new Verdict(m, true, null, message, left);
        }
        String golden = Files.exists(m.golden()) ? Files.readString(m.golden(), StandardCharsets.UTF_8).strip() : null;
        if (golden == null) {
            return new Verdict(m, false, "no golden transcript yet (" + m.golden().getFileName()
                    + "): run ./tcplab mistakes --update and review it", message);
        }
        if (!golden.equals(message.strip())) {
            return new Verdict(m, false, "check " + check.number() + " caught it, but its message changed."
                    + "\n--- recorded\n" + golden + "\n--- now\n" + message.strip()
                    + "\nIf the change is deliberate: ./tcplab mistakes --update", message);
        }
        return new Verdict(m, true, null, message, left);
    }

    /**
     * Threads and sockets still there two seconds after the check ended, that were not there before it; null if
     * none. The check closes everything it can reach; what is left is what the mistaken code holds out of reach
     * (a channel it never closes, a loop that never returns), and ends with the grading JVM.
     */
    private static String leftBehind(java.util.Set<Thread> threadsBefore,
            java.util.Set<tcplab.kit.Inspector.Descriptor> socketsBefore) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<String> threads;
        List<tcplab.kit.Inspector.Descriptor> sockets;
        do {
            threads = Thread.getAllStackTraces().keySet().stream().filter(t -> !threadsBefore.contains(t))
                    .filter(Thread::isAlive).map(Thread::getName)
                    .filter(name -> !name.equals("process reaper"))   // the JDK's own, kept for the next child process
                    .toList();
            sockets = tcplab.kit.Inspector.openedSince(socketsBefore);
            if (threads.isEmpty() && sockets.isEmpty()) {
                return null;
            }
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        return (threads.isEmpty() ? "" : "thread " + String.join(", ", threads))
                + (threads.isEmpty() || sockets.isEmpty() ? "" : "; ")
                + (sockets.isEmpty() ? "" : sockets.size() + (sockets.size() == 1 ? " socket" : " sockets"));
    }

    /**
     * What varies from run to run is masked so a golden transcript stays stable: ports (the kit only ever uses
     * ephemeral ports, five digits from 10000 on every system) and descriptor numbers.
     */
    public static String normalize(String message) {
        return message.replaceAll("\\b(fd|sockfd =) \\d+", "$1 N")
                .replaceAll("(?<![\\d.])[1-6]\\d{4}(?![\\d.])", "PORT");
    }
}
