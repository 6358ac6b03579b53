package tcplab.lab09;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The frame protocol of Lessons 03 to 06, written out for you as in Lab 06: one message is one block of 128 bytes,
 * the text's UTF-8 bytes followed by NULs. Its methods keep no state, so any number of threads may call them at
 * once, each on its own stream. Two things differ from Lab 06's {@code Frames}: {@link #text} is public, for the
 * frame you read yourself in {@code FrameServer.readBefore}; and {@link #write} writes a frame in two pieces.
 */
public final class Frames {

    /** Every message is exactly this many bytes on the wire: the text's UTF-8 bytes, then NULs. */
    public static final int FRAME_SIZE = 128;

    private Frames() {}

    /**
     * Lab 06's {@code Frames.read}: one whole frame, however its bytes arrive, and its text; {@code null} if the peer
     * closed cleanly before the frame's first byte. It has no deadline of its own: each {@code read()} waits as long
     * as the socket's {@code SO_TIMEOUT} allows, and a peer that sends a byte now and then keeps it going for good.
     *
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
        return text(frame);
    }

    /** The text of a whole frame: its bytes up to the first NUL, as UTF-8. */
    public static String text(byte[] frame) {
        int end = 0;
        while (end < frame.length && frame[end] != 0) {
            end++;
        }
        return new String(frame, 0, end, StandardCharsets.UTF_8);
    }

    // tag::write[]
    /**
     * Writes {@code text} as one frame in TWO writes, the text's bytes first and then the NULs that fill the frame,
     * with no buffer in between: the way many servers write a header and then a body. Its UTF-8 form must fit in
     * 127 bytes (a C peer wants a NUL), or it is an {@link IllegalArgumentException}. (Two small writes and then a
     * read is the pattern that Nagle's algorithm and the peer's delayed ACK stall: Lesson 09, "Nagle and the
     * delayed ACK".)
     */
    public static void write(OutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > FRAME_SIZE - 1) {
            throw new IllegalArgumentException("text is " + utf8.length + " bytes in UTF-8; a frame holds 127");
        }
        out.write(utf8);                          // the "header"
        out.write(new byte[FRAME_SIZE - utf8.length]);   // the "body": sent at once only with TCP_NODELAY
        out.flush();
    }
    // end::write[]

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
