package io.plugboard.goplugin.internal;

/**
 * A user's text (a descriptor's key or value, a file name) made safe for an error message: a
 * control character would garble the terminal, and a line break would forge a line of
 * {@code plugboard.log}, so both are written as Java escapes; a very long text is cut.
 */
final class Quoted {

    /** More than a path or a value needs to be recognised; a 64 KiB value would bury the message. */
    static final int MAX_CHARS = 200;

    private Quoted() {
    }

    /** The text in double quotes, escaped as {@link #escaped}. */
    static String of(String text) {
        return '"' + escaped(text) + '"';
    }

    /**
     * The text with line breaks, tabs and other control characters (Unicode's, and the line and
     * paragraph separators) written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX};
     * a text over {@value #MAX_CHARS} characters is cut there and says how long it was.
     */
    static String escaped(String text) {
        boolean cut = text.length() > MAX_CHARS;
        String shown = cut ? text.substring(0, MAX_CHARS) : text;
        StringBuilder out = new StringBuilder(shown.length() + 16);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            String escape = escape(c);
            if (escape != null) {
                out.append(escape);
            } else {
                out.append(c);
            }
        }
        return cut ? out + "... (" + text.length() + " characters)" : out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c)
                    : null;
        };
    }
}
