package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

public class GoHostOutputTest {

    /** What gohost prints (go-plugins/README.md). */
    private static final List<String> PRINTED = List.of("start_first_call_us 10180", "handshake_us 8650",
            "ping_median_us 110",
            "ping_p99_us 1172", "putget_median_us 377", "putget_p99_us 916", "calls 20000", "value_size 64");

    @Test
    public void figuresAreReadAsNanoseconds() {
        HostFigures figures = GoHostOutput.parse(PRINTED, 20000, 64);
        assertEquals(10_180_000, figures.startFirstCall());
        assertEquals(8_650_000, figures.handshake());
        assertEquals(110_000, figures.ping().median());
        assertEquals(1_172_000, figures.ping().p99());
        assertEquals(377_000, figures.putGet().median());
        assertEquals(916_000, figures.putGet().p99());
        assertEquals(20000, figures.putGet().count());
    }

    @Test
    public void blankLinesAreSkipped() {
        List<String> lines = new ArrayList<>(PRINTED);
        lines.add("");
        assertEquals(377_000, GoHostOutput.parse(lines, 20000, 64).putGet().median());
    }

    @Test
    public void badOutputIsNamed() {
        assertRefused("gohost did not print putget_p99_us", without("putget_p99_us"), 20000, 64);
        assertRefused("gohost printed \"panic: oops here\", not a \"name value\" line",
                with("panic: oops here"), 20000, 64);
        assertRefused("gohost printed \"ping_median_us 1.5\": 1.5 is not a whole number",
                replaced("ping_median_us", "ping_median_us 1.5"), 20000, 64);
        assertRefused("gohost printed \"ping_median_us -3\": a negative figure",
                replaced("ping_median_us", "ping_median_us -3"), 20000, 64);
        assertRefused("gohost did not print handshake_us", without("handshake_us"), 20000, 64);
        assertRefused("gohost printed handshake_us 10181, more than start_first_call_us 10180 which includes it",
                replaced("handshake_us", "handshake_us 10181"), 20000, 64);
        assertRefused("gohost printed calls twice", with("calls 20000"), 20000, 64);
        assertRefused("gohost measured 20000 calls of 64-byte values, not the 100 of 64 asked for", PRINTED, 100, 64);
        assertRefused("gohost measured 20000 calls of 64-byte values, not the 20000 of 8 asked for", PRINTED, 20000, 8);
    }

    private static List<String> without(String name) {
        return PRINTED.stream().filter(line -> !line.startsWith(name + " ")).toList();
    }

    private static List<String> with(String line) {
        List<String> lines = new ArrayList<>(PRINTED);
        lines.add(line);
        return lines;
    }

    private static List<String> replaced(String name, String line) {
        List<String> lines = new ArrayList<>(without(name));
        lines.add(line);
        return lines;
    }

    private static void assertRefused(String message, List<String> lines, int calls, int valueSize) {
        try {
            GoHostOutput.parse(lines, calls, valueSize);
            fail("accepted " + lines);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(message));
        }
    }
}
