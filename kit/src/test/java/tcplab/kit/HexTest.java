package tcplab.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void a_frame_shows_its_text_and_folds_the_zero_padding() {
        String dump = Hex.dump(Frame.of("hello"), "");
        assertTrue(dump.startsWith("0000  68 65 6c 6c 6f 00"), dump);
        assertTrue(dump.contains("|hello...........|"), dump);
        assertTrue(dump.contains("96 more zero bytes"), dump);
        assertEquals(3, dump.lines().count(), dump);
    }

    @Test
    void a_transcript_names_who_sent_what() {
        var t = new Transcript();
        t.kitSent(new byte[] {'h', 'i'}, 0, 2);
        t.event("kit closed the connection");
        String text = t.render();
        assertTrue(text.contains("kit → your code  2 bytes"), text);
        assertTrue(text.contains("-- kit closed the connection"), text);
    }

    @Test
    void frames_hold_127_bytes_of_text_at_most() {
        assertEquals(128, Frame.of("a".repeat(127)).length);
        assertEquals("你好", Frame.text(Frame.of("你好")));
        try {
            Frame.of("a".repeat(128));
            throw new AssertionError("a 128-byte text was framed");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("127"));
        }
    }
}
