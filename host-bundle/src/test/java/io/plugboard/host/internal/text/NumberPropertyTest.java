package io.plugboard.host.internal.text;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

public class NumberPropertyTest {

    private final RecordingLogger log = new RecordingLogger();

    @Test
    public void unsetOrBlankIsTheDefaultWithoutALine() {
        assertEquals(5000, NumberProperty.millis("p.ms", null, 0, 5000, log.logger()));
        assertEquals(5000, NumberProperty.millis("p.ms", " ", 0, 5000, log.logger()));
        assertEquals(List.of(), log.lines());
    }

    @Test
    public void aNumberAtLeastTheLeastIsTaken() {
        assertEquals(250, NumberProperty.millis("p.ms", " 250 ", 0, 5000, log.logger()));
        assertEquals(0, NumberProperty.millis("p.ms", "0", 0, 5000, log.logger()));
        assertEquals(8, NumberProperty.count("p.threads", "8", 1, 4, "threads", log.logger()));
        assertEquals(List.of(), log.lines());
    }

    @Test
    public void anythingElseIsReportedAndTheDefaultUsed() {
        assertEquals(120_000, NumberProperty.millis("p.ms", "2m", 1, 120_000, log.logger()));
        assertEquals(120_000, NumberProperty.millis("p.ms", "0", 1, 120_000, log.logger()));
        assertEquals(4, NumberProperty.count("p.threads", "99999999999", 1, 4, "threads", log.logger()));
        assertEquals(List.of(
                "warn: p.ms is '2m', not a number of milliseconds (1 or more); using 120000",
                "warn: p.ms is '0', not a number of milliseconds (1 or more); using 120000",
                "warn: p.threads is '99999999999', not a number of threads (1 or more); using 4"), log.lines());
    }
}
