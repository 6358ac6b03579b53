package tcplab.kit.i18n;

/**
 * How wide text is in a terminal, and text folded to a width. A Chinese character takes two columns (East Asian
 * Wide and Fullwidth, Unicode UAX #11), a Latin letter one; and Chinese has no spaces between words, so a line may
 * break between any two Chinese characters, but never inside a Latin word or before closing punctuation.
 */
public final class TextWidth {

    private TextWidth() {}

    /** Columns {@code text} takes in a terminal. */
    public static int of(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            width += columns(cp);
            i += Character.charCount(cp);
        }
        return width;
    }

    /** {@code text} and enough spaces after it to fill {@code width} columns. */
    public static String padRight(String text, int width) {
        return text + " ".repeat(Math.max(0, width - of(text)));
    }

    /**
     * {@code text} folded to lines of at most {@code width} columns (a single word longer than that keeps its own
     * line), each line after the first starting with {@code indent}; {@code firstColumn} is where the first line
     * starts. Runs of spaces become one space; a break between two Chinese characters adds no space.
     */
    public static String wrap(String text, int width, String indent, int firstColumn) {
        var sb = new StringBuilder();
        int column = firstColumn;
        boolean lineStart = true;
        String[] words = text.strip().split("\\s+");
        for (String word : words) {
            if (word.isEmpty()) {
                continue;
            }
            // A word is cut into pieces that may each start a line: every Chinese character is one.
            int start = 0;
            boolean first = true;
            for (int i = 0; i <= word.length(); ) {
                boolean end = i == word.length();
                int cp = end ? 0 : word.codePointAt(i);
                int next = end ? i : i + Character.charCount(cp);
                // A break may follow a Chinese character, or come before one, but never right after an opening
                // bracket or right before closing punctuation.
                boolean breakAfter = end || (next < word.length() && !opening(cp) && !closing(word.codePointAt(next))
                        && (wide(cp) || wide(word.codePointAt(next))));
                if (breakAfter) {
                    String piece = word.substring(start, next);
                    int pieceWidth = of(piece);
                    int gap = first && !lineStart ? 1 : 0;
                    if (!lineStart && column + gap + pieceWidth > width) {
                        sb.append('\n').append(indent);
                        column = of(indent);
                        gap = 0;
                    }
                    if (gap == 1) {
                        sb.append(' ');
                    }
                    sb.append(piece);
                    column += gap + pieceWidth;
                    lineStart = false;
                    first = false;
                    start = next;
                }
                if (end) {
                    break;
                }
                i = next;
            }
        }
        return sb.toString();
    }

    private static int columns(int cp) {
        if (Character.getType(cp) == Character.NON_SPACING_MARK || cp == 0x200B) {
            return 0;
        }
        return wide(cp) ? 2 : 1;
    }

    /** East Asian Wide or Fullwidth: CJK ideographs, kana, Hangul, full-width forms and CJK punctuation. */
    static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    }

    /** Punctuation that must not start a line: 。，、；：？！）」』》 and their kind. */
    private static boolean closing(int cp) {
        return "。，、；：？！）」』》】〉”’.,;:?!)]}".indexOf(cp) >= 0;
    }

    /** Punctuation that must not end a line: （「『《【〈“‘. */
    private static boolean opening(int cp) {
        return "（「『《【〈“‘([{".indexOf(cp) >= 0;
    }
}
