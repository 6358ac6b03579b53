package tcplab.lab08;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lab 06's frame protocol in the form a non-blocking server needs: one message is one block of 128 bytes, the
 * text's UTF-8 bytes followed by NULs. Lab 06's {@code Frames} reads and writes streams; a {@code Selector} server
 * has bytes in a buffer instead, so these methods turn one whole frame into its reply frame, with the same reply
 * as Lab 06's ({@link #reply} is its {@code reply}, character for character).
 */
public final class Frames {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    private Frames() {}

    /** The text of one whole frame: its bytes up to the first NUL (all 128 if there is none), as UTF-8. */
    public static String text(byte[] frame) {
        int end = 0;
        while (end < FRAME_SIZE && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, StandardCharsets.UTF_8);
    }

    /** Lab 04's {@code reply}: the text and {@code " *_*"}, cut to 127 bytes at a character boundary. */
    public static String reply(String text) {
        byte[] utf8 = (text + " *_*").getBytes(StandardCharsets.UTF_8);
        int end = Math.min(utf8.length, FRAME_SIZE - 1);
        while (end < utf8.length && end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;                                // never cut a character in half: back up to its first byte
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * {@code text} as one frame of 128 bytes. Its UTF-8 form must fit in 127 bytes (a C peer wants a NUL), or it is
     * an {@link IllegalArgumentException}.
     */
    public static byte[] frame(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > FRAME_SIZE - 1) {
            throw new IllegalArgumentException("text is " + utf8.length + " bytes in UTF-8; a frame holds 127");
        }
        return Arrays.copyOf(utf8, FRAME_SIZE);
    }
}
