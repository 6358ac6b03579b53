package tcplab.kit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What crossed the wire during one check, in order, as the kit saw it.
 *
 * <p>A failed check prints its transcript so the learner sees the bytes themselves, not our opinion of them:
 * a frame that is 5 bytes long instead of 128, spaces where NULs belong, a close that came too early.
 * Every scripted peer records into one; it is safe to share between threads.
 */
public final class Transcript {

    private record Entry(String who, byte[] bytes, String event) {}

    private final List<Entry> entries = new ArrayList<>();
    private final String kitName;
    private final String labName;
    /** Whether bytes read one after another, with nothing in between, are shown as one block. */
    private boolean joinReads;

    /** A transcript between the kit's peer and the learner's program, named from the kit's side. */
    public Transcript() {
        this("kit", "your code");
    }

    public Transcript(String kitName, String labName) {
        this.kitName = kitName;
        this.labName = labName;
    }

    /** Bytes the kit wrote to the learner's code. */
    public synchronized void kitSent(byte[] bytes, int offset, int length) {
        entries.add(new Entry(kitName + " → " + labName, copy(bytes, offset, length), null));
    }

    /**
     * A transcript that shows bytes the kit read one after another as one block: for a lab whose code writes a
     * message in pieces on purpose, where how the kit's reads happened to split them depends on timing only.
     */
    public static Transcript joiningReads() {
        var t = new Transcript();
        t.joinReads = true;
        return t;
    }

    /** Bytes the kit read from the learner's code. */
    public synchronized void kitReceived(byte[] bytes, int offset, int length) {
        String who = labName + " → " + kitName;
        Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (joinReads && last != null && who.equals(last.who)) {
            byte[] joined = java.util.Arrays.copyOf(last.bytes, last.bytes.length + length);
            System.arraycopy(bytes, offset, joined, last.bytes.length, length);
            entries.set(entries.size() - 1, new Entry(who, joined, null));
            return;
        }
        entries.add(new Entry(who, copy(bytes, offset, length), null));
    }

    /** Something that is not bytes: a connect, a close, a reset, a timeout. */
    public synchronized void event(String what) {
        entries.add(new Entry(null, null, what));
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** All bytes the kit received, joined: what the learner's code sent, however it was split. */
    public synchronized byte[] receivedBytes() {
        var out = new java.io.ByteArrayOutputStream();
        for (Entry e : entries) {
            if (e.bytes != null && e.who.startsWith(labName)) {
                out.writeBytes(e.bytes);
            }
        }
        return out.toByteArray();
    }

    /** The transcript as a learner reads it: one block per read or write, text and hex side by side. */
    public synchronized String render() {
        if (entries.isEmpty()) {
            return "  (nothing crossed the wire)\n";
        }
        var sb = new StringBuilder();
        for (Entry e : entries) {
            if (e.event != null) {
                sb.append("  -- ").append(e.event).append('\n');
            } else {
                sb.append("  ").append(e.who).append("  ").append(e.bytes.length)
                        .append(e.bytes.length == 1 ? " byte" : " bytes").append('\n');
                sb.append(Hex.dump(e.bytes, "    "));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    private static byte[] copy(byte[] bytes, int offset, int length) {
        byte[] b = new byte[length];
        System.arraycopy(bytes, offset, b, 0, length);
        return b;
    }

    /** Text as a learner would write it in Java source, so invisible characters become visible. */
    public static String quote(String text) {
        var sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                case '"' -> sb.append("\\\"");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    /** Bytes as UTF-8 text, quoted, for one-line messages. */
    public static String quote(byte[] bytes) {
        return quote(new String(bytes, StandardCharsets.UTF_8));
    }
}
