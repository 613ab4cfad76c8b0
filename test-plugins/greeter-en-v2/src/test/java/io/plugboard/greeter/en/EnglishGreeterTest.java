package io.plugboard.greeter.en;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

public class EnglishGreeterTest {

    private final RecordingLogger log = new RecordingLogger();
    private final EnglishGreeter greeter = new EnglishGreeter(log.logger());

    @Test
    public void greetsWithTheVersionMark() {
        assertEquals("Hello, Bob! (v2)", greeter.greet(" Bob "));
        assertEquals(List.of("info: greeter.en ready (v2)"), log.lines());
    }

    @Test
    public void rejectsNullAndBlankNamesLikeVersionOne() {
        assertEquals("name must not be null",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet(null)).getMessage());
        assertEquals("name must not be blank",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet(" ")).getMessage());
    }
}
