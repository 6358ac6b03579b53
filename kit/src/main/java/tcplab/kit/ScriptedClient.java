package tcplab.kit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A client the kit controls, for checking a learner's server. */
public final class ScriptedClient {

    private ScriptedClient() {}

    /** Connects to the learner's server; a refused connection fails the check with a plain message. */
    public static Conversation connect(String host, int port, Transcript wire, Duration limit) {
        return connectFrom(null, host, port, wire, limit);
    }

    /**
     * Like {@link #connect}, from {@code localIp} (port 0), so that the client's end of the connection has another
     * address than the server's (see {@link Sockets#loopbackAlias}); {@code null}: whatever the kernel picks.
     */
    public static Conversation connectFrom(String localIp, String host, int port, Transcript wire, Duration limit) {
        var socket = new Socket();
        String from = localIp == null ? "" : " from " + localIp;
        try {
            if (localIp != null) {
                socket.bind(new InetSocketAddress(localIp, 0));
            }
            socket.connect(new InetSocketAddress(host, port), (int) limit.toMillis());
            wire.event("kit connected to " + host + ":" + port + from + (localIp == null ? " from" : "") + " port "
                    + socket.getLocalPort());
            return new Conversation(socket, wire);
        } catch (IOException e) {
            Sockets.closeAll(socket);
            throw CheckFailed.when("connected to " + host + ":" + port + from)
                    .expected("your server to accept the connection")
                    .got(e.getMessage())
                    .wire(wire)
                    .next("is your server listening on that address and port yet? Did it close its listener early?")
                    .build();
        }
    }
}
