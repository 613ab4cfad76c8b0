package io.plugboard.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
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

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * An update to a version that cannot resolve (greeter-en-bad-import: greeter.en 3.0.0 importing
 * the greeter API 2.x, which the host does not export) is refused, by command and through the
 * watched folder: the running version keeps serving, no call fails, greeter.zh never answers in
 * its place, and a stateful plugin keeps its entries. Each test changes bundles, so each gets its
 * own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RefusedUpdateIT extends PluginRuntimeTestSupport {

    private static final int CALLERS = 4;
    /** Calls made before and after the update, so it happens under load. */
    private static final int CALLS = 500;
    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";
    private static final String BAD_IMPORT = "it imports io.plugboard.api.greeter [2.0.0,3.0.0), but the framework has "
            + "io.plugboard.api.greeter 1.";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                // Generous for a loaded machine: a refused update makes calls wait, never fail.
                frameworkProperty("plugboard.call.timeout.ms").value("15000"),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                projectBundle("greeter-zh"), projectBundle("kv-memory"));
    }

    @Test
    public void updateByCommandToAJarThatCannotResolveIsRefusedAndFailsNoCall() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        execute("plugin:use greeter greeter.en").assertSucceeded();
        Bundle bundle = bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
        String running = bundle.getVersion().toString();
        Path bad = projectJar("greeter-en-bad-import");

        try (CallLoad load = greeterLoad()) {
            CommandResult update = execute("plugin:update greeter.en " + bad);
            update.assertClearError("not updated: " + GREETER_EN_BUNDLE + " 3.0.0 (" + bad + ") cannot resolve: "
                    + BAD_IMPORT, "; " + GREETER_EN_BUNDLE + " " + running + " keeps serving");
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        assertGreeterEnServes(bundle, running);
    }

    @Test
    public void aRefusedUpdateLeavesTheTypeWithThePluginThatServedItWithoutASelection() throws BundleException {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        // greeter.zh restarted: of two greeters of one version and ranking, greeter.en came first and serves.
        Bundle zh = bundleNamed("io.plugboard.greeter-zh").orElseThrow();
        zh.stop();
        zh.start();
        waitFor("greeter.en to serve", () -> registry.active(Greeter.TYPE).map(PluginInfo::name)
                .filter("greeter.en"::equals).isPresent());
        Bundle bundle = bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
        String running = bundle.getVersion().toString();

        try (CallLoad load = greeterLoad()) {
            // Rolled back, greeter.en's service comes back with a newer id than greeter.zh's: that
            // alone must not hand the type over.
            execute("plugin:update greeter.en " + projectJar("greeter-en-bad-import"))
                    .assertClearError("not updated: ", "keeps serving");
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        assertGreeterEnServes(bundle, running);
    }

    @Test
    public void aJarThatCannotResolveReplacedInTheWatchedFolderIsReportedAndFailsNoCall() throws IOException {
        Path jar = Path.of(bundleContext.getProperty(PLUGINS_DIR)).resolve("greeter-en.jar");
        try {
            drop(projectJar("greeter-en"), jar);
            waitFor("greeter.en from the folder", () -> bundleNamed(GREETER_EN_BUNDLE).isPresent()
                    && registry.plugins(Greeter.TYPE).size() == 2);
            execute("plugin:use greeter greeter.en").assertSucceeded();
            Bundle bundle = bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
            String running = bundle.getVersion().toString();
            try (CallLoad load = greeterLoad()) {
                drop(projectJar("greeter-en-bad-import"), jar);
                String warning = " WARN [io.plugboard.host ";
                waitFor("the folder's warning", () -> logFileLines().stream().anyMatch(
                        line -> line.contains(warning) && line.contains("Cannot update greeter-en.jar")));
                String line = logFileLines().stream().filter(l -> l.contains("Cannot update greeter-en.jar"))
                        .findFirst().orElseThrow();
                assertTrue(line, line.contains(warning + bundleNamed("io.plugboard.host").orElseThrow().getVersion()
                        + "] Cannot update greeter-en.jar from the plugins folder: not updated: " + GREETER_EN_BUNDLE
                        + " 3.0.0 (" + jar + ") cannot resolve: " + BAD_IMPORT));
                assertTrue(line, line.endsWith("; " + GREETER_EN_BUNDLE + " " + running + " keeps serving"));
                load.awaitMoreCalls(CALLS);
                load.assertNoFailedCall();
            }
            assertGreeterEnServes(bundle, running);
        } finally {
            Files.deleteIfExists(jar);
            waitFor("the host to uninstall greeter-en.jar", () -> bundleNamed(GREETER_EN_BUNDLE).isEmpty());
        }
    }

    @Test
    public void aStatefulPluginKeepsItsEntriesWhenItsUpdateIsRefused() throws IOException {
        KeyValueStore store = registry.service(KeyValueStore.TYPE, KeyValueStore.class);
        store.put("color", "blue".getBytes(UTF_8));
        Bundle bundle = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
        String running = bundle.getVersion().toString();
        // kv-memory 3.0.0 whose kv import no host satisfies, made from kv-memory's own jar.
        Path bad = withUnresolvableKvImport(projectJar("kv-memory"), newWorkDir("jars").resolve("kv-memory-3.jar"));

        try (CallLoad load = CallLoad.start(CALLERS, () -> new String(store.get("color").orElseThrow(), UTF_8), "blue")) {
            load.awaitMoreCalls(CALLS);
            execute("plugin:update kv.memory " + bad).assertClearError("not updated: " + KV_MEMORY_BUNDLE
                    + " 3.0.0 (" + bad + ") cannot resolve: it imports io.plugboard.api.kv [2.0.0,3.0.0)",
                    "; " + KV_MEMORY_BUNDLE + " " + running + " keeps serving");
            load.awaitMoreCalls(CALLS);
            load.assertNoFailedCall();
        }
        assertEquals(running, bundle.getVersion().toString());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        waitFor("kv.memory " + running + " to serve", () -> registry.active(KeyValueStore.TYPE)
                .map(PluginInfo::version).orElse("").equals(running));
        assertEquals(List.of("color"), store.keys());
        assertArrayEquals("blue".getBytes(UTF_8), store.get("color").orElseThrow());
    }

    private void assertGreeterEnServes(Bundle bundle, String version) {
        assertEquals(version, bundle.getVersion().toString());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        PluginInfo active = registry.active(Greeter.TYPE).orElseThrow();
        assertEquals("greeter.en", active.name());
        assertEquals(version, active.version());
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        assertEquals("the refused jar added no bundle", 1, Arrays.stream(bundleContext.getBundles())
                .filter(b -> GREETER_EN_BUNDLE.equals(b.getSymbolicName())).count());
        String info = execute("plugin:info greeter.en").assertSucceeded();
        assertTrue(info, !info.contains("not active"));
    }

    /** Calls greeter.en through the registry, as any caller would; only greeter.en's answer is allowed. */
    private CallLoad greeterLoad() {
        Greeter greeter = registry.service(Greeter.TYPE, Greeter.class);
        CallLoad load = CallLoad.start(CALLERS, () -> greeter.greet("Bob"), HELLO_BOB);
        load.awaitMoreCalls(CALLS);
        return load;
    }

    /** The jar at version 3.0.0, importing io.plugboard.api.kv [2.0,3) instead of [1.x,2). */
    private static Path withUnresolvableKvImport(Path source, Path target) throws IOException {
        try (InputStream file = Files.newInputStream(source); JarInputStream in = new JarInputStream(file)) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            String imports = main.getValue("Import-Package");
            String changed = imports.replaceFirst("io\\.plugboard\\.api\\.kv;version=\"\\[1\\.[0-9]+,2\\)\"",
                    "io.plugboard.api.kv;version=\"[2.0,3)\"");
            assertTrue("kv-memory imports the kv API 1.x: " + imports, !changed.equals(imports));
            main.putValue("Import-Package", changed);
            main.putValue("Bundle-Version", "3.0.0");
            try (OutputStream bytes = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    if (!entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        out.putNextEntry(new JarEntry(entry.getName()));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                }
            }
        }
        return target;
    }

    /** Copies the jar under a name the watcher ignores, then renames it atomically into place. */
    private static void drop(Path source, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
