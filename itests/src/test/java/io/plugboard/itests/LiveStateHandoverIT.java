package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.plugboard.api.kv.KeyValueStore;

/**
 * The live state handover between two versions of kv.memory running side by side, one case at a
 * time (StatefulHotUpdateIT runs blue/green under load): the serving version uninstalled while
 * pinned, an in-place update of the serving version while another runs beside it, what
 * {@code plugin:info} says, and that the old version's class loader still goes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class LiveStateHandoverIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"),
                // The handover lines are INFO; OSGi Log drops INFO by default (the runtime sets it too).
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
    }

    @Test
    public void theNewVersionTakesOverAndPluginInfoSaysFromWhichVersion() {
        Bundle blue = kvMemoryBundle();
        String version1 = blue.getVersion().toString();
        put("color", "blue");
        assertFalse("nothing taken over yet", execute("plugin:info " + blue.getBundleId()).assertSucceeded()
                .contains("taken over:"));

        execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
        waitForKvMemory("2.0.0");

        assertEquals("blue", get("color"));
        Bundle green = bundleOf("2.0.0");
        String info = execute("plugin:info " + green.getBundleId()).assertSucceeded();
        assertTrue(info, info.contains("\n  taken over: kv.memory took over the state of kv.memory " + version1
                + " (bundle " + blue.getBundleId() + ", "));
        assertTrue(info, info.contains(" bytes) side by side at "));
        assertFalse(execute("plugin:info " + blue.getBundleId()).assertSucceeded().contains("taken over:"));
    }

    @Test
    public void uninstallingThePinnedServingVersionHandsItsStateToTheOther() {
        String version1 = kvMemoryBundle().getVersion().toString();
        execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
        execute("plugin:use kv kv.memory " + version1).assertSucceeded();
        waitForKvMemory(version1);
        put("color", "blue");

        // The registry hears of the uninstall while the old instance is still there to hand over.
        execute("plugin:uninstall " + bundleOf(version1).getBundleId()).assertSucceeded();

        waitForKvMemory("2.0.0");
        assertEquals("blue", get("color"));
    }

    @Test
    public void updatingTheServingVersionInPlaceWithAnotherBesideItKeepsTheEntries() {
        Bundle blue = kvMemoryBundle();
        String version1 = blue.getVersion().toString();
        execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
        execute("plugin:use kv kv.memory " + version1).assertSucceeded();
        waitForKvMemory(version1);
        put("color", "blue");

        // While blue is updated (from its own location), the calls wait for kv.memory, and 2.0.0
        // beside it is kv.memory: it takes the entries over live, then hands them back to the
        // pinned version when that is up again.
        execute("plugin:update " + blue.getBundleId()).assertSucceeded();

        waitForKvMemory(version1);
        assertEquals("blue", get("color"));
        put("size", "L");
        execute("plugin:use kv kv.memory 2.0.0").assertSucceeded();
        assertEquals("blue", get("color"));
        assertEquals("L", get("size"));
    }

    @Test
    public void afterBlueGreenTheOldVersionsClassLoaderGoes() {
        Bundle blue = kvMemoryBundle();
        put("color", "blue");
        WeakReference<Class<?>> oldClass = Unloading.classOf(registry.activeService(KeyValueStore.TYPE, KeyValueStore.class));
        WeakReference<ClassLoader> oldLoader = Unloading.currentLoader(blue);
        execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
        waitForKvMemory("2.0.0");
        execute("plugin:info " + bundleOf("2.0.0").getBundleId()).assertSucceeded();

        execute("plugin:uninstall " + blue.getBundleId()).assertSucceeded();

        assertEquals("blue", get("color"));
        if (Unloading.collectUntilAtMost(List.of(oldClass, oldLoader), 0) > 0) {
            fail("the class loader of the version that handed over live should be garbage-collected; "
                    + Unloading.heapDump(newWorkDir("heap").resolve("pinned.hprof")));
        }
        assertNotNull("the new version is in use", Unloading.currentLoader(bundleOf("2.0.0")).get());
    }

    /** Through the stand-in, as any caller would. */
    private void put(String key, String value) {
        store().put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private String get(String key) {
        return new String(store().get(key).orElseThrow(() -> new AssertionError("no value under " + key)),
                StandardCharsets.UTF_8);
    }

    private KeyValueStore store() {
        return registry.service(KeyValueStore.TYPE, KeyValueStore.class);
    }

    private Bundle kvMemoryBundle() {
        return bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
    }

    private Bundle bundleOf(String version) {
        return List.of(bundleContext.getBundles()).stream()
                .filter(b -> KV_MEMORY_BUNDLE.equals(b.getSymbolicName()) && b.getVersion().toString().equals(version))
                .findFirst().orElseThrow(() -> new AssertionError("no kv-memory " + version));
    }

    private void waitForKvMemory(String version) {
        waitFor("kv.memory " + version + " to serve", () -> registry.active(KeyValueStore.TYPE)
                .map(p -> p.name() + " " + p.version()).orElse("none").equals("kv.memory " + version));
    }
}
