package tcplab.lab11;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import tcplab.kit.TestCertificates;
import tcplab.kit.TestCertificates.Kind;
import tcplab.kit.Transcript;

/** The kit's TLS peers: a server for the learner's client, a client for the learner's server, and a relay. */
final class KitTls {

    static final String HOST = "127.0.0.1";

    private KitTls() {}

    /** What happened to one connection at the kit's TLS server. */
    record Served(List<String> texts, boolean clientClosed, IOException failure) {}

    /** What the kit's TLS server does with a frame. */
    enum Mode {
        /** Answers it with {@link Frames#reply}. */
        ANSWER,
        /** Reads it and says nothing. */
        SILENT,
        /** Reads it and closes the connection without an answer. */
        HANG_UP
    }

    /**
     * The kit's TLS server with a certificate of {@code kind}: it treats every frame as {@code mode} says, one
     * connection at a time, and reports each connection's end in {@link #served}.
     */
    static final class Server implements AutoCloseable {
        private final SSLServerSocket listener;
        private final Mode mode;
        private final Thread thread;
        private final Transcript wire;
        private final List<Socket> open = new ArrayList<>();
        final BlockingQueue<Served> served = new LinkedBlockingQueue<>();

        Server(Kind kind, Mode mode, Transcript wire) throws IOException {
            this.listener = (SSLServerSocket) TestCertificates.get().serverContext(kind).getServerSocketFactory()
                    .createServerSocket(0, 10, java.net.InetAddress.getByName(HOST));
            this.mode = mode;
            this.wire = wire;
            this.thread = new Thread(this::serve, "kit-tls-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve() {
            while (true) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    return;
                }
                synchronized (open) {
                    open.add(client);
                }
                var texts = new ArrayList<String>();
                try (client) {
                    client.setSoTimeout(30_000);
                    String text;
                    while ((text = Frames.read(client.getInputStream())) != null) {
                        texts.add(text);
                        wire.event("the kit's TLS server read the frame " + Transcript.quote(text));
                        if (mode == Mode.ANSWER) {
                            Frames.write(client.getOutputStream(), Frames.reply(text));
                        } else if (mode == Mode.HANG_UP) {
                            wire.event("the kit's TLS server closes the connection without an answer");
                            break;
                        }
                    }
                    if (mode != Mode.HANG_UP) {
                        wire.event("your client closed the connection");
                    }
                    served.add(new Served(texts, true, null));
                } catch (IOException e) {
                    wire.event("the kit's TLS server: " + e);
                    served.add(new Served(texts, false, e));
                }
            }
        }

        /** How the next connection ended, waiting up to {@code limit}; null if it did not end by then. */
        Served next(Duration limit) throws InterruptedException {
            return served.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** A TLS client that trusts the test CA and checks the server's name, connected to {@code HOST:port}. */
    static SSLSocket connect(int port, Duration timeout) throws IOException {
        var socket = (SSLSocket) TestCertificates.get().clientContext().getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.connect(new InetSocketAddress(HOST, port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        return socket;
    }

    /**
     * A relay on loopback that forwards one connection to {@code HOST:target} and keeps every byte that passes,
     * each way.
     */
    static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 10, java.net.InetAddress.getByName(HOST));
        private final int target;
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        private final List<Socket> sockets = new ArrayList<>();

        Relay(int target) throws IOException {
            this.target = target;
            Thread t = new Thread(this::relay, "kit-relay");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void relay() {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(HOST, target);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client, server, toServer);
                pump(server, client, toClient);
            } catch (IOException e) {
                // closed: the check is over
            }
        }

        private static void pump(Socket from, Socket to, ByteArrayOutputStream record) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) != -1) {
                        synchronized (record) {
                            record.write(buffer, 0, n);
                        }
                        out.write(buffer, 0, n);
                    }
                    to.shutdownOutput();
                } catch (IOException e) {
                    // one side went away: the other pump notices too
                }
            }, "kit-relay-pump");
            t.setDaemon(true);
            t.start();
        }

        byte[] bytes(ByteArrayOutputStream record) {
            synchronized (record) {
                return record.toByteArray();
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /** The TLS records in {@code bytes}, as "type length" pairs; null if the bytes are not a run of records. */
    static List<int[]> records(byte[] bytes) {
        var records = new ArrayList<int[]>();
        int at = 0;
        while (at + 5 <= bytes.length) {
            int type = bytes[at] & 0xFF;
            int major = bytes[at + 1] & 0xFF;
            int length = ((bytes[at + 3] & 0xFF) << 8) | (bytes[at + 4] & 0xFF);
            if (type < 20 || type > 23 || major != 3) {
                return null;
            }
            records.add(new int[] {type, length});
            at += 5 + length;
        }
        return records;
    }

    /** Whether {@code bytes} hold {@code text}'s UTF-8 bytes anywhere. */
    static boolean contains(byte[] bytes, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
