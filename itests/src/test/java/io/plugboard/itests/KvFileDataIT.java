package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * kv.file needs no state handover: with {@code plugboard.data.dir} set, its files live outside
 * the bundle, so its data survives an update and an uninstall followed by a reinstall.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KvFileDataIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-file"));
    }

    @Test
    public void dataSurvivesUpdateAndUninstallWithReinstall() throws IOException {
        activeStore().put("color", "blue".getBytes(StandardCharsets.UTF_8));
        activeStore().put("ä/b c", new byte[] {0, -1});
        long bundleId = kvFileBundleId();

        execute("plugin:update kv.file " + projectJar("kv-file")).assertSucceeded();
        waitForKvFile(bundleId);
        assertEntries();

        execute("plugin:uninstall kv.file").assertSucceeded();
        assertEquals("the files stay in the data folder", 2, filesIn(dataDir().resolve("kv-file")));
        execute("plugin:install " + projectJar("kv-file")).assertSucceeded();
        long reinstalled = kvFileBundleId();
        assertTrue("a reinstall is a new bundle", reinstalled != bundleId);
        waitForKvFile(reinstalled);
        assertEntries();
    }

    private void assertEntries() {
        KeyValueStore store = activeStore();
        assertEquals(List.of("color", "ä/b c"), store.keys());
        assertArrayEquals("blue".getBytes(StandardCharsets.UTF_8), store.get("color").orElseThrow());
        assertArrayEquals(new byte[] {0, -1}, store.get("ä/b c").orElseThrow());
    }

    private long kvFileBundleId() {
        return bundleNamed("io.plugboard.kv-file").orElseThrow().getBundleId();
    }

    private void waitForKvFile(long bundleId) {
        waitFor("kv.file from bundle " + bundleId + " to serve", () -> registry.active(KeyValueStore.TYPE)
                .map(PluginInfo::bundleId).orElse(-1L) == bundleId);
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
