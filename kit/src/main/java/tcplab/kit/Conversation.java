package tcplab.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The kit's end of one TCP connection with the learner's code. Every byte in either direction, and every close,
 * is written to the transcript, so a failed check can show the learner exactly what happened.
 */
public final class Conversation implements AutoCloseable {

    /** How a read ended: with all the bytes asked for, at the peer's close, or when time ran out. */
    public enum Ending { COMPLETE, CLOSED, TIMED_OUT, RESET }

    /** Bytes read from the learner's code and how the reading ended. */
    public record Received(byte[] bytes, Ending ending) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final Transcript wire;
    private final InputStream in;
    private final OutputStream out;

    public Conversation(Socket socket, Transcript wire) throws IOException {
        this.socket = socket;
        this.wire = wire;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public Transcript wire() {
        return wire;
    }

    /** Sends {@code bytes} in one write. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        wire.kitSent(bytes, 0, bytes.length);
    }

    /** Sends {@code bytes} a few at a time with pauses, so the learner's reads see them arrive in pieces. */
    public void sendInPieces(byte[] bytes, int pieceSize, Duration pause) throws IOException {
        socket.setTcpNoDelay(true);
        for (int i = 0; i < bytes.length; i += pieceSize) {
            int n = Math.min(pieceSize, bytes.length - i);
            out.write(bytes, i, n);
            out.flush();
            wire.kitSent(bytes, i, n);
            sleep(pause);
        }
    }

    /**
     * Reads until exactly {@code count} bytes have come, the learner's side closes, or {@code limit} passes.
     * Never throws for those three: the check decides what each means.
     */
    public Received read(int count, Duration limit) throws IOException {
        byte[] buf = new byte[count];
        int have = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        Ending ending = Ending.COMPLETE;
        while (have < count) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (deadline - System.nanoTime() <= 0) {
                ending = Ending.TIMED_OUT;
                break;
            }
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int n;
            try {
                n = in.read(buf, have, count - have);
            } catch (SocketTimeoutException e) {
                ending = Ending.TIMED_OUT;
                break;
            } catch (IOException e) {
                if (isReset(e)) {
                    ending = Ending.RESET;
                    break;
                }
                throw e;
            }
            if (n == -1) {
                ending = Ending.CLOSED;
                break;
            }
            wire.kitReceived(buf, have, n);
            have += n;
        }
        switch (ending) {
            case CLOSED -> wire.event("your code closed its side (the kit read end of stream)");
            case TIMED_OUT -> wire.event("nothing more came for " + LabCode.seconds(limit));
            case RESET -> wire.event("your code reset the connection");
            default -> { }
        }
        return new Received(Arrays.copyOf(buf, have), ending);
    }

    /** Reads everything until the learner's side closes or {@code limit} passes. */
    public Received readToEnd(Duration limit) throws IOException {
        var all = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            Received r = read(4096, left);
            all.writeBytes(r.bytes());
            if (r.ending() != Ending.COMPLETE) {
                return new Received(all.toByteArray(), r.ending());
            }
        }
    }

    /** Ends the kit's sending side (FIN) but keeps reading: a half-close. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
        wire.event("kit shut down its output (FIN sent, still reading)");
    }

    /** Aborts the connection: SO_LINGER 0 makes close send RST instead of FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
        wire.event("kit reset the connection (RST)");
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            Sockets.closeAll(socket);
            wire.event("kit closed the connection");
        }
    }

    static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("reset") || m.contains("Broken pipe");
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
