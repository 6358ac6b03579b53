package tcplab.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

class InspectorTest {

    @Test
    void kernel_addresses_are_read_in_the_kernels_byte_order() {
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), Inspector.address("0100007F:1F90"));
        InetSocketAddress v6 = Inspector.address("0000000000000000FFFF00000100007F:0050");
        assertEquals("127.0.0.1", v6.getAddress().getHostAddress());
        assertEquals(80, v6.getPort());
    }

    @Test
    void a_listening_channel_is_found_with_its_descriptor_and_state() throws Exception {
        assumeTrue(Inspector.available(), Inspector.unavailableReason());
        // JDK 25 opens a helper socket of its own with the first channel (JDK 17 at the first close): let it.
        ServerSocketChannel.open().close();
        var before = Inspector.descriptors();
        try (var server = ServerSocketChannel.open()) {
            assertEquals(1, Inspector.openedSince(before).size(), "one new socket descriptor");
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            String line = Inspector.describe(server);
            assertTrue(line.matches("fd \\d+: tcp6? .*:" + port + " → .* LISTEN"), line);
            assertEquals(java.util.List.of("LISTEN"), Inspector.tcpStatesAt(port));
        }
    }

    @Test
    void both_ends_of_a_loopback_connection_are_found_by_their_ports() throws Exception {
        assumeTrue(Inspector.available(), Inspector.unavailableReason());
        try (var listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             var client = new java.net.Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             var accepted = listener.accept()) {
            int server = listener.getLocalPort();
            int kit = client.getLocalPort();
            var serverSide = Inspector.tcpRowsBetween(server, kit);
            assertEquals(1, serverSide.size(), serverSide.toString());
            assertEquals("ESTABLISHED", serverSide.get(0).state());
            assertEquals(kit, serverSide.get(0).remote().getPort());
            assertEquals(java.util.List.of("ESTABLISHED"), Inspector.tcpRowsBetween(kit, server).stream()
                    .map(Inspector.Row::state).toList());
            assertEquals(3, Inspector.tcpRowsFor(server).size(), "the listener and both ends");
            assertEquals(3, Inspector.ownTcp().stream().filter(r -> r.local().getPort() == server
                    || r.remote().getPort() == server).count(), "all three are this process's");
            assertEquals(java.util.List.of(), Inspector.tcpRowsBetween(server, server));
        }
    }
}
