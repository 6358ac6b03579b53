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
}
