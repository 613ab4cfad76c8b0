package io.plugboard.itests;

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
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * The watched plugins folder: jars dropped in, replaced and deleted as a user or a deployment
 * script would. Each test removes what it dropped and waits until the host has noticed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WatchedFolderIT extends PluginRuntimeTestSupport {

    /**
     * How long a half-written jar lies in the folder between two chunks: longer than the host
     * waits before it reports a jar that stays incomplete (500 ms), so each half-written state
     * is judged and may be reported, and still must not be installed.
     */
    private static final long CHUNK_PAUSE_MILLIS = 700;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                // A bystander installed the ordinary way: it must keep serving whatever lands in the folder.
                projectBundle("kv-memory"));
    }

    @Test
    public void droppedJarIsInstalledReplacedAndRemoved() throws IOException {
        Path jar = pluginsDir().resolve("greeter-en.jar");
        try {
            drop(projectJar("greeter-en"), jar);
            waitFor("greeter.en from the folder to greet", () -> HELLO_BOB.equals(activeGreeting("Bob")));

            drop(projectJar("greeter-en-v2"), jar);
            waitFor("the replaced jar (2.0.0) to greet", () -> HELLO_BOB_V2.equals(activeGreeting("Bob")));
            assertEquals("2.0.0", registry.active(Greeter.TYPE).orElseThrow().version());
            assertEquals("a replaced jar updates its bundle", 1, Arrays.stream(bundleContext.getBundles())
                    .filter(b -> GREETER_EN_BUNDLE.equals(b.getSymbolicName())).count());
        } finally {
            removeAndWait(jar);
        }
        assertThrows(PluginUnavailableException.class, () -> activeGreeting("Bob"));
        assertKvMemoryServes();
    }

    @Test
    public void corruptJarIsReportedOnceAndLeftAlone() throws IOException {
        Path corrupt = pluginsDir().resolve("corrupt.jar");
        Path good = pluginsDir().resolve("greeter-zh.jar");
        Path log = dataDir().resolve("plugboard.log");
        try {
            Files.writeString(corrupt, "this is not a zip file", StandardCharsets.UTF_8);
            waitFor("plugboard.log to report corrupt.jar", () -> linesMentioning(log, "corrupt.jar") > 0);
            // A good jar dropped after the corrupt one proves the watcher is still working.
            drop(projectJar("greeter-zh"), good);
            waitFor("greeter.zh from the folder", () -> registry.active(Greeter.TYPE).isPresent());

            long reports = linesMentioning(log, "corrupt.jar");
            pause(3_000);
            assertEquals("a corrupt jar is reported once, then left alone until it changes",
                    reports, linesMentioning(log, "corrupt.jar"));
            assertTrue(Arrays.stream(bundleContext.getBundles())
                    .noneMatch(b -> b.getLocation().contains("corrupt.jar")));
            everyBundleIsActive();
            assertKvMemoryServes();
        } finally {
            Files.deleteIfExists(corrupt);
            removeAndWait(good);
        }
    }

    @Test
    public void slowlyWrittenJarIsInstalledOnlyWhenComplete() throws IOException {
        Path jar = pluginsDir().resolve("slow-greeter.jar");
        try {
            writeSlowly(projectJar("greeter-en"), jar,
                    () -> assertTrue("installed before it was complete", bundleNamed(GREETER_EN_BUNDLE).isEmpty()));
            waitFor("the completed jar to greet", () -> HELLO_BOB.equals(activeGreeting("Bob")));
            assertKvMemoryServes();
        } finally {
            removeAndWait(jar);
        }
    }

    @Test
    public void slowOverwriteKeepsTheRunningVersionServing() throws IOException {
        Path jar = pluginsDir().resolve("greeter-en.jar");
        try {
            drop(projectJar("greeter-en"), jar);
            waitFor("greeter.en from the folder to greet", () -> HELLO_BOB.equals(activeGreeting("Bob")));

            writeSlowly(projectJar("greeter-en-v2"), jar,
                    () -> assertEquals("the running version serves while its jar is rewritten",
                            HELLO_BOB, activeGreeting("Bob")));
            waitFor("the rewritten jar (2.0.0) to greet", () -> HELLO_BOB_V2.equals(activeGreeting("Bob")));
        } finally {
            removeAndWait(jar);
        }
    }

    @Test
    public void aJarRefusedAsADuplicateIsInstalledOnceTheOtherJarIsDeleted() throws IOException {
        Path first = pluginsDir().resolve("greeter-en.jar");
        Path dup = pluginsDir().resolve("dup.jar");
        Path log = dataDir().resolve("plugboard.log");
        try {
            drop(projectJar("greeter-en"), first);
            waitFor("greeter.en from the folder to greet", () -> HELLO_BOB.equals(activeGreeting("Bob")));
            drop(projectJar("greeter-en"), dup);
            waitFor("plugboard.log to report dup.jar refused", () -> linesMentioning(log, "Cannot install dup.jar") > 0);
            assertTrue(bundleNamed(GREETER_EN_BUNDLE).orElseThrow().getLocation().endsWith("greeter-en.jar"));

            Files.delete(first);

            waitFor("greeter.en from dup.jar to greet", () -> bundleNamed(GREETER_EN_BUNDLE)
                    .filter(b -> b.getLocation().endsWith("dup.jar")).isPresent() && HELLO_BOB.equals(activeGreeting("Bob")));
            assertEquals("the refusal is reported once", 1, linesMentioning(log, "Cannot install dup.jar"));
            everyBundleIsActive();
        } finally {
            Files.deleteIfExists(first);
            removeAndWait(dup);
        }
    }

    @Test
    public void aJarRefusedAsADuplicateIsInstalledOnceTheOtherBundleIsUninstalledByCommand() throws IOException {
        Path first = pluginsDir().resolve("greeter-en.jar");
        Path dup = pluginsDir().resolve("dup2.jar");
        Path log = dataDir().resolve("plugboard.log");
        try {
            drop(projectJar("greeter-en"), first);
            waitFor("greeter.en from the folder to greet", () -> HELLO_BOB.equals(activeGreeting("Bob")));
            drop(projectJar("greeter-en"), dup);
            waitFor("plugboard.log to report dup2.jar refused", () -> linesMentioning(log, "Cannot install dup2.jar") > 0);

            // Its jar stays in the folder, unchanged: it is not installed again.
            execute("plugin:uninstall greeter.en").assertSucceeded();

            waitFor("greeter.en from dup2.jar to greet", () -> bundleNamed(GREETER_EN_BUNDLE)
                    .filter(b -> b.getLocation().endsWith("dup2.jar")).isPresent() && HELLO_BOB.equals(activeGreeting("Bob")));
            assertEquals(1, Arrays.stream(bundleContext.getBundles())
                    .filter(b -> GREETER_EN_BUNDLE.equals(b.getSymbolicName())).count());
        } finally {
            Files.deleteIfExists(first);
            removeAndWait(dup);
        }
    }

    private Path pluginsDir() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    /** Copies the jar under a name the watcher ignores, then renames it atomically into place. */
    private static void drop(Path source, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Writes the jar in place in six chunks, pausing after each incomplete state and checking
     * the invariant then (not after the last chunk: by then the jar may rightly be taken).
     */
    private static void writeSlowly(Path source, Path target, Runnable invariant) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        int chunk = (bytes.length + 5) / 6;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int offset = 0; offset < bytes.length; offset += chunk) {
                out.write(bytes, offset, Math.min(chunk, bytes.length - offset));
                out.flush();
                if (offset + chunk < bytes.length) {
                    pause(CHUNK_PAUSE_MILLIS);
                    invariant.run();
                }
            }
        }
    }

    /** Deletes the jar and waits until no greeter is left, so the next test starts clean. */
    private void removeAndWait(Path jar) throws IOException {
        Files.deleteIfExists(jar);
        waitFor("the host to uninstall " + jar.getFileName(),
                () -> registry.plugins(Greeter.TYPE).isEmpty() && bundleNamed(GREETER_EN_BUNDLE).isEmpty()
                        && bundleNamed("io.plugboard.greeter-zh").isEmpty());
    }

    private void assertKvMemoryServes() {
        activeStore().put("folder-test", new byte[] {7});
        assertEquals(7, activeStore().get("folder-test").orElseThrow()[0]);
    }

    private static long linesMentioning(Path log, String text) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }
}
