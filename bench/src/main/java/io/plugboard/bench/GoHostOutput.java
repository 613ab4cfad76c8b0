package io.plugboard.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads what gohost (go-plugins/src/plugboard.io/cmd/gohost) prints: one {@code name value} line
 * per figure, times in whole microseconds.
 */
final class GoHostOutput {

    private static final List<String> REQUIRED = List.of("start_first_call_us", "handshake_us", "ping_median_us",
            "ping_p99_us", "putget_median_us", "putget_p99_us", "calls", "value_size");

    private GoHostOutput() {
    }

    /**
     * The figures in the lines, checked against the calls and value size asked for.
     *
     * @throws IllegalArgumentException naming the line or figure that is wrong or missing
     */
    static HostFigures parse(List<String> lines, int calls, int valueSize) {
        Map<String, Long> values = new HashMap<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("gohost printed \"" + trimmed + "\", not a \"name value\" line");
            }
            long value;
            try {
                value = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gohost printed \"" + trimmed + "\": " + parts[1]
                        + " is not a whole number");
            }
            if (value < 0) {
                throw new IllegalArgumentException("gohost printed \"" + trimmed + "\": a negative figure");
            }
            if (values.put(parts[0], value) != null) {
                throw new IllegalArgumentException("gohost printed " + parts[0] + " twice");
            }
        }
        for (String name : REQUIRED) {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("gohost did not print " + name + "; it printed " + lines);
            }
        }
        if (values.get("calls") != calls || values.get("value_size") != valueSize) {
            throw new IllegalArgumentException("gohost measured " + values.get("calls") + " calls of "
                    + values.get("value_size") + "-byte values, not the " + calls + " of " + valueSize + " asked for");
        }
        if (values.get("handshake_us") > values.get("start_first_call_us")) {
            throw new IllegalArgumentException("gohost printed handshake_us " + values.get("handshake_us")
                    + ", more than start_first_call_us " + values.get("start_first_call_us") + " which includes it");
        }
        return new HostFigures(micros(values, "start_first_call_us"), micros(values, "handshake_us"),
                new Stats(calls, micros(values, "ping_median_us"), micros(values, "ping_p99_us"), 0),
                new Stats(calls, micros(values, "putget_median_us"), micros(values, "putget_p99_us"), 0), null, null);
    }

    private static long micros(Map<String, Long> values, String name) {
        return TimeUnit.MICROSECONDS.toNanos(values.get(name));
    }
}
