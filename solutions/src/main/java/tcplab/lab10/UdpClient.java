package tcplab.lab10;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Lab 10, the reference: a request/response client over UDP that stays correct on a lossy network. */
public final class UdpClient implements AutoCloseable {

    /** The largest datagram of this protocol, either way: a 4-byte id and at most 508 bytes of UTF-8 text. */
    public static final int MAX_DATAGRAM = 512;

    /** How long {@link #main}'s first attempt waits for its reply. */
    static final Duration TIMEOUT = Duration.ofMillis(500);

    /** How many datagrams {@link #main} sends for one request before it gives up. */
    static final int ATTEMPTS = 5;

    private final DatagramSocket socket;
    private final Duration timeout;
    private final int attempts;
    private int nextId = 1;

    public UdpClient(InetSocketAddress server, Duration timeout, int attempts) throws IOException {
        this.timeout = timeout;
        this.attempts = attempts;
        socket = new DatagramSocket();
        // Connected: the kernel drops datagrams from anyone but the server, and reports its "port unreachable".
        socket.connect(server);
    }

    // tag::ask[]
    public String ask(String text) throws IOException {
        byte[] bytes = text.getBytes(UTF_8);
        if (bytes.length > MAX_DATAGRAM - 4) {
            throw new IllegalArgumentException(bytes.length + " bytes of text do not fit in a datagram (at most "
                    + (MAX_DATAGRAM - 4) + ")");
        }
        int id = nextId++;
        byte[] request = ByteBuffer.allocate(4 + bytes.length).putInt(id).put(bytes).array();
        long wait = timeout.toMillis();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
            String answer = awaitReply(id, wait);
            if (answer != null) {
                return answer;
            }
            wait *= 2; // backoff: each attempt waits twice as long as the one before
        }
        throw new SocketTimeoutException("no reply after " + attempts + " attempts");
    }

    /** The answer to request {@code id}, or null when {@code wait} ms pass first; other ids are dropped. */
    private String awaitReply(int id, long wait) throws IOException {
        long deadline = System.nanoTime() + wait * 1_000_000;
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (true) {
            // What is left of this attempt's wait (at least 1 ms: 0 would mean "no limit").
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            var reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (reply.getLength() >= 4 && ByteBuffer.wrap(buffer).getInt() == id) {
                return new String(buffer, 4, reply.getLength() - 4, UTF_8);
            }
            // a late reply to an earlier request, a duplicate, a datagram too short for an id: not ours, keep
            // waiting until the same deadline
        }
    }
    // end::ask[]

    @Override
    public void close() {
        socket.close();
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, true, UTF_8);
        var err = new PrintStream(System.err, true, UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, in, out, err, TIMEOUT, ATTEMPTS);
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Duration timeout,
            int attempts) throws Exception {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(args[0]);
        } catch (UnknownHostException e) {
            err.println("UdpClient: \"" + args[0] + "\" is not an IP address. " + USAGE);
            return 2;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            err.println("UdpClient: \"" + args[1] + "\" is not a port number from 1 to 65535. " + USAGE);
            return 2;
        }
        String server = ip.getHostAddress() + ":" + port;
        var lines = new BufferedReader(new InputStreamReader(in, UTF_8));
        try (var client = new UdpClient(new InetSocketAddress(ip, port), timeout, attempts)) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println(client.ask(line));
            }
        } catch (PortUnreachableException e) {
            err.println("UdpClient: " + server + ": port unreachable (nothing listens there)");
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("UdpClient: " + server + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static final String USAGE = "Usage: UdpClient <ip> <port>";
}
