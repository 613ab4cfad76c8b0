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
    public void greetsByName() {
        assertEquals("Hello, Bob!", greeter.greet("Bob"));
        assertEquals("Hello, Zoë!", greeter.greet("Zoë"));
    }

    @Test
    public void dropsSurroundingWhitespace() {
        assertEquals("Hello, Bob Smith!", greeter.greet("  Bob Smith\t"));
    }

    @Test
    public void rejectsNullAndBlankNames() {
        assertEquals("name must not be null",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet(null)).getMessage());
        assertEquals("name must not be blank",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet("")).getMessage());
        assertEquals("name must not be blank",
                assertThrows(IllegalArgumentException.class, () -> greeter.greet(" \t ")).getMessage());
    }

    @Test
    public void logsWhenActivated() {
        assertEquals(List.of("info: greeter.en ready"), log.lines());
    }
}
