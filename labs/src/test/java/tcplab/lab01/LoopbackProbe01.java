package tcplab.lab01;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Run by check 8 in a child JVM whose host name resolves to 127.0.1.1: calls the learner's openLoopback and prints
 * where its two ends are, {@code client <local> <remote> server <local> <remote>}, on one line (exit 0), or what it
 * threw on standard error (exit 1).
 */
final class LoopbackProbe01 {

    private LoopbackProbe01() {}

    /** An address as numbers and its port, {@code 127.0.0.1:40000}, without the name it may have been given. */
    private static String at(InetAddress address, int port) {
        return (address == null ? "null" : address.getHostAddress()) + ":" + port;
    }

    public static void main(String[] args) {
        try (var connection = StreamVersusDatagram.openLoopback(Duration.ofSeconds(1))) {
            Socket client = connection.client();
            Socket server = connection.server();
            System.out.println("client " + at(client.getLocalAddress(), client.getLocalPort()) + " "
                    + at(client.getInetAddress(), client.getPort()) + " server "
                    + at(server.getLocalAddress(), server.getLocalPort()) + " "
                    + at(server.getInetAddress(), server.getPort()));
        } catch (Throwable t) {
            System.err.println(t);
            StackTraceElement[] stack = t.getStackTrace();
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals(StreamVersusDatagram.class.getName())) {
                    System.err.println("at " + frame);
                    break;
                }
            }
            System.exit(1);
        }
    }
}
