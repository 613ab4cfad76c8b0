package io.plugboard.host.internal.log;

import static org.junit.Assert.assertEquals;

import java.util.logging.Level;

import org.junit.Test;
import org.osgi.service.log.LogLevel;

public class JulHandlerTest {

    @Test
    public void levelsMapToTheirOsgiLevels() {
        assertEquals(LogLevel.ERROR, JulHandler.levelOf(Level.SEVERE));
        assertEquals(LogLevel.WARN, JulHandler.levelOf(Level.WARNING));
        assertEquals(LogLevel.INFO, JulHandler.levelOf(Level.INFO));
        assertEquals(LogLevel.DEBUG, JulHandler.levelOf(Level.CONFIG));
        assertEquals(LogLevel.DEBUG, JulHandler.levelOf(Level.FINE));
        assertEquals(LogLevel.TRACE, JulHandler.levelOf(Level.FINER));
        assertEquals(LogLevel.TRACE, JulHandler.levelOf(Level.FINEST));
        // A level of a library's own between two: the one below it.
        assertEquals(LogLevel.WARN, JulHandler.levelOf(Level.parse("950")));
    }
}
