package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * kv.memory hands its entries to the host when it stops and takes them over when it starts:
 * across an update (also one refused because the new version fails), and across a bundle restart, but not
 * across an uninstall. Each test changes bundles, so each gets its own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KvMemoryStateHandoverIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";
    private static final byte[] BINARY = {0, -1, 127};

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"),
                // The handover lines are INFO; OSGi Log drops INFO by default (the runtime sets it too).
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
    }

    @Test
    public void updateHandsTheEntriesToTheNewVersionWhichKnowsTheVersionItReplaced() throws Exception {
        String oldVersion = kvMemoryVersion();
        putTwoEntries();
        KeyValueStore oldInstance = kvMemoryInstance();

        execute("plugin:update kv.memory " + projectJar("kv-memory-v2")).assertSucceeded();

        waitForKvMemory("2.0.0");
        assertTwoEntries();
        awaitLogLine("State of plugin kv.memory received by " + KV_MEMORY_BUNDLE + " 2.0.0 (bundle");
        // The instance serving now (the refresh after the update may have restarted 2.0.0) says
        // which version it replaced.
        String latest = latestTakeOver("2.0.0");
        assertTrue(latest, latest.endsWith("kv.memory 2.0.0 took over 2 entries from version " + oldVersion)
                || latest.endsWith("(a restart; it replaced version " + oldVersion + ")"));
        // A call that still reaches the old instance does nothing and says so; the host's
        // stand-ins retry such a call on the new version.
        PluginStoppedException stopped = assertThrows(PluginStoppedException.class, () -> oldInstance.put("late", BINARY));
        assertEquals("kv.memory " + oldVersion + " has stopped and handed its entries over; the call had no effect",
                stopped.getMessage());
        assertTrue(activeStore().get("late").isEmpty());
    }

    @Test
    public void anUpdateWhoseComponentFailsIsRefusedAndTheStateStaysForTheNextGoodVersion() throws Exception {
        String oldVersion = kvMemoryVersion();
        putTwoEntries();

        // kv-memory-broken 3.0.0 starts, receives the state, and its component fails: the update
        // is refused and the running version is put back, taking its state back.
        Path broken = projectJar("kv-memory-broken");
        execute("plugin:update kv.memory " + broken).assertClearError("not updated: " + KV_MEMORY_BUNDLE + " 3.0.0 ("
                + broken + ") failed to start: its component failed to activate: kv.memory 3.0.0 is a test fixture "
                + "that fails to activate (it received HandedOverState[fromVersion=" + oldVersion,
                "; " + KV_MEMORY_BUNDLE + " " + oldVersion + " keeps serving");
        assertEquals(oldVersion, kvMemoryVersion());
        waitForKvMemory(oldVersion);
        assertTwoEntries();

        execute("plugin:update " + KV_MEMORY_BUNDLE + " " + projectJar("kv-memory-v2")).assertSucceeded();

        waitForKvMemory("2.0.0");
        assertTwoEntries();
        String latest = latestTakeOver("2.0.0");
        assertTrue("2.0.0 replaced " + oldVersion + ", not the broken 3.0.0: " + latest,
                latest.endsWith("from version " + oldVersion) || latest.endsWith("replaced version " + oldVersion + ")"));
    }

    @Test
    public void aComponentThatFailsToActivateIsReportedWhenNothingRanBefore() throws Exception {
        putTwoEntries();
        Bundle bundle = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
        bundle.stop();

        // Nothing runs that could be kept, so the update goes through; the command says why no plugin serves.
        String output = execute("plugin:update " + KV_MEMORY_BUNDLE + " " + projectJar("kv-memory-broken"))
                .assertSucceeded();

        assertTrue(output, output.contains(" to 3.0.0; it registers no plugin yet\nnot active: its component failed "
                + "to activate: kv.memory 3.0.0 is a test fixture that fails to activate (it received HandedOverState["));
        String info = execute("plugin:info " + KV_MEMORY_BUNDLE).assertSucceeded();
        assertTrue(info, info.contains("  not active: its component failed to activate: kv.memory 3.0.0 is a test fixture"));
    }

    @Test
    public void restartingTheBundleKeepsTheEntries() throws BundleException {
        putTwoEntries();
        Bundle bundle = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();

        bundle.stop();
        bundle.start();

        waitForKvMemory(bundle.getVersion().toString());
        assertTwoEntries();
    }

    /**
     * A fragment installed for the running kv-memory attaches at once: its host is refreshed (as
     * Felix FileInstall does), so kv.memory stops and starts again, handing its entries over and
     * taking them back as in an update.
     */
    @Test
    public void aFragmentInstalledForItAttachesAtOnceAndTheEntriesStay() throws Exception {
        putTwoEntries();
        Bundle bundle = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
        Path jar = newWorkDir("fragment").resolve("kv-memory-fragment.jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.plugboard.itests.kv-memory-fragment");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Fragment-Host", KV_MEMORY_BUNDLE);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("io/plugboard/itests/fragment.txt"));
            out.write("from the fragment".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        String installed = execute("plugin:install " + jar).assertSucceeded();

        assertTrue(installed, installed.endsWith("; a fragment: it attaches to its host bundle"));
        Bundle fragment = bundleNamed("io.plugboard.itests.kv-memory-fragment").orElseThrow();
        assertEquals("attached", Bundle.RESOLVED, fragment.getState());
        assertTrue("the host's class loader sees the fragment's entry",
                bundle.getResource("io/plugboard/itests/fragment.txt") != null);
        waitForKvMemory(bundle.getVersion().toString());
        assertTwoEntries();
        String row = execute("plugin:list").assertSucceeded().lines()
                .filter(l -> l.startsWith(fragment.getBundleId() + " ")).findFirst().orElseThrow();
        assertTrue(row, row.matches(fragment.getBundleId() + " +io\\.plugboard\\.itests\\.kv-memory-fragment +fragment"
                + " +1\\.0\\.0 +RESOLVED *"));
    }

    @Test
    public void uninstallDiscardsTheStateSoAReinstallStartsEmpty() {
        putTwoEntries();

        execute("plugin:uninstall kv.memory").assertSucceeded();
        awaitLogLine("Discarded state of plugin kv.memory");
        execute("plugin:install " + projectJar("kv-memory")).assertSucceeded();

        waitForKvMemory(kvMemoryVersion());
        assertEquals(List.of(), activeStore().keys());
    }

    private void putTwoEntries() {
        activeStore().put("color", "blue".getBytes(StandardCharsets.UTF_8));
        activeStore().put("ä/b c", BINARY);
    }

    private void assertTwoEntries() {
        KeyValueStore store = activeStore();
        assertEquals(List.of("color", "ä/b c"), store.keys());
        assertArrayEquals("blue".getBytes(StandardCharsets.UTF_8), store.get("color").orElseThrow());
        assertArrayEquals(BINARY, store.get("ä/b c").orElseThrow());
    }

    private String kvMemoryVersion() {
        return bundleNamed(KV_MEMORY_BUNDLE).orElseThrow().getVersion().toString();
    }

    private void waitForKvMemory(String version) {
        waitFor("kv.memory " + version + " to serve", () -> registry.active(KeyValueStore.TYPE)
                .filter(p -> p.name().equals("kv.memory")).map(PluginInfo::version).orElse("").equals(version));
    }

    /** The kv.memory instance itself, not whatever the registry would pick after an update. */
    private KeyValueStore kvMemoryInstance() throws InvalidSyntaxException {
        ServiceReference<KeyValueStore> reference = bundleContext
                .getServiceReferences(KeyValueStore.class, "(plugin.name=kv.memory)").iterator().next();
        return bundleContext.getService(reference);
    }

    private void awaitLogLine(String text) {
        Path log = dataDir().resolve("plugboard.log");
        waitFor("plugboard.log to contain '" + text + "'", () -> logContains(log, text));
    }

    /**
     * Returns the last "took over" line that kv.memory {@code version} logged. A marker logged
     * now comes after every line logged before it (OSGi Log keeps the order), so once the marker
     * is in the file, so is the line of the instance that is running now.
     */
    private String latestTakeOver(String version) throws IOException {
        String marker = "test marker " + System.nanoTime();
        LoggerFactory loggers = bundleContext.getService(bundleContext.getServiceReference(LoggerFactory.class));
        loggers.getLogger(getClass()).warn(marker);
        awaitLogLine(marker);
        String prefix = "[" + KV_MEMORY_BUNDLE + " " + version + "] kv.memory " + version + " took over ";
        List<String> lines = Files.readAllLines(dataDir().resolve("plugboard.log"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(prefix)).toList();
        assertTrue("no line contains '" + prefix + "'", !lines.isEmpty());
        return lines.get(lines.size() - 1);
    }

    private static boolean logContains(Path log, String text) throws IOException {
        return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
    }
}
