package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Test;

public class GoPluginScenarioTest {

    @Test
    public void cellsShowTheMedianAndTheRangeOfTheRounds() {
        assertEquals("412 µs (398 µs-430 µs)", GoPluginScenario.cell(new long[] {430_000, 398_000, 412_000}));
        assertEquals("12.3 ms (9950 µs-20.0 ms)",
                GoPluginScenario.cell(new long[] {12_300_000, 9_950_000, 20_000_000}));
    }

    @Test
    public void ratioIsJavaOverGo() {
        assertEquals(1.25, GoPluginScenario.ratio(500, 400), 1e-9);
        assertTrue(Double.isNaN(GoPluginScenario.ratio(500, 0)));
    }

    @Test
    public void goBinFromTheOptionWins() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        assertEquals(dir, GoPluginScenario.goBin(BenchOptions.parse("--go-bin", dir.toString())));
    }
}
