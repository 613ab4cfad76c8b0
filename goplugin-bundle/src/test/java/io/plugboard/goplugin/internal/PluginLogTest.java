package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.osgi.service.log.LogLevel;

import io.plugboard.testing.RecordingLogger;

public class PluginLogTest {

    private final RecordingLogger log = new RecordingLogger();
    private final PluginLog output = new PluginLog(log.logger());

    @Test
    public void eachLineGoesOutAtItsLevelWithItsFields() {
        output.line(LogLevel.DEBUG, "plugin address", Map.of("network", "unix"));
        output.line(LogLevel.INFO, "serving", Map.of());
        output.line(LogLevel.WARN, "slow disk", Map.of());
        output.line(LogLevel.ERROR, "panic: boom\n\ngoroutine 1 [running]:", Map.of());
        output.line(LogLevel.TRACE, "tick", Map.of());
        output.line(LogLevel.AUDIT, "audit", Map.of());
        assertEquals(List.of("debug: plugin address network=unix", "info: serving", "warn: slow disk",
                "error: panic: boom\n\ngoroutine 1 [running]:", "trace: tick", "audit: audit"), log.lines());
    }

    @Test
    public void placeholdersInThePluginsTextStayAsTheyAre() {
        output.line(LogLevel.INFO, "map[{}]", Map.of());
        assertEquals(List.of("info: map[{}]"), log.lines());
    }

    /** Lines below the logger's level cost nothing: their fields are not even turned into text. */
    @Test
    public void aLineBelowTheLoggersLevelIsNotFormatted() {
        RecordingLogger infoLog = RecordingLogger.atLevel(LogLevel.INFO);
        PluginLog atInfo = new PluginLog(infoLog.logger());
        AtomicInteger formatted = new AtomicInteger();
        Object field = new Object() {
            @Override
            public String toString() {
                formatted.incrementAndGet();
                return "unix";
            }
        };
        atInfo.line(LogLevel.DEBUG, "plugin address", Map.of("network", field));
        atInfo.line(LogLevel.TRACE, "tick", Map.of("network", field));
        assertEquals(0, formatted.get());
        assertEquals(List.of(), infoLog.lines());

        atInfo.line(LogLevel.INFO, "serving", Map.of("network", field));
        atInfo.line(LogLevel.AUDIT, "audit", Map.of());
        assertEquals(1, formatted.get());
        assertEquals(List.of("info: serving network=unix", "audit: audit"), infoLog.lines());
    }
}
