package io.plugboard.host.internal.text;

/**
 * How the host shows a user's or a plugin's text (a file name, a URL, a Go panic) on a terminal
 * or in {@code plugboard.log}: control characters written as Java escapes, so that no text can
 * send the terminal an escape sequence or forge a line.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /**
     * The escape for one character: {@code \n} and {@code \r} for line breaks, {@code \}{@code uXXXX}
     * for other control characters (Unicode's, and the line and paragraph separators); null for
     * any other character, which stays as it is. Tabs are control characters too: callers that
     * keep them say so.
     */
    public static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c)
                    : null;
        };
    }

    /**
     * The text with every control character escaped, line feeds and tabs too: for one value (a
     * name, a version, a path) shown within a line, which must neither break it nor shift a column.
     */
    public static String escaped(String text) {
        return escaped(text, false);
    }

    /**
     * The text with every control character but line feeds and tabs escaped: for a message whose
     * own line breaks mean something (a handler's "last stderr lines"), built from parts that may
     * hold anything.
     */
    public static String escapedKeepingLines(String text) {
        return escaped(text, true);
    }

    /** The text escaped; the same string when it has nothing to escape. */
    private static String escaped(String text, boolean keepingLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = keepingLines && (c == '\n' || c == '\t') ? null : escape(c);
            if (escape != null) {
                out.append(escape);
            } else {
                out.append(c);
            }
        }
        // Every escape is longer than its character: the same length means nothing was escaped.
        return out.length() == text.length() ? text : out.toString();
    }
}
