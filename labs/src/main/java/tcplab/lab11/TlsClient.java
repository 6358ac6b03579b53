package tcplab.lab11;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Lab 11, the client: Lab 04's exchange (one frame out, one frame back) over TLS.
 *
 * <p>Lesson 11 explains every step ("The client").
 */
public final class TlsClient {

    private TlsClient() {}

    // tag::exchange[]
    /**
     * Connects to {@code host:port} over TLS with {@code context} (it says which certificates to trust), checks
     * that the server's certificate is for {@code host} (endpoint identification "HTTPS", which an
     * {@code SSLSocket} leaves off unless asked), sends {@code text} as one frame and returns the text of the one
     * frame that comes back. The socket is closed before it returns, whatever happens. {@code timeout} bounds the
     * connect and every read (the handshake's included).
     *
     * @throws javax.net.ssl.SSLHandshakeException if the server's certificate is not trusted, has expired or is
     *     for another name (an {@link IOException})
     * @throws IOException if the connection fails, times out or ends before the reply is whole
     */
    public static String exchange(String host, int port, String text, SSLContext context, Duration timeout)
            throws IOException {
        throw new UnsupportedOperationException(
                "TODO: an SSLSocket from context, endpoint identification \"HTTPS\", connect, timeout, one "
                + "frame out, one frame back, close");
    }
    // end::exchange[]
}
