package tcplab.lab11;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frame protocol of Lessons 03 to 06, the same as Lab 06's {@code Frames}, written out for you so that this lab
 * can be about TLS: one message is one block of 128 bytes, the text's UTF-8 bytes followed by NULs. Over TLS the
 * frames are the same; only the streams they are read from and written to change (an {@code SSLSocket}'s).
 * {@link #read} is labs 03 and 04's {@code text(readFrame(in))}, except that a clean end of stream before a frame's
 * first byte is {@code null}; {@link #write} is {@code out.write(frame(text))} and a flush; {@link #reply} is lab
 * 04's {@code reply}.
 */
public final class Frames {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    private Frames() {}

    // tag::read[]
    /**
     * Reads one whole frame, however its bytes arrive, and returns its text (up to the first NUL): labs 03 and 04's
     * {@code text(readFrame(in))}, with one difference, the end of stream between two frames.
     *
     * @return the text, or {@code null} if the peer closed cleanly before the first byte of a frame
     * @throws EOFException if the peer closed in the middle of a frame
     */
    public static String read(InputStream in) throws IOException {
        byte[] frame = new byte[FRAME_SIZE];
        int have = 0;
        while (have < FRAME_SIZE) {
            int n = in.read(frame, have, FRAME_SIZE - have);
            if (n == -1) {
                if (have == 0) {
                    return null;                  // end of stream between frames: a polite goodbye
                }
                throw new EOFException("the peer closed after " + have + " of " + FRAME_SIZE + " bytes of a frame");
            }
            have += n;
        }
        int end = 0;
        while (end < FRAME_SIZE && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, StandardCharsets.UTF_8);
    }
    // end::read[]

    /**
     * Writes {@code text} as one frame and flushes: labs 03 and 04's {@code out.write(frame(text))}. Its UTF-8 form
     * must fit in 127 bytes (a C peer wants a NUL), or it is an {@link IllegalArgumentException}, as in {@code frame}.
     */
    public static void write(OutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > FRAME_SIZE - 1) {
            throw new IllegalArgumentException("text is " + utf8.length + " bytes in UTF-8; a frame holds 127");
        }
        out.write(Arrays.copyOf(utf8, FRAME_SIZE));
        out.flush();
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
}
