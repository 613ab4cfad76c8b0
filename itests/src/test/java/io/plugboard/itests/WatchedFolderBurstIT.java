package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.IntStream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A burst of plugin jars moved into the watched folder at once, more than one WatchService key
 * holds (512 events), so the host must fall back to a rescan and still install every one; then
 * all deleted at once. The rescan is slowed down so that it cannot hide lost events.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WatchedFolderBurstIT extends PluginRuntimeTestSupport {

    private static final int COUNT = 600;
    // Completeness is the point here, not speed (the bench measures that): a loaded CI disk may
    // take several times the usual few seconds for 600 installs.
    private static final long BURST_WAIT_MILLIS = 60_000;
    private static final String PREFIX = "io.plugboard.burst.p";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                // Far beyond the waits below: whatever is installed came from events and overflow handling.
                frameworkProperty("plugboard.watch.rescan.ms").value("600000"),
                projectBundle("kv-memory"));
    }

    @Test
    public void everyJarOfABurstIsInstalledAndStartedThenUninstalled() throws IOException {
        Path plugins = Path.of(bundleContext.getProperty(PLUGINS_DIR));
        // Staged on the same file system, so each move is one atomic rename, as a deployment script does it.
        Path stage = Files.createDirectories(plugins.resolveSibling(plugins.getFileName() + "-stage"));
        List<String> names = IntStream.range(0, COUNT).mapToObj(i -> String.format("burst-%04d.jar", i)).toList();
        for (int i = 0; i < COUNT; i++) {
            Files.write(stage.resolve(names.get(i)), pluginJar(PREFIX + i));
        }

        for (String name : names) {
            Files.move(stage.resolve(name), plugins.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }

        waitFor(COUNT + " burst plugins to be active", BURST_WAIT_MILLIS, () -> burstBundles(Bundle.ACTIVE) == COUNT);
        assertEquals("one bundle per jar", COUNT, burstBundles(-1));
        everyBundleIsActive();
        activeStore().put("burst", new byte[] {1});

        for (String name : names) {
            Files.delete(plugins.resolve(name));
        }

        waitFor("every burst plugin to be uninstalled", BURST_WAIT_MILLIS, () -> burstBundles(-1) == 0);
        assertEquals(1, activeStore().get("burst").orElseThrow()[0]);
    }

    // Bundles of the burst in the given state (-1: in any state).
    private long burstBundles(int state) {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(PREFIX))
                .filter(b -> state == -1 || b.getState() == state)
                .count();
    }

    /** A minimal plugin bundle: it imports the kv API, which is what makes a bundle a plugin. */
    private static byte[] pluginJar(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }
}
