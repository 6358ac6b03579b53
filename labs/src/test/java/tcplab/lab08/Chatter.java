package tcplab.lab08;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcplab.kit.CheckFailed;
import tcplab.kit.Transcript;

/**
 * One chat client the kit plays: it sends bytes, reads whole lines with a limit, and notes both in the shared
 * transcript under its name, so a failure shows who got what.
 */
final class Chatter implements AutoCloseable {

    /** How a read for a line ended. */
    enum Ending { LINE, CLOSED, RESET, SILENT }

    /** One read's result: a line (without its {@code \n}), or how the stream ended instead. */
    record Got(Ending ending, String line, String partial) {
        String describe() {
            return switch (ending) {
                case LINE -> "the line " + quote(line);
                case CLOSED -> "the end of stream (your server closed this client)"
                        + (partial.isEmpty() ? "" : " after " + quote(partial));
                case RESET -> "a reset (\"Connection reset\")";
                case SILENT -> "nothing" + (partial.isEmpty() ? "" : " but " + quote(partial) + " without its \\n");
            };
        }
    }

    /** A text quoted for a message, its middle left out when it is long (a line of 1024 bytes, a flood of NULs). */
    static String quote(String text) {
        return text.length() <= 80 ? Transcript.quote(text)
                : Transcript.quote(text.substring(0, 40)) + " … " + Transcript.quote(text.substring(text.length() - 20))
                        + " (" + (text.length() > 2000 ? "over 2000" : String.valueOf(text.length())) + " chars)";
    }

    final String name;
    final Socket socket;
    private final InputStream in;
    private final Transcript wire;
    /** Set from the welcome line: the number the server gave this client. */
    int id = -1;

    private Chatter(String name, Socket socket, Transcript wire) throws IOException {
        this.name = name;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.wire = wire;
    }

    /** Connects from {@code fromIp} (or anywhere, if null) with a receive buffer of {@code receiveBuffer} (0: default). */
    static Chatter connect(String name, String fromIp, int port, Transcript wire, int receiveBuffer) throws IOException {
        var socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);   // before connect: the window is agreed then
            }
            if (fromIp != null) {
                socket.bind(new InetSocketAddress(fromIp, 0));
            }
            socket.connect(new InetSocketAddress(ServerUnderCheck.HOST, port), 5000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        wire.event(name + " connected");
        return new Chatter(name, socket, wire);
    }

    static Chatter connect(String name, int port, Transcript wire) throws IOException {
        return connect(name, null, port, wire, 0);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        wire.event(name + " sent " + quote(new String(bytes, StandardCharsets.UTF_8)));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads up to the next {@code \n} for at most {@code limit}; never throws for the stream's end or a reset. */
    Got read(Duration limit) {
        return noted(readQuietly(limit));
    }

    /** {@link #read} without a note in the transcript: for floods of lines that would drown it. */
    Got readQuietly(Duration limit) {
        var line = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return (new Got(Ending.SILENT, null, utf8(line)));
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (b == -1) {
                    return (new Got(Ending.CLOSED, null, utf8(line)));
                }
                if (b == '\n') {
                    return (new Got(Ending.LINE, utf8(line), ""));
                }
                line.write(b);
            }
        } catch (IOException e) {
            return (new Got(Ending.RESET, null, utf8(line)));
        }
    }

    private Got noted(Got got) {
        wire.event(name + " got " + got.describe());
        return got;
    }

    /**
     * Reads one line and fails the check with {@code doing} and {@code next} unless it is {@code expected}. The
     * check decides how long to wait.
     */
    void expect(String expected, Duration limit, String doing, String next) {
        Got got = read(limit);
        if (got.ending() != Ending.LINE || !got.line().equals(expected)) {
            throw CheckFailed.when(doing)
                    .expected(name + " to get the line " + quote(expected) + " within "
                            + limit.toMillis() + " ms")
                    .got(name + " got " + got.describe())
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    /**
     * Like {@link #expect}, but first skips lines that announce other clients joining or leaving (numbers above
     * {@code lastKnown}), which a check's own probing connections cause.
     */
    void expectSkippingOthers(String expected, int lastKnown, Duration limit, String doing, String next) {
        Got got;
        do {
            got = read(limit);
        } while (got.ending() == Ending.LINE && got.line().matches("\\* #\\d+ (joined|left)")
                && Integer.parseInt(got.line().replaceAll("\\D", "")) > lastKnown);
        if (got.ending() != Ending.LINE || !got.line().equals(expected)) {
            throw CheckFailed.when(doing)
                    .expected(name + " to get the line " + quote(expected) + " within "
                            + limit.toMillis() + " ms")
                    .got(name + " got " + got.describe())
                    .wire(wire)
                    .next(next)
                    .build();
        }
    }

    /** Reads the welcome, {@code * you are #N}, and keeps N. */
    int welcome(Duration limit, String doing) {
        Got got = read(limit);
        if (got.ending() == Ending.LINE && got.line().matches("\\* you are #[1-9]\\d*")) {
            id = Integer.parseInt(got.line().substring("* you are #".length()));
            return id;
        }
        throw CheckFailed.when(doing)
                .expected(name + " to be welcomed with a line \"* you are #N\" (N its number, from 1) within "
                        + limit.toMillis() + " ms")
                .got(name + " got " + got.describe())
                .wire(wire)
                .next("accept(): register the new client, add it to `clients`, then send(client, "
                        + "\"* you are #N\\n\" as bytes); write(client) must then send it when its key is writable "
                        + "(send() adds OP_WRITE to the key's interest). Lesson 08, \"The lab\".")
                .build();
    }

    /** Reads whatever comes until the end of stream or a reset; how it ended, or SILENT after the limit. */
    Ending drainToEnd(Duration limit) {
        byte[] buf = new byte[64 * 1024];
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Ending.SILENT;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    if (in.read(buf) == -1) {
                        return Ending.CLOSED;
                    }
                } catch (SocketTimeoutException e) {
                    // look at the clock again
                }
            }
        } catch (IOException e) {
            return Ending.RESET;
        }
    }

    /** Closes with a reset: SO_LINGER 0. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
        wire.event(name + " reset its connection (SO_LINGER 0)");
    }

    private static String utf8(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Cleaning up after a check.
        }
    }
}
