package io.plugboard.goplugin.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a descriptor value into words the way a POSIX shell does, minus expansions: blanks
 * separate words, single quotes keep everything literally, double quotes keep everything but
 * {@code \"} and {@code \\}, and a backslash outside quotes escapes the next character.
 */
final class ShellWords {

    private ShellWords() {
    }

    /**
     * Returns the words of the text.
     *
     * @throws IllegalArgumentException naming an unclosed quote or a trailing backslash
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        // A word can be empty ('' or ""), so "inside a word" is tracked apart from its length.
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("single quote at position " + (i + 1) + " is not closed");
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(text, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("backslash at the end escapes nothing");
                }
                word.append(text.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /** Appends the double-quoted part starting at the quote at {@code start}; returns the index after its closing quote. */
    private static int doubleQuoted(String text, int start, StringBuilder word) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("double quote at position " + (start + 1) + " is not closed");
    }

    /** Joins words back into one line a shell would split the same way, quoting only where needed. */
    static String join(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (!word.isEmpty() && word.chars().allMatch(ShellWords::plain)) {
                line.append(word);
            } else {
                line.append('\'').append(word.replace("'", "'\\''")).append('\'');
            }
        }
        return line.toString();
    }

    private static boolean plain(int c) {
        return Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0;
    }
}
