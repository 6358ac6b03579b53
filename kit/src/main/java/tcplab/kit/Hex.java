package tcplab.kit;

/** The classic hex dump: offset, sixteen bytes in hex, the same bytes as text. */
public final class Hex {

    private Hex() {}

    /**
     * Dumps bytes sixteen to a line. Runs of identical all-zero lines are folded into one line, because a
     * 128-byte frame is mostly NUL padding and the learner needs to see where the text ends, not 100 zeros.
     */
    public static String dump(byte[] bytes, String indent) {
        var sb = new StringBuilder();
        int folded = 0;
        for (int row = 0; row < bytes.length; row += 16) {
            int end = Math.min(row + 16, bytes.length);
            if (row > 0 && allZero(bytes, row, end) && allZero(bytes, row - 16, row)) {
                folded += end - row;
                continue;
            }
            if (folded > 0) {
                sb.append(indent).append("…     ").append(folded).append(" more zero bytes\n");
                folded = 0;
            }
            sb.append(indent).append(String.format("%04x  ", row));
            for (int i = row; i < row + 16; i++) {
                sb.append(i < end ? String.format("%02x ", bytes[i] & 0xff) : "   ");
                if (i == row + 7) {
                    sb.append(' ');
                }
            }
            sb.append(" |");
            for (int i = row; i < end; i++) {
                int b = bytes[i] & 0xff;
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            sb.append("|\n");
        }
        if (folded > 0) {
            sb.append(indent).append("…     ").append(folded).append(" more zero bytes\n");
        }
        return sb.toString();
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
