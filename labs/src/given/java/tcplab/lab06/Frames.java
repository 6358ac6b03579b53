package tcplab.lab06;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frame protocol of Lessons 03 to 05, the same class as Lab 05's, so that this lab can be about many clients at
 * once: one message is one block of 128 bytes, the text's UTF-8 bytes followed by NULs. Its methods keep no state,
 * so any number of threads may call them at the same time, each on its own stream.
 */
public final class Frames {

    public static final int SIZE = 128;

    private Frames() {}

    /**
     * Reads one whole frame, however its bytes arrive, and returns its text (up to the first NUL).
     *
     * @return the text, or {@code null} if the peer closed cleanly before the first byte of a frame
     * @throws EOFException if the peer closed in the middle of a frame
     */
    public static String read(InputStream in) throws IOException {
        byte[] frame = new byte[SIZE];
        int have = 0;
        while (have < SIZE) {
            int n = in.read(frame, have, SIZE - have);
            if (n == -1) {
                if (have == 0) {
                    return null;                  // end of stream between frames: a polite goodbye
                }
                throw new EOFException("the peer closed after " + have + " of " + SIZE + " bytes of a frame");
            }
            have += n;
        }
        int end = 0;
        while (end < SIZE && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, StandardCharsets.UTF_8);
    }

    /** Writes {@code text} as one frame; its UTF-8 form must fit in 127 bytes (a C peer wants a NUL). */
    public static void write(OutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > SIZE - 1) {
            throw new IllegalArgumentException("text is " + utf8.length + " bytes in UTF-8; a frame holds 127");
        }
        out.write(Arrays.copyOf(utf8, SIZE));
        out.flush();
    }

    /** The server's answer to {@code text}: the text and {@code " *_*"}, cut at a character boundary to fit. */
    public static String reply(String text) {
        byte[] utf8 = (text + " *_*").getBytes(StandardCharsets.UTF_8);
        int end = Math.min(utf8.length, SIZE - 1);
        while (end < utf8.length && end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;                                // never cut a character in half: back up to its first byte
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }
}
