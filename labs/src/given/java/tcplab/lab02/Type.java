package tcplab.lab02;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The second argument of C's {@code socket(domain, type, protocol)}: how data travels. Given, not to be edited.
 */
public enum Type {
    /** A reliable, ordered byte stream: TCP in the INET domains. */
    STREAM("SOCK_STREAM", "a byte stream (TCP)"),
    /** Separate messages that may be lost or reordered: UDP in the INET domains. */
    DGRAM("SOCK_DGRAM", "datagrams (UDP)"),
    /** Packets with their headers, built and read by the program itself. */
    RAW("SOCK_RAW", "raw packets, headers and all");

    private final String cName;
    private final String meaning;

    Type(String cName, String meaning) {
        this.cName = cName;
        this.meaning = meaning;
    }

    /** The constant a C program would pass, e.g. {@code SOCK_STREAM}. */
    public String cName() {
        return cName;
    }

    /** What the type carries, in a few words. */
    public String meaning() {
        return meaning;
    }

    /**
     * Reads a type from a command-line word: {@code stream}, {@code STREAM} and {@code SOCK_STREAM} all give
     * {@link #STREAM}.
     *
     * @throws IllegalArgumentException if the word names no type; the message lists the ones that exist
     */
    public static Type parse(String word) {
        String name = word.strip().toUpperCase(Locale.ROOT);
        for (Type t : values()) {
            if (t.name().equals(name) || t.cName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type '" + word + "': use one of "
                + Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
