package tcplab.lab01;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lab 01, reference solution: prove with real sockets that TCP carries a stream of bytes while UDP carries whole datagrams.
 *
 * <p>Write the four methods below, in order; {@code ./tcplab check 01} grades them one stage at a time. The
 * sections named in brackets are in {@code lessons/01-tcp-basics/lesson.adoc}.
 * <ol>
 *   <li>{@link #openLoopback}: both call flows of the lesson in one method — a listening server socket and a client
 *       that connects to it ["The server's call flow", "The client's call flow"].</li>
 *   <li>{@link #readSizes}: read until the end of the stream and write down how many bytes each read returned
 *       ["A stream of bytes, not of messages"].</li>
 *   <li>{@link #readFully}: collect exactly {@code n} bytes however they are cut up on the way
 *       ["Reading exactly n bytes"].</li>
 *   <li>{@link #receiveDatagrams}: receive UDP datagrams, each one whole ["A datagram keeps its edges"].</li>
 * </ol>
 * When they work, {@code ./tcplab run 01} runs {@link BoundaryDemo} (given, in {@code labs/src/given/java}), which
 * uses them to show the difference.
 */
public final class StreamVersusDatagram {

    private StreamVersusDatagram() {}

    /** Both ends of one TCP connection inside this process: the socket that connected, and the one accept() gave. */
    public record Connection(Socket client, Socket server) implements Closeable {
        @Override
        public void close() throws IOException {
            try (client; server) {
                // try-with-resources closes both, even if closing the first one throws
            }
        }
    }

    /**
     * Opens a TCP connection from this process to itself over loopback.
     *
     * <p>Server side: a {@link java.net.ServerSocket} bound to 127.0.0.1 at port 0 (the system picks a free port).
     * Client side: a {@link Socket} that connects to that address and port. Then accept the connection, close the
     * listening socket (the connection lives on without it), and return both connected ends.
     *
     * @param timeout how long connect and accept may each wait before giving up with a SocketTimeoutException.
     *     In the right order neither waits: the timeout is there so that a mistake (accept before connect) ends
     *     with an exception instead of a program that hangs.
     */
    public static Connection openLoopback(Duration timeout) throws IOException {
        int millis = (int) timeout.toMillis();
        try (var listener = new ServerSocket()) {
            // bind(address, backlog) is C's bind() and listen() in one call.
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            listener.setSoTimeout(millis);
            var client = new Socket();
            try {
                // The handshake completes in the kernel, into the listener's queue, before accept() is called.
                client.connect(listener.getLocalSocketAddress(), millis);
                Socket server = listener.accept();
                return new Connection(client, server);
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }

    /**
     * Reads {@code in} until the end of the stream with a buffer of {@code bufferSize} bytes and returns how many
     * bytes each read returned, in order. The final read that reports the end of the stream is not counted.
     */
    public static List<Integer> readSizes(InputStream in, int bufferSize) throws IOException {
        byte[] buffer = new byte[bufferSize];
        var sizes = new ArrayList<Integer>();
        int n;
        while ((n = in.read(buffer)) != -1) {
            sizes.add(n);
        }
        return sizes;
    }

    /**
     * Returns exactly the next {@code n} bytes of {@code in}, however many reads it takes to gather them, and not
     * one byte more (the bytes after them belong to whoever reads next).
     *
     * @throws EOFException if the stream ends before {@code n} bytes have come
     */
    public static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] message = new byte[n];
        int have = 0;
        while (have < n) {
            int got = in.read(message, have, n - have);
            if (got == -1) {
                throw new EOFException("the stream ended after " + have + " of " + n + " bytes");
            }
            have += got;
        }
        return message;
    }

    /**
     * Receives {@code count} datagrams on {@code socket} and returns each one's bytes, exactly as long as the
     * datagram that was sent (an empty datagram gives an empty array).
     *
     * @param timeout how long to wait for each datagram, counted from the moment this method asks for it
     * @throws java.net.SocketTimeoutException if a datagram has not come within {@code timeout}
     */
    public static List<byte[]> receiveDatagrams(DatagramSocket socket, int count, Duration timeout)
            throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        // A datagram that does not fit the buffer is cut short without a word: make room for the largest one.
        byte[] buffer = new byte[65_535];
        var packet = new DatagramPacket(buffer, buffer.length);
        var datagrams = new ArrayList<byte[]>();
        for (int i = 0; i < count; i++) {
            socket.receive(packet);
            datagrams.add(Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength()));
        }
        return datagrams;
    }
}
