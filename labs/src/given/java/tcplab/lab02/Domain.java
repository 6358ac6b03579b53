package tcplab.lab02;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The first argument of C's {@code socket(domain, type, protocol)}: which family of addresses the socket speaks.
 * Given, not to be edited: the checks and {@link NewSocket} use it.
 */
public enum Domain {
    /** Local communication between processes of one machine, through a file path. */
    UNIX("AF_UNIX", "local, through a path in the file system"),
    /** Internet Protocol version 4: addresses like 127.0.0.1. */
    INET("AF_INET", "IPv4"),
    /** Internet Protocol version 6: addresses like ::1. */
    INET6("AF_INET6", "IPv6"),
    /** The link layer: whole Ethernet frames, below IP. */
    PACKET("AF_PACKET", "link layer, whole frames below IP");

    private final String cName;
    private final String meaning;

    Domain(String cName, String meaning) {
        this.cName = cName;
        this.meaning = meaning;
    }

    /** The constant a C program would pass, e.g. {@code AF_INET}. */
    public String cName() {
        return cName;
    }

    /** What the domain is for, in a few words. */
    public String meaning() {
        return meaning;
    }

    /**
     * Reads a domain from a command-line word: {@code inet}, {@code INET} and {@code AF_INET} all give
     * {@link #INET}.
     *
     * @throws IllegalArgumentException if the word names no domain; the message lists the ones that exist
     */
    public static Domain parse(String word) {
        String name = word.strip().toUpperCase(Locale.ROOT);
        for (Domain d : values()) {
            if (d.name().equals(name) || d.cName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown domain '" + word + "': use one of "
                + Arrays.stream(values()).map(d -> d.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
