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
        var socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) limit.toMillis());
            wire.event("kit connected to " + host + ":" + port + " from port " + socket.getLocalPort());
            return new Conversation(socket, wire);
        } catch (IOException e) {
            Sockets.closeAll(socket);
            throw CheckFailed.when("connected to " + host + ":" + port)
                    .expected("your server to accept the connection")
                    .got(e.getMessage())
                    .wire(wire)
                    .next("is your server listening on that address and port yet? Did it close its listener early?")
                    .build();
        }
    }
}
