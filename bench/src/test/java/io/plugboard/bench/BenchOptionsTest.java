package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Set;

import org.junit.Test;

public class BenchOptionsTest {

    @Test
    public void defaultsRunEverythingAgainstAllWatchers() {
        BenchOptions options = BenchOptions.parse();
        assertFalse(options.quick());
        assertEquals(Set.copyOf(BenchOptions.SCENARIOS), options.scenarios());
        assertEquals(List.of(Watcher.PLUGBOARD, Watcher.FILEINSTALL_2000, Watcher.FILEINSTALL_50), options.watchers());
        assertEquals(1000, options.bulkCount());
        assertEquals(1000, options.unloadCycles());
        assertEquals(5, options.startupRuns());
    }

    @Test
    public void jvmDefaultsIsAFlag() {
        assertFalse(BenchOptions.parse().jvmDefaults());
        assertTrue(BenchOptions.parse("--only", "gostart", "--jvm-defaults").jvmDefaults());
    }

    @Test
    public void startupRunsCanBeGiven() {
        assertEquals(9, BenchOptions.parse("--startup-runs", "9").startupRuns());
        assertEquals(3, BenchOptions.parse("--quick", "--startup-runs", "3").startupRuns());
        assertEquals(2, BenchOptions.parse("--quick").startupRuns());
    }

    @Test
    public void quickOnlyAndWatchersAreRead() {
        BenchOptions options = BenchOptions.parse("--quick", "--only", "deploy,bulk", "--watchers", "fi50,plugboard");
        assertTrue(options.quick());
        assertEquals(List.of("deploy", "bulk"), List.copyOf(options.scenarios()));
        assertEquals(List.of(Watcher.FILEINSTALL_50, Watcher.PLUGBOARD), options.watchers());
        assertTrue(options.deploys(Watcher.PLUGBOARD) < 50);
        assertTrue(options.goPluginRounds() < BenchOptions.parse().goPluginRounds());
    }

    @Test
    public void gostartRunsOnlyWhenAskedFor() {
        assertFalse(BenchOptions.parse().scenarios().contains("gostart"));
        assertEquals(List.of("gostart"), List.copyOf(BenchOptions.parse("--only", "gostart").scenarios()));
        assertTrue(BenchOptions.parse("--quick").goPluginStarts() < BenchOptions.parse().goPluginStarts());
    }

    @Test
    public void badArgumentsNameWhatIsWrong() {
        assertRefused("unknown option '--fast'", "--fast");
        assertRefused("unknown scenario 'warp'; known: jmh,deploy,load,unload,startup,bulk,goplugin,gostart", "--only", "warp");
        assertRefused("unknown watcher 'felix'; known: plugboard, fi2000, fi50", "--watchers", "felix");
        assertRefused("--only needs a value", "--only");
        assertRefused("--startup-runs needs a whole number above 0, not '0'", "--startup-runs", "0");
        assertRefused("--startup-runs needs a whole number above 0, not 'many'", "--startup-runs", "many");
        assertRefused("--runtime /no/such/plugboard.jar: no such file", "--runtime", "/no/such/plugboard.jar");
        assertRefused("--go-bin /no/such/bin: no such folder", "--go-bin", "/no/such/bin");
        assertRefused("--go-bin needs a value", "--go-bin");
    }

    private static void assertRefused(String message, String... args) {
        try {
            BenchOptions.parse(args);
            fail("accepted " + List.of(args));
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
