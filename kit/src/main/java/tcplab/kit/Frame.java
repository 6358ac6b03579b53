package tcplab.kit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The source tutorial's protocol, as the kit's peers speak it: one message is one fixed block of 128 bytes, the
 * text's UTF-8 bytes followed by NULs. The kit needs its own copy to play the other side; learners write theirs.
 */
public final class Frame {

    public static final int SIZE = 128;

    private Frame() {}

    /** The 128-byte frame for {@code text}; its UTF-8 form must fit in 127 bytes, leaving a NUL for C peers. */
    public static byte[] of(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > SIZE - 1) {
            throw new IllegalArgumentException("text is " + utf8.length + " bytes in UTF-8; a frame holds 127");
        }
        return Arrays.copyOf(utf8, SIZE);
    }

    /** The text of a frame: its bytes up to the first NUL, as UTF-8. */
    public static String text(byte[] frame) {
        int end = 0;
        while (end < frame.length && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, StandardCharsets.UTF_8);
    }
}
