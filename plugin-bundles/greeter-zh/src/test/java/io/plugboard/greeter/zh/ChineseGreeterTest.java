package io.plugboard.greeter.zh;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

public class ChineseGreeterTest {

    private final RecordingLogger log = new RecordingLogger();
    private final ChineseGreeter greeter = new ChineseGreeter(log.logger());

    @Test
    public void greetsByNameWithFullWidthPunctuation() {
        // Spelled with escapes so the test does not depend on the source encoding either.
        assertEquals("\u4f60\u597d\uff0cBob\uff01", greeter.greet("Bob"));
        assertEquals("\u4f60\u597d\uff0c\u5c0f\u660e\uff01", greeter.greet("\u5c0f\u660e"));
    }

    @Test
    public void dropsSurroundingWhitespace() {
        assertEquals("\u4f60\u597d\uff0cBob\uff01", greeter.greet(" Bob \n"));
    }

    @Test
    public void rejectsNullAndBlankNames() {
        assertEquals("name must not be null",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet(null)).getMessage());
        assertEquals("name must not be blank",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet("   ")).getMessage());
    }

    @Test
    public void logsWhenActivated() {
        assertEquals(List.of("info: greeter.zh ready"), log.lines());
    }
}
