package io.plugboard.runtime;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The framework cache is kept across starts (for start-up speed); what changed in the plugins
 * folder while Plugboard was down must still be what runs at the next start.
 */
public class RestartIT {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path work;

    @Before
    public void firstStart() throws Exception {
        work = temp.newFolder("work").toPath();
        PlugboardProcess first = PlugboardProcess.run(work, "plugin:greet Bob\n");
        assertEquals(first.transcript(), 0, first.exitCode());
        assertThat(first.transcript(), first.stdout(), containsString("Hello, Bob!"));
    }

    @Test
    public void jarReplacedWhileDownServesAtNextStart() throws Exception {
        Path v2 = Path.of(System.getProperty("plugboard.tour.greeter-v2"));
        Path jar = work.resolve("plugins/greeter-en.jar");
        Files.copy(v2, jar, StandardCopyOption.REPLACE_EXISTING);
        // Older than the bundle installed at the first start, as after 'mv' of a jar built
        // earlier: a time-stamp comparison with the cached bundle would keep the old code.
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:list\nplugin:greet Bob\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), containsString("Hello, Bob! (v2)"));
        assertThat(second.transcript(), second.stdout(), containsString("2.0.0"));
    }

    /**
     * As when it is replaced live, a jar replaced while Plugboard is down by a version whose
     * component fails to activate is refused at the next start (and the start after): the
     * version that served before the restart serves, and each start's log says why.
     */
    @Test
    public void jarReplacedWhileDownByAVersionThatFailsToStartIsRefusedAndTheRunningVersionServesOn() throws Exception {
        Path broken = Path.of(System.getProperty("plugboard.fixture.kv-memory-broken"));
        Path jar = work.resolve("plugins/kv-memory.jar");
        Files.copy(broken, jar, StandardCopyOption.REPLACE_EXISTING);
        for (int start = 2; start <= 3; start++) {
            PlugboardProcess next = PlugboardProcess.run(work,
                    "plugin:use kv kv.memory\nplugin:kv put color blue\nplugin:kv get color\nplugin:list\n");
            assertEquals(next.transcript(), 0, next.exitCode());
            assertThat(next.transcript(), next.stdout(), containsString("stored color in kv.memory"));
            assertThat(next.transcript(), next.stdout(), containsString("blue"));
            assertThat(next.transcript(), next.stdout(), not(containsString("3.0.0")));
            String refused = "Cannot update kv-memory.jar from the plugins folder: not updated: io.plugboard.kv-memory "
                    + "3.0.0 (" + jar + ") failed to start: ";
            assertThat(next.transcript(), next.stderr(), containsString(refused));
            assertThat(next.transcript(), next.stderr(), containsString("; io.plugboard.kv-memory 0.1.0.SNAPSHOT keeps serving"));
            assertEquals(log(), start - 1, count(log(), refused));
        }
    }

    /**
     * A kill -9 (or an out-of-memory kill, a power cut) is no clean stop, yet the next start keeps
     * every plugin as after one: the same bundles, and an update refused while the killed run
     * ran stays refused, the version that served serving on.
     */
    @Test
    public void afterAKillMinus9TheRefusedUpdateStaysRefusedAndEveryPluginKeepsItsBundle() throws Exception {
        PlugboardProcess killed = PlugboardProcess.start(work, List.of(), List.of(), Map.of());
        // Standard input stays open: the runtime waits for more commands.
        OutputStream in = killed.process().getOutputStream();
        in.write("lb\nplugin:greet Bob\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        // Commands run in turn: lb has printed every bundle once the greeting is there.
        killed.awaitStdout("Hello, Bob!");
        String bundlesBefore = killed.stdout();
        Path jar = work.resolve("plugins/kv-memory.jar");
        Files.copy(Path.of(System.getProperty("plugboard.fixture.kv-memory-broken")), jar,
                StandardCopyOption.REPLACE_EXISTING);
        String refused = "Cannot update kv-memory.jar from the plugins folder: not updated: io.plugboard.kv-memory "
                + "3.0.0 (" + jar + ") failed to start: ";
        killed.awaitStderr(refused);
        // A name no plugin has waits for the folder's queued work, the refused update's included.
        in.write("plugin:info no.such.plugin\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        killed.awaitStderr("no.such.plugin");
        killed.process().destroyForcibly(); // SIGKILL: no shutdown hook, no framework stop
        assertTrue("the runtime ended", killed.process().waitFor(PlugboardProcess.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals("killed by SIGKILL", 137, killed.exitCode());
        in.close();

        PlugboardProcess next = PlugboardProcess.run(work,
                "plugin:use kv kv.memory\nplugin:kv put color blue\nplugin:kv get color\nplugin:greet Bob\nlb\n");
        assertEquals(next.transcript(), 0, next.exitCode());
        assertThat(next.transcript(), next.stdout(), containsString("stored color in kv.memory"));
        assertThat(next.transcript(), next.stdout(), containsString("Hello, Bob!"));
        assertThat(next.transcript(), next.stdout(), not(containsString("3.0.0")));
        assertThat(next.transcript(), next.stderr(), containsString(refused));
        assertThat(next.transcript(), next.stderr(), not(containsString("did not stop cleanly")));
        for (String plugin : List.of("greeter-en", "greeter-zh", "kv-memory", "kv-file")) {
            assertEquals(plugin + "\n" + next.transcript(), bundleId(bundlesBefore, plugin), bundleId(next.stdout(), plugin));
        }
        assertEquals(log(), 0, count(log(), "Uninstalled plugin"));
    }

    @Test
    public void jarDeletedWhileDownIsGoneAtNextStart() throws Exception {
        Files.delete(work.resolve("plugins/greeter-zh.jar"));
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:list\nplugin:greet Bob\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), not(containsString("greeter.zh")));
        assertThat(second.transcript(), second.stdout(), containsString("greeter.en"));
        assertThat(second.transcript(), second.stdout(), containsString("Hello, Bob!"));
    }

    @Test
    public void restartServesFromTheKeptCacheAndLeavesNoStaleBundles() throws Exception {
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:greet Ann\nlb\n");
        PlugboardProcess third = PlugboardProcess.run(work, "plugin:greet Ann\nlb\n");
        assertEquals(third.transcript(), 0, third.exitCode());
        assertThat(third.transcript(), third.stdout(), containsString("Hello, Ann!"));
        // Same bundles each time: the boot set is reused, the plugins are installed once each.
        assertEquals(third.transcript(), count(second.stdout(), "Active"), count(third.stdout(), "Active"));
        assertEquals(third.transcript(), 1, count(third.stdout(), "Plugboard plugin: greeter-en "));
        // The very same bundle: the unchanged plugin was kept in the cache, not installed again.
        assertEquals(third.transcript(), bundleId(second.stdout(), "greeter-en"), bundleId(third.stdout(), "greeter-en"));
        assertEquals(third.transcript(), bundleId(second.stdout(), "kv-file"), bundleId(third.stdout(), "kv-file"));
        // plugboard.log has all three starts: only the first one installed it.
        assertEquals(log(), 1, count(log(), "Installed plugin io.plugboard.greeter-en "));
    }

    @Test
    public void pluginStartedPersistentlyInGogoIsLeftToTheHostAtTheNextStart() throws Exception {
        long id = bundleId(PlugboardProcess.run(work, "lb\n").stdout(), "greeter-en");
        PlugboardProcess marking = PlugboardProcess.run(work, "start " + id + "\n");
        assertEquals(marking.transcript(), 0, marking.exitCode());
        assertEquals("Gogo's start marks it to start with the framework", "32", persistentState(id));
        PlugboardProcess next = PlugboardProcess.run(work, "plugin:greet Bob\nlb\n");
        assertEquals(next.transcript(), 0, next.exitCode());
        assertThat(next.transcript(), next.stdout(), containsString("Hello, Bob!"));
        assertEquals(next.transcript(), id, bundleId(next.stdout(), "greeter-en"));
        // Marked stopped before the framework started, so only the host started it (transiently).
        assertEquals(next.transcript(), "2", persistentState(id));
    }

    @Test
    public void jarAddedWhileDownIsInstalledAtNextStart() throws Exception {
        Path jar = work.resolve("plugins/greeter-zh.jar");
        Path aside = Files.move(jar, work.resolve("greeter-zh.jar"));
        PlugboardProcess without = PlugboardProcess.run(work, "plugin:list\n");
        assertThat(without.transcript(), without.stdout(), not(containsString("greeter.zh")));
        Files.move(aside, jar);
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:list\nplugin:greet Bob\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), containsString("greeter.zh"));
        assertThat(second.transcript(), second.stdout(), containsString("Hello, Bob!"));
    }

    @Test
    public void corruptJarPutInWhileDownIsReportedAndTheOthersServe() throws Exception {
        Files.writeString(work.resolve("plugins/broken.jar"), "not a jar");
        // Reported at once, not after the usual grace for a jar still being written: the script is short.
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:greet Bob\nplugin:list\n", Map.of(),
                List.of("-Dplugboard.watch.corrupt.ms=0"));
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), containsString("Hello, Bob!"));
        assertThat(second.transcript(), second.stdout(), containsString("greeter.zh"));
        assertThat(second.transcript(), log(), containsString(
                "Not installing broken.jar from the plugins folder: broken.jar is incomplete or corrupt"));
    }

    @Test
    public void bootBundleCachedFromAnotherBuildIsReplaced() throws Exception {
        // As if the cache had been written by another plugboard.jar whose host differed: its
        // location names other content. Left in place, it would run the old host (or clash with
        // the new one, same symbolic name and version).
        Path info = null;
        try (Stream<Path> dirs = Files.list(work.resolve("data/felix-cache"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Path candidate = dir.resolve("bundle.info");
                if (Files.isRegularFile(candidate)
                        && Files.readAllLines(candidate).get(1).startsWith(BootSet.LOCATION_PREFIX + "host-")) {
                    info = candidate;
                }
            }
        }
        assertNotNull("the host is in the kept cache", info);
        List<String> lines = new ArrayList<>(Files.readAllLines(info));
        lines.set(1, BootSet.LOCATION_PREFIX + "host-0.1.0-SNAPSHOT.jar#0-0");
        Files.write(info, lines);
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:greet Bob\nlb\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), containsString("Hello, Bob!"));
        assertEquals(second.transcript(), 1, count(second.stdout(), "Plugboard host ("));
    }

    /** The id {@code lb} shows for the example plugin of this name ({@code greeter-en}). */
    private static long bundleId(String lbOutput, String plugin) {
        Matcher m = Pattern.compile(
                "(?m)^\\s*(\\d+)\\|[^|]*\\|[^|]*\\|Plugboard plugin: " + Pattern.quote(plugin) + " \\(")
                .matcher(lbOutput);
        assertTrue("no bundle of " + plugin + " in:\n" + lbOutput, m.find());
        return Long.parseLong(m.group(1));
    }

    /** The persistent state Felix keeps for the bundle (32: start with the framework; 2: do not). */
    private String persistentState(long id) throws IOException {
        return Files.readAllLines(work.resolve("data/felix-cache/bundle" + id + "/bundle.info")).get(2);
    }

    private String log() throws IOException {
        return Files.readString(work.resolve("data/plugboard.log"));
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }
}
