package io.plugboard.host.internal.text;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import org.junit.Test;

public class ControlCharactersTest {

    @Test
    public void lineBreaksAndOtherControlCharactersHaveEscapes() {
        assertEquals("\\n", ControlCharacters.escape('\n'));
        assertEquals("\\r", ControlCharacters.escape('\r'));
        assertEquals("\\u001b", ControlCharacters.escape('\u001b'));
        assertEquals("\\u0009", ControlCharacters.escape('\t'));
        assertEquals("\\u009b", ControlCharacters.escape('\u009b'));
        assertEquals("\\u2028", ControlCharacters.escape('\u2028'));
        assertEquals("\\u2029", ControlCharacters.escape('\u2029'));
    }

    @Test
    public void otherCharactersStay() {
        for (char c : "a Z9/\\\"'é中\u00a0".toCharArray()) {
            assertNull("'" + c + "'", ControlCharacters.escape(c));
        }
    }

    @Test
    public void keepingLinesKeepsLineFeedsAndTabsOnly() {
        assertEquals("a\n\tb\\r\\u001b[2Jc\\u0000", ControlCharacters.escapedKeepingLines("a\n\tb\r\u001b[2Jc\u0000"));
    }

    @Test
    public void aValueHasEveryControlCharacterEscapedLineFeedsAndTabsToo() {
        assertEquals("a\\n\\u0009b\\r\\u001b[2Jc\\u009b", ControlCharacters.escaped("a\n\tb\r\u001b[2Jc\u009b"));
        String plain = "kv.file";
        assertSame(plain, ControlCharacters.escaped(plain));
        assertNull(ControlCharacters.escaped(null));
    }

    @Test
    public void plainTextIsReturnedAsItIs() {
        String plain = "/tmp/plugins/kv-file-1.0.0.jar does not exist";
        assertSame(plain, ControlCharacters.escapedKeepingLines(plain));
        assertNull(ControlCharacters.escapedKeepingLines(null));
    }
}
