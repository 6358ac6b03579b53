package tcplab.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The seam a check uses to grade, on Linux, what a lab does where the inspector cannot look. */
class InspectorPretendingTest {

    @Test
    void pretending_hides_the_kernel_from_this_thread_and_the_threads_it_starts() throws Exception {
        assumeTrue(Inspector.available(), Inspector.unavailableReason());
        try (var server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            boolean[] seenInside = Inspector.pretendingUnavailable(() -> {
                var started = new CompletableFuture<Boolean>();
                new Thread(() -> started.complete(Inspector.available())).start();
                return new boolean[] {Inspector.available(), started.get(), Inspector.descriptors().isEmpty(),
                        Inspector.tcpStatesAt(port).isEmpty()};
            });
            assertFalse(seenInside[0], "available() on the pretending thread");
            assertFalse(seenInside[1], "available() on a thread it started");
            assertTrue(seenInside[2], "no descriptors while pretending");
            assertTrue(seenInside[3], "no rows while pretending");
            assertTrue(Inspector.available(), "available() again once the call returned");
            assertEquals(java.util.List.of("LISTEN"), Inspector.tcpStatesAt(port));
        }
    }
}
