package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

/** The framework property plugboard.call.timeout.ms, read by the registry component. */
public class CallTimeoutSettingTest {

    private final RecordingLogger log = new RecordingLogger();

    @Test
    public void unsetMeansFiveSeconds() {
        assertEquals(Duration.ofSeconds(5), PluginRegistryImpl.callTimeout(null, log.logger()));
        assertEquals(Duration.ofSeconds(5), PluginRegistryImpl.callTimeout(" ", log.logger()));
        assertEquals(List.of(), log.lines());
    }

    @Test
    public void millisecondsAreTaken() {
        assertEquals(Duration.ofMillis(250), PluginRegistryImpl.callTimeout(" 250 ", log.logger()));
        assertEquals(Duration.ZERO, PluginRegistryImpl.callTimeout("0", log.logger()));
    }

    @Test
    public void aBadValueIsReportedAndTheDefaultUsed() {
        assertEquals(Duration.ofSeconds(5), PluginRegistryImpl.callTimeout("5s", log.logger()));
        assertEquals(Duration.ofSeconds(5), PluginRegistryImpl.callTimeout("-1", log.logger()));
        assertEquals(List.of(
                "warn: plugboard.call.timeout.ms is '5s', not a number of milliseconds (0 or more); using 5000",
                "warn: plugboard.call.timeout.ms is '-1', not a number of milliseconds (0 or more); using 5000"),
                log.lines());
    }
}
