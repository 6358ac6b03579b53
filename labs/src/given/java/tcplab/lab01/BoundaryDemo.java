package tcplab.lab01;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./tcplab run 01}: sends the same words over TCP and over UDP and prints how they came out. It is written
 * for you; it calls your {@link StreamVersusDatagram}, so it only works once your methods do.
 */
public final class BoundaryDemo {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> WORDS = List.of("Hello, ", "byte ", "stream!");

    private BoundaryDemo() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length > 0) {
            err.println("Usage: ./tcplab run 01   (no arguments: it talks to itself over loopback)");
            return 2;
        }
        try {
            severalWritesThenRead(out, 1024);
            oneWriteThenRead(out, 5);
            readTheWordsBack(out);
            datagrams(out);
            return 0;
        } catch (UnsupportedOperationException todo) {
            err.println("Not written yet: " + todo.getMessage());
            err.println("Open labs/src/main/java/tcplab/lab01/StreamVersusDatagram.java, then ./tcplab check 01");
            return 1;
        }
    }

    /** Three writes, all waiting in the receive buffer before the first read. */
    private static void severalWritesThenRead(PrintStream out, int bufferSize) throws IOException {
        try (var connection = StreamVersusDatagram.openLoopback(TIMEOUT)) {
            out.println("TCP, a fresh loopback connection per line (the first: "
                    + text(connection.client().getLocalSocketAddress()) + " -> "
                    + text(connection.client().getRemoteSocketAddress()) + "):");
            OutputStream toServer = connection.client().getOutputStream();
            for (String word : WORDS) {
                toServer.write(bytes(word));
            }
            connection.client().shutdownOutput();
            waitUntilBuffered(connection.server().getInputStream(), total(WORDS));
            List<Integer> reads = StreamVersusDatagram.readSizes(connection.server().getInputStream(), bufferSize);
            out.println("  " + WORDS.size() + " writes of " + sizes(WORDS) + " bytes came out as reads of "
                    + reads + " (buffer: " + bufferSize + " bytes)");
        }
    }

    /** One write, read through a buffer smaller than it. */
    private static void oneWriteThenRead(PrintStream out, int bufferSize) throws IOException {
        try (var connection = StreamVersusDatagram.openLoopback(TIMEOUT)) {
            String all = String.join("", WORDS);
            connection.client().getOutputStream().write(bytes(all));
            connection.client().shutdownOutput();
            waitUntilBuffered(connection.server().getInputStream(), bytes(all).length);
            List<Integer> reads = StreamVersusDatagram.readSizes(connection.server().getInputStream(), bufferSize);
            out.println("  1 write of " + List.of(bytes(all).length) + " bytes came out as reads of " + reads
                    + " (buffer: " + bufferSize + " bytes)");
        }
    }

    /** The edges between the words come back only because the reader knows how long each word is. */
    private static void readTheWordsBack(PrintStream out) throws IOException {
        try (var connection = StreamVersusDatagram.openLoopback(TIMEOUT)) {
            connection.client().getOutputStream().write(bytes(String.join("", WORDS)));
            connection.server().setSoTimeout((int) TIMEOUT.toMillis());
            var words = new ArrayList<String>();
            for (String word : WORDS) {
                byte[] piece = StreamVersusDatagram.readFully(connection.server().getInputStream(), bytes(word).length);
                words.add('"' + new String(piece, StandardCharsets.UTF_8) + '"');
            }
            out.println("  1 write, then readFully with the lengths " + sizes(WORDS) + " gave back " + words
                    + ": the reader knew the lengths");
        }
    }

    /** The same words as UDP datagrams: each arrives whole, on its own. */
    private static void datagrams(PrintStream out) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (var receiver = new DatagramSocket(new InetSocketAddress(loopback, 0));
             var sender = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            out.println("UDP, " + text(sender.getLocalSocketAddress()) + " -> "
                    + text(receiver.getLocalSocketAddress()) + ":");
            for (String word : WORDS) {
                byte[] b = bytes(word);
                sender.send(new DatagramPacket(b, b.length, receiver.getLocalSocketAddress()));
            }
            List<byte[]> got = StreamVersusDatagram.receiveDatagrams(receiver, WORDS.size(), TIMEOUT);
            out.println("  " + WORDS.size() + " datagrams of " + sizes(WORDS) + " bytes came out as "
                    + got.size() + " datagrams of " + got.stream().map(d -> d.length).toList() + " bytes");
            out.println("TCP kept every byte and forgot where the writes began and ended; UDP kept the edges.");
        }
    }

    /** Waits (briefly) until the kernel holds {@code count} bytes for us, so the demo does not depend on luck. */
    private static void waitUntilBuffered(InputStream in, int count) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (in.available() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String text(SocketAddress address) {
        var a = (InetSocketAddress) address;
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Integer> sizes(List<String> texts) {
        return texts.stream().map(t -> bytes(t).length).toList();
    }

    private static int total(List<String> texts) {
        return sizes(texts).stream().mapToInt(Integer::intValue).sum();
    }
}
