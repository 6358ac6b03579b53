package tcplab.lab07;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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
        throw new UnsupportedOperationException(
                "TODO: refuse a body above MAX; the length (4 bytes, big-endian) and the body in one write; flush");
    }
    // end::write[]

    // tag::read[]
    /**
     * Reads one whole message, however its bytes arrive (one byte per {@code read}, or two messages in one), and
     * returns its body.
     *
     * @return the body (empty for a length of 0), or {@code null} if the stream ended cleanly before the first byte
     *     of a length: the peer's polite goodbye between two messages
     * @throws java.io.EOFException if the stream ends inside the 4 bytes of a length or inside a body
     * @throws java.net.ProtocolException if the length is below 0 or above {@link #MAX}; not a byte past the length
     *     has been read then (its message says what the length was)
     */
    public static byte[] read(InputStream in) throws IOException {
        throw new UnsupportedOperationException(
                "TODO: read exactly 4 bytes (none: null), check the length, read exactly that many bytes");
    }
    // end::read[]
}
