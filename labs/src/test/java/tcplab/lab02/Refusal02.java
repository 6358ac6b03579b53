package tcplab.lab02;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Check 5's judgement of a refusal's message, as open's Javadoc states it: the message names the domain and the type
 * that were asked for, each by its enum name, its C name or a plain word (PACKET, AF_PACKET, packet; DGRAM,
 * SOCK_DGRAM, datagram), and it gives a reason: at least {@link #REASON_WORDS} words besides those names and the
 * words that only say "cannot open this socket" ({@link #NOT_A_REASON}). What the reason says is the learner's
 * choice; a check cannot judge whether it is true, only that there is one.
 */
record Refusal02(Domain domain, Type type, boolean namesDomain, boolean namesType, List<String> reasonWords) {

    /** How many words of its own a reason needs: "not supported" has none, "the JDK has none" has three. */
    static final int REASON_WORDS = 3;

    /** Words that say no more than "Java cannot open this socket": they name the refusal, not its reason. */
    static final Set<String> NOT_A_REASON = Set.of("java", "cannot", "can", "t", "not", "open", "opened", "opening",
            "socket", "sockets", "supported", "unsupported", "support", "is", "are", "a", "an", "the", "this",
            "of", "type", "domain", "family", "pair", "error", "exception", "sorry");

    static Refusal02 of(String message, Domain domain, Type type) {
        List<String> words = Arrays.stream(message.toLowerCase(Locale.ROOT).split("[^a-z0-9_]+"))
                .filter(w -> !w.isEmpty()).toList();
        boolean namesDomain = false;
        boolean namesType = false;
        var reason = new ArrayList<String>();
        for (String w : words) {
            if (names(domainWords(domain), w)) {
                namesDomain = true;
            } else if (names(typeWords(type), w)) {
                namesType = true;
            } else if (!NOT_A_REASON.contains(w)) {
                reason.add(w);
            }
        }
        return new Refusal02(domain, type, namesDomain, namesType, List.copyOf(reason));
    }

    /** The words that name a domain: its enum name, its C name, plain words. */
    static List<String> domainWords(Domain domain) {
        return switch (domain) {
            case UNIX -> List.of("unix", "af_unix", "local", "af_local", "pf_unix", "pf_local");
            case INET -> List.of("inet", "af_inet", "pf_inet", "ipv4");
            case INET6 -> List.of("inet6", "af_inet6", "pf_inet6", "ipv6");
            case PACKET -> List.of("packet", "af_packet", "pf_packet");
        };
    }

    /** The words that name a type: its enum name, its C name, plain words. */
    static List<String> typeWords(Type type) {
        return switch (type) {
            case STREAM -> List.of("stream", "sock_stream");
            case DGRAM -> List.of("dgram", "sock_dgram", "datagram");
            case RAW -> List.of("raw", "sock_raw");
        };
    }

    /** A word names one of {@code names} when it is one of them, or its plural. */
    private static boolean names(List<String> names, String word) {
        return names.contains(word) || word.endsWith("s") && names.contains(word.substring(0, word.length() - 1));
    }

    boolean acceptable() {
        return namesDomain && namesType && reasonWords.size() >= REASON_WORDS;
    }

    /** What the check found in the message, in plain words. */
    String findings() {
        return "the domain " + (namesDomain ? "is" : "is NOT") + " named (any of " + domainWords(domain)
                + "); the type " + (namesType ? "is" : "is NOT") + " named (any of " + typeWords(type) + "); words that could be a "
                + "reason: " + (reasonWords.isEmpty() ? "none" : reasonWords.size() + " " + reasonWords);
    }

    String advice() {
        var todo = new ArrayList<String>();
        if (!namesDomain || !namesType) {
            todo.add("name what was asked for, both the domain and the type (e.g. \"" + domain.cName() + "/"
                    + type.cName() + "\")");
        }
        if (reasonWords.size() < REASON_WORDS) {
            todo.add("say why Java cannot open it, in at least " + REASON_WORDS + " words of your own (e.g. the "
                    + "JDK has no such channel, it needs root or CAP_NET_RAW, it is not portable); words such as "
                    + "\"Java\", \"cannot\", \"open\", \"not supported\" and \"socket\" do not count");
        }
        return String.join("; and ", todo);
    }
}
