package tcplab.lab07;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Lab 07's codec: one message on the wire is a 4-byte length in network byte order (big-endian, the most significant
 * byte first: what C's {@code htonl} gives and {@code ntohl} reads), then that many bytes of body. The client and
 * the server both use it. Its methods keep no state: any number of threads may call them, each on its own stream.
 *
 * <p>Write it in this order (Lesson 07; the section names are in brackets): {@link #write} ("A length prefix"),
 * then {@link #read} ("Reading exactly n bytes" and "A length you cannot trust").
 */
public final class Messages {

    /** The largest body a message may have, in bytes: a length above it (or below 0) is a protocol error. */
    public static final int MAX = 65536;

    private Messages() {}

    // tag::write[]
    /**
     * Writes one message: the body's length as 4 bytes, big-endian, then the body, with one {@code write} of the
     * 4 + n bytes (two small writes in a row can meet Nagle's algorithm and wait for an ACK), and a flush.
     *
     * @throws IllegalArgumentException if the body is longer than {@link #MAX}; nothing is written then
     */
    public static void write(OutputStream out, byte[] body) throws IOException {
        if (body.length > MAX) {
            throw new IllegalArgumentException("a body of " + body.length + " bytes; at most " + MAX);
        }
        ByteBuffer message = ByteBuffer.allocate(4 + body.length);   // big-endian unless told otherwise
        message.putInt(body.length).put(body);
        out.write(message.array());
        out.flush();
    }
    // end::write[]

    // tag::read[]
    /**
     * Reads one whole message, however its bytes arrive (one byte per {@code read}, or two messages in one), and
     * returns its body.
     *
     * @return the body (empty for a length of 0), or {@code null} if the stream ended cleanly before the first byte
     *     of a length: the peer's polite goodbye between two messages
     * @throws EOFException if the stream ends inside the 4 bytes of a length or inside a body
     * @throws ProtocolException if the length is below 0 or above {@link #MAX}; not a byte past the length has been
     *     read then (its message says what the length was)
     */
    public static byte[] read(InputStream in) throws IOException {
        byte[] prefix = new byte[4];
        int got = readFully(in, prefix);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw new EOFException("the stream ended after " + got + " of the 4 bytes of a length");
        }
        int length = ByteBuffer.wrap(prefix).getInt();              // big-endian, like ntohl
        if (length < 0 || length > MAX) {
            throw new ProtocolException("a length of " + length + " bytes; it must be from 0 to " + MAX);
        }
        byte[] body = new byte[length];
        got = readFully(in, body);
        if (got < length) {
            throw new EOFException("the stream ended after " + got + " of the " + length + " bytes of a body");
        }
        return body;
    }

    /** Reads until {@code buffer} is full or the stream ends; returns how many bytes it got. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int have = 0;
        while (have < buffer.length) {
            int n = in.read(buffer, have, buffer.length - have);   // may return fewer than asked: loop
            if (n == -1) {
                break;
            }
            have += n;
        }
        return have;
    }
    // end::read[]
}
