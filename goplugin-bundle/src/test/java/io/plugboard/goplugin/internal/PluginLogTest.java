package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;

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
}
