package tcplab.lab07;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Run by {@link FramingChecks} in a child JVM whose default charset is US-ASCII: starts the learner's server, sends
 * it {@link FramingChecks#UTF8_REQUESTS} as raw UTF-8 messages (built here, not by the learner's codec) and prints
 * each reply as it came off the wire, in hex, one line per reply ({@code EOF} if the server closed instead).
 */
public final class Utf8Probe07 {

    private Utf8Probe07() {}

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        try (var server = StoreServer.start("127.0.0.1", 0, Duration.ofSeconds(10), System.err);
             var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            var in = new DataInputStream(socket.getInputStream());
            for (String request : FramingChecks.UTF8_REQUESTS) {
                byte[] body = request.getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body)
                        .array());
                try {
                    byte[] prefix = new byte[4];
                    in.readFully(prefix);
                    int length = ByteBuffer.wrap(prefix).getInt();
                    byte[] reply = new byte[Math.max(0, Math.min(length, 1024))];
                    in.readFully(reply);
                    out.println(HexFormat.of().formatHex(prefix) + HexFormat.of().formatHex(reply));
                } catch (EOFException e) {
                    out.println("EOF");
                    return;
                }
            }
        }
    }
}
