package tcplab.kit.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which servers {@code ./tcplab bench NN} measures, lab by lab: a small table, so that a lab is one entry. Every
 * server in it speaks the 128-byte frame protocol of Lessons 03 to 06 (a frame in, {@code reply(text)} out), takes
 * {@code <ip> <port>} as its arguments and prints {@code listening on <ip>:<port>} once it listens.
 */
public final class BenchServers {

    private BenchServers() {}

    /** Whose Java classes run: the learner's lab (compiled as {@code ./tcplab run} does), or the build's. */
    public enum Source {
        /** The learner's own code for the lab: always measured. */
        YOURS,
        /** A reference solution: measured with {@code --reference}. */
        REFERENCE,
        /** A class the lab gives finished (in the build's classes): always measured. */
        GIVEN
    }

    /**
     * A Java server: its row name, whose code, its main class, and whether it runs a thread per connection from
     * lab 06's {@code Threads} (the report then says virtual or platform threads).
     */
    public record JavaServer(String name, Source source, String lab, String mainClass, boolean perConnectionThreads) {}

    /** A C server: its row name and its source, relative to the root of the checkout, compiled with cc -O2. */
    public record CServer(String name, String file) {}

    /**
     * One lab's bench: its Java servers, its C servers (the first is the one the ratio uses) and which Java server
     * the ratio compares with (the first of these names that ran without an error).
     */
    public record Plan(List<JavaServer> java, List<CServer> c, List<String> ratioJava) {}

    /** The table. */
    public static final Map<String, Plan> PLANS = new TreeMap<>(Map.of(
            "06", new Plan(
                    List.of(new JavaServer("yours", Source.YOURS, "06", "tcplab.lab06.FrameServer", true),
                            new JavaServer("reference", Source.REFERENCE, "06", "tcplab.lab06.FrameServer", true)),
                    List.of(new CServer("C thread_server", "lessons/06-concurrency/thread_server.c"),
                            new CServer("C fork_server", "lessons/06-concurrency/fork_server.c")),
                    List.of("yours", "reference")),
            "08", new Plan(
                    List.of(new JavaServer("Selector", Source.GIVEN, "08", "tcplab.lab08.SelectorFrameServer", false),
                            new JavaServer("lab 06 reference", Source.REFERENCE, "06", "tcplab.lab06.FrameServer",
                                    true)),
                    List.of(new CServer("C epoll_server", "lessons/08-selector/epoll_server.c")),
                    List.of("Selector"))));
}
