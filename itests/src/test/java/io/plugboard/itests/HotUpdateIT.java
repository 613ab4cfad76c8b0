package io.plugboard.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Dictionary;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;

/**
 * Four threads call through {@code registry.service(...)} while a plugin is updated, switched,
 * uninstalled or replaced blue/green: not one call may fail, and once the change is done every
 * call answers from the new plugin. greeter.zh is installed throughout: during an update of
 * greeter.en it must never answer in its place.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotUpdateIT extends PluginRuntimeTestSupport {

    private static final int CALLERS = 4;
    /** Calls made before and after each change, so the change happens under load. */
    private static final int CALLS = 500;
    private static final String NI_HAO_BOB = "你好，Bob！";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                // Generous for a loaded machine: a broken hand-over fails the call, a slow one only waits.
                frameworkProperty("plugboard.call.timeout.ms").value("15000"),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                projectBundle("greeter-zh"), projectBundle("kv-memory"), projectBundle("kv-file"));
    }

    @Test
    public void updateByCommandFailsNoCall() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        execute("plugin:use greeter greeter.en").assertSucceeded();
        try (CallLoad load = greeterLoad()) {
            load.expectFromNowOn(HELLO_BOB, HELLO_BOB_V2);
            execute("plugin:update greeter.en " + projectJar("greeter-en-v2")).assertSucceeded();
            load.expectFromNowOn(HELLO_BOB_V2);
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        assertEquals("2.0.0", registry.active(Greeter.TYPE).orElseThrow().version());
    }

    @Test
    public void replacingTheJarInTheWatchedFolderFailsNoCall() throws IOException {
        // The folder is shared by the frameworks of this class: leave it empty for the next test.
        Path jar = Path.of(bundleContext.getProperty(PLUGINS_DIR)).resolve("greeter-en.jar");
        try {
            drop(projectJar("greeter-en"), jar);
            waitFor("greeter.en from the folder", () -> bundleNamed(GREETER_EN_BUNDLE).isPresent()
                    && registry.plugins(Greeter.TYPE).size() == 2);
            execute("plugin:use greeter greeter.en").assertSucceeded();
            try (CallLoad load = greeterLoad()) {
                load.expectFromNowOn(HELLO_BOB, HELLO_BOB_V2);
                drop(projectJar("greeter-en-v2"), jar);
                waitFor("the replaced jar (2.0.0) to answer", () -> HELLO_BOB_V2.equals(load.lastAnswer()));
                load.expectFromNowOn(HELLO_BOB_V2);
                load.awaitMoreCalls(CALLS);
                load.assertNoFailedCall();
            }
        } finally {
            Files.deleteIfExists(jar);
            waitFor("the host to uninstall greeter-en.jar", () -> bundleNamed(GREETER_EN_BUNDLE).isEmpty());
        }
    }

    @Test
    public void switchingTheStoreWithUseFailsNoCall() {
        KeyValueStore store = markedStores();
        try (CallLoad load = CallLoad.start(CALLERS, () -> new String(store.get("who").orElseThrow(), UTF_8), "memory")) {
            load.awaitMoreCalls(CALLS);
            load.expectFromNowOn("memory", "file");
            execute("plugin:use kv kv.file").assertSucceeded();
            load.expectFromNowOn("file");
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
    }

    @Test
    public void uninstallingTheActiveStoreFailsNoCallWhenAnotherTakesOver() {
        KeyValueStore store = markedStores();
        try (CallLoad load = CallLoad.start(CALLERS, () -> new String(store.get("who").orElseThrow(), UTF_8), "memory")) {
            load.awaitMoreCalls(CALLS);
            load.expectFromNowOn("memory", "file");
            execute("plugin:uninstall kv.memory").assertSucceeded();
            load.expectFromNowOn("file");
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        assertTrue(bundleNamed("io.plugboard.kv-memory").isEmpty());
    }

    @Test
    public void blueGreenInstallTheNewVersionBesideTheOldThenUninstallTheOld() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        execute("plugin:use greeter greeter.en").assertSucceeded();
        long blue = registry.active(Greeter.TYPE).orElseThrow().bundleId();
        try (CallLoad load = greeterLoad()) {
            load.expectFromNowOn(HELLO_BOB, HELLO_BOB_V2);
            execute("plugin:install " + projectJar("greeter-en-v2")).assertSucceeded();
            load.expectFromNowOn(HELLO_BOB_V2);
            load.awaitMoreCalls(CALLS);
            execute("plugin:uninstall " + blue).assertSucceeded();
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
            // No call waited for a plugin: the green one was there before the blue one went.
            assertTrue("slowest call " + load.slowestCallMillis() + " ms", load.slowestCallMillis() < 2_000);
        }
        assertEquals(1, Arrays.stream(bundleContext.getBundles())
                .filter(b -> GREETER_EN_BUNDLE.equals(b.getSymbolicName())).count());
    }

    @Test
    public void blueGreenWithAPinnedVersionSwitchesOnlyWhenTold() throws Exception {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        String blueVersion = registry.plugins(Greeter.TYPE).stream().filter(p -> p.name().equals("greeter.en"))
                .findFirst().orElseThrow().version();
        execute("plugin:use greeter greeter.en " + blueVersion).assertSucceeded();
        Bundle blue = bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
        try (CallLoad load = greeterLoad()) {
            execute("plugin:install " + projectJar("greeter-en-v2")).assertSucceeded();
            load.awaitMoreCalls(CALLS);
            assertEquals("the pinned version keeps serving next to the newer one", HELLO_BOB, load.lastAnswer());
            load.expectFromNowOn(HELLO_BOB, HELLO_BOB_V2);
            String switched = execute("plugin:use greeter greeter.en 2.0.0").assertSucceeded();
            assertTrue(switched, switched.startsWith("greeter is now served by greeter.en 2.0.0"));
            load.expectFromNowOn(HELLO_BOB_V2);
            load.awaitMoreCalls(CALLS);
            execute("plugin:uninstall " + blue.getBundleId()).assertSucceeded();
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        Dictionary<String, Object> kept = registryConfiguration();
        assertEquals("greeter.en", kept.get("select.greeter"));
        assertEquals("2.0.0", kept.get("select.greeter.version"));
    }

    private CallLoad greeterLoad() {
        Greeter greeter = registry.service(Greeter.TYPE, Greeter.class);
        CallLoad load = CallLoad.start(CALLERS, () -> greeter.greet("Bob"), HELLO_BOB);
        load.awaitMoreCalls(CALLS);
        return load;
    }

    /** Writes who="memory" into kv.memory and who="file" into kv.file, leaving kv.memory active. */
    private KeyValueStore markedStores() {
        execute("plugin:use kv kv.file").assertSucceeded();
        activeStore().put("who", "file".getBytes(UTF_8));
        execute("plugin:use kv kv.memory").assertSucceeded();
        activeStore().put("who", "memory".getBytes(UTF_8));
        return registry.service(KeyValueStore.TYPE, KeyValueStore.class);
    }

    private Dictionary<String, Object> registryConfiguration() throws Exception {
        ConfigurationAdmin admin = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        var configurations = admin.listConfigurations("(service.pid=io.plugboard.registry)");
        assertTrue("the registry's configuration exists", configurations != null && configurations.length == 1);
        return configurations[0].getProperties();
    }

    /** Copies the jar under a name the watcher ignores, then renames it atomically into place. */
    private static void drop(Path source, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
