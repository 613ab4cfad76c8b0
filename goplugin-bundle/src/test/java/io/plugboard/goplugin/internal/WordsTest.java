package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import io.plugboard.goplugin.internal.launch.ProcessExit;

/** The small wording helpers: {@link Durations}, {@link Endings}, {@link PluginLog#withFields}. */
public class WordsTest {

    @Test
    public void uptimesShowTheirTwoLargestUnits() {
        assertEquals("0s", Durations.uptime(Duration.ZERO));
        assertEquals("0s", Durations.uptime(Duration.ofMillis(-5)));
        assertEquals("59s", Durations.uptime(Duration.ofMillis(59_999)));
        assertEquals("3m 12s", Durations.uptime(Duration.ofSeconds(192)));
        assertEquals("1h 0m", Durations.uptime(Duration.ofSeconds(3600)));
        assertEquals("5h 3m", Durations.uptime(Duration.ofMinutes(303).plusSeconds(7)));
        assertEquals("2d 5h", Durations.uptime(Duration.ofHours(53).plusMinutes(59)));
    }

    @Test
    public void settingsAreWordedInSecondsOrMilliseconds() {
        assertEquals("60 s", Durations.words(Duration.ofSeconds(60)));
        assertEquals("1500 ms", Durations.words(Duration.ofMillis(1500)));
        assertEquals("0 ms", Durations.words(Duration.ZERO));
    }

    @Test
    public void aPanicsFirstLineIsTheTellingOne() {
        List<String> panic = List.of("{\"@level\":\"debug\",\"@message\":\"plugin started\"}", "panic: boom", "",
                "goroutine 1 [running]:", "main.main()", "\t/src/main.go:12 +0x1d");
        assertEquals("panic: boom", Endings.tellingLine(panic));
        assertEquals("exit code 2 (last stderr: panic: boom)", Endings.withStderr("exit code 2", panic));
        assertEquals("fatal error: all goroutines are asleep",
                Endings.tellingLine(List.of("x", "fatal error: all goroutines are asleep", "y")));
    }

    @Test
    public void otherwiseTheLastLineThatIsNotBlank() {
        assertEquals("bind: invalid argument", Endings.tellingLine(List.of("starting", "bind: invalid argument", "  ")));
        assertNull(Endings.tellingLine(List.of()));
        assertNull(Endings.tellingLine(List.of(" ", "")));
        assertEquals("killed by SIGKILL", Endings.withStderr("killed by SIGKILL", List.of()));
        String longLine = "x".repeat(500);
        assertEquals("x".repeat(Endings.MAX_LINE) + "...", Endings.tellingLine(List.of(longLine)));
    }

    @Test
    public void anHclogLineIsShownAsItsMessageAndFields() {
        assertEquals("exit code 1 (last stderr: die-every: exiting after_ms=300)", Endings.withStderr("exit code 1",
                List.of("{\"@level\":\"warn\",\"@message\":\"die-every: exiting\",\"@module\":\"kv-misbehave\","
                        + "\"@timestamp\":\"2026-11-23T04:03:59.376627Z\",\"after_ms\":300}")));
        assertEquals("debug lines are no telling lines", "killed by SIGKILL", Endings.withStderr("killed by SIGKILL",
                List.of("{\"@level\":\"debug\",\"@message\":\"plugin address\",\"network\":\"unix\"}")));
        assertEquals("error: disk full", Endings.tellingLine(List.of("{\"@level\":\"error\",\"@message\":\"error:"
                + " disk full\"}", "{\"@level\":\"trace\",\"@message\":\"x\"}")));
        assertEquals("JSON without a message stays as it is", "{\"a\":1}", Endings.tellingLine(List.of("{\"a\":1}")));
        assertEquals("{not json", Endings.tellingLine(List.of("{not json")));
    }

    @Test
    public void aPanicIsExitCodeTwoAfterAPanicLine() {
        List<String> stderr = List.of("panic: boom", "", "goroutine 1 [running]:");
        assertTrue(Endings.panicked(new ProcessExit(2, null, stderr)));
        assertTrue(Endings.panicked(new ProcessExit(2, null, List.of("fatal error: concurrent map writes"))));
        assertFalse("another exit code", Endings.panicked(new ProcessExit(1, null, stderr)));
        assertFalse("a signal", Endings.panicked(new ProcessExit(-1, "SIGKILL", stderr)));
        assertFalse("exit code 2 without a panic", Endings.panicked(new ProcessExit(2, null, List.of("usage: ..."))));
    }

    @Test
    public void fieldsAreAppendedAsKeyValue() {
        assertEquals("put", PluginLog.withFields("put", Map.of()));
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("key", "k1");
        fields.put("size", 64);
        fields.put("note", "two words");
        fields.put("empty", "");
        fields.put("quote", "a\"b");
        assertEquals("put key=k1 size=64 note=\"two words\" empty=\"\" quote=\"a\\\"b\"",
                PluginLog.withFields("put", fields));
    }
}
