package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.Test;

public class ShellWordsTest {

    @Test
    public void splitsLikeAShell() {
        assertEquals(List.of(), ShellWords.split("   "));
        assertEquals(List.of("a", "b"), ShellWords.split("  a \t b  "));
        assertEquals(List.of("a b", "c"), ShellWords.split("'a b' c"));
        assertEquals(List.of("x\"y", "back\\slash", "$HOME"), ShellWords.split("\"x\\\"y\" \"back\\\\slash\" '$HOME'"));
        assertEquals(List.of("it's"), ShellWords.split("it\\'s"));
        assertEquals(List.of("", "ab"), ShellWords.split("'' a'b'"));
        assertEquals(List.of("keep\\n"), ShellWords.split("\"keep\\n\""));
    }

    @Test
    public void badQuotingIsNamed() {
        assertEquals("single quote at position 3 is not closed",
                assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a 'b")).getMessage());
        assertEquals("double quote at position 1 is not closed",
                assertThrows(IllegalArgumentException.class, () -> ShellWords.split("\"b\\\"")).getMessage());
        assertEquals("backslash at the end escapes nothing",
                assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a\\")).getMessage());
    }

    @Test
    public void joinQuotesOnlyWhereNeededAndSplitsBack() {
        List<String> words = List.of("/usr/bin/kv", "--dir=/tmp/x", "two words", "", "it's");
        String line = ShellWords.join(words);
        assertEquals("/usr/bin/kv --dir=/tmp/x 'two words' '' 'it'\\''s'", line);
        assertEquals(words, ShellWords.split(line));
    }
}
