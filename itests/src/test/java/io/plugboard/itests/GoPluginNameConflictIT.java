package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * A go-plugin and a plugin bundle never serve under one name: a {@code .goplugin} named as a
 * running bundle's plugin is refused, and so is a jar whose plugin is named as a running
 * go-plugin, each with a message that names the file or bundle that holds the name, as a second
 * descriptor of a running name is. The first keeps serving, and the refused file is taken once
 * the first leaves, as the watched folder does for every conflict.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GoPluginNameConflictIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY = "kv.memory";
    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";
    /** Long enough for a loaded machine to start a plugin process. */
    private static final long PROCESS_WAIT_MILLIS = 15_000;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                goPluginConfiguration(),
                // Another kv type, so kv.memory is never the only plugin there is.
                projectBundle("kv-file"));
    }

    /** Each test leaves no file in the folder, no kv.memory and no kv-go process behind. */
    @After
    public void nothingIsLeft() throws IOException {
        try (var files = Files.list(pluginsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        waitFor("kv.memory to be gone", PROCESS_WAIT_MILLIS, () -> kvMemories().isEmpty()
                && bundleNamed(KV_MEMORY_BUNDLE).isEmpty());
        Path kvGo = goProgram("kv-go");
        waitFor("no kv-go process to be left", PROCESS_WAIT_MILLIS, () -> processesOf(kvGo).isEmpty());
    }

    @Test
    public void aDescriptorNamedAsABundlesPluginIsRefusedAndTakenOnceTheBundleLeaves() throws Exception {
        Path jar = pluginsDir().resolve("kv-memory.jar");
        drop(projectJar("kv-memory"), jar);
        waitFor("kv.memory from the folder's jar", () -> kvMemories().size() == 1);
        Bundle bundle = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("stored colour in kv.memory", execute("plugin:kv put colour blue").assertSucceeded());

        Path descriptor = kvGoNamed(KV_MEMORY, pluginsDir().resolve("kv-memory-go.goplugin"));
        String refusal = descriptor + " declares the plugin kv.memory, which bundle " + bundle.getBundleId() + " ("
                + KV_MEMORY_BUNDLE + " " + bundle.getVersion() + ", from " + jar + ") serves already; a go-plugin and"
                + " a bundle cannot share a plugin name: give it another name (key \"name\") or uninstall that bundle first";
        waitFor("plugboard.log to report kv-memory-go.goplugin refused", () -> logFileLines().stream().anyMatch(
                l -> l.endsWith("WARN [io.plugboard.host " + hostVersion() + "] Cannot install kv-memory-go.goplugin"
                        + " from the plugins folder: " + refusal)));

        // The bundle's plugin serves on, alone under its name: the commands know which one they mean.
        assertEquals(List.of(bundle.getBundleId()), kvMemories().stream().map(PluginInfo::bundleId).toList());
        assertEquals(List.of(), processesOf(goProgram("kv-go")));
        assertEquals("blue", execute("plugin:kv get colour").assertSucceeded());
        assertTrue(execute("plugin:info kv.memory").assertSucceeded().startsWith(KV_MEMORY_BUNDLE + " "));
        assertEquals(1, execute("plugin:list").assertSucceeded().lines().filter(l -> l.contains(" kv.memory ")).count());
        // plugin:install is refused the same way, from anywhere.
        Path elsewhere = kvGoNamed(KV_MEMORY, newWorkDir("elsewhere").resolve("kv-memory-go.goplugin"));
        execute("plugin:install " + elsewhere).assertClearError(elsewhere + " declares the plugin kv.memory, which bundle "
                + bundle.getBundleId(), "serves already", "uninstall that bundle first");

        // The bundle leaves with its jar: the descriptor, still in the folder, is taken.
        Files.delete(jar);
        waitFor("kv.memory from kv-memory-go.goplugin", PROCESS_WAIT_MILLIS, () -> bundleNamed(KV_MEMORY_BUNDLE).isEmpty()
                && kvMemories().size() == 1 && "serving".equals(infoFacts(KV_MEMORY).get("state")));
        assertEquals(descriptor.toString(), infoFacts(KV_MEMORY).get("file"));
        assertEquals("stored colour in kv.memory", execute("plugin:kv put colour green").assertSucceeded());
        assertEquals("green", execute("plugin:kv get colour").assertSucceeded());
        everyBundleIsActive();
    }

    @Test
    public void aJarNamedAsAGoPluginIsRefusedAndTakenOnceTheGoPluginLeaves() throws Exception {
        Path descriptor = kvGoNamed(KV_MEMORY, pluginsDir().resolve("kv-memory-go.goplugin"));
        waitFor("kv.memory from kv-memory-go.goplugin", PROCESS_WAIT_MILLIS, () -> kvMemories().size() == 1
                && "serving".equals(infoFacts(KV_MEMORY).get("state")));
        long pid = Long.parseLong(infoFacts(KV_MEMORY).get("pid"));
        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("stored colour in kv.memory", execute("plugin:kv put colour blue").assertSucceeded());

        Path jar = pluginsDir().resolve("kv-memory.jar");
        drop(projectJar("kv-memory"), jar);
        String refusal = jar + " declares the plugin kv.memory, which already runs from " + descriptor + "; a bundle"
                + " and a plugin run from a file cannot share a name: give the bundle's plugin another name or uninstall"
                + " kv-memory-go.goplugin first";
        waitFor("plugboard.log to report kv-memory.jar refused", () -> logFileLines().stream().anyMatch(
                l -> l.endsWith("WARN [io.plugboard.host " + hostVersion() + "] Cannot install kv-memory.jar"
                        + " from the plugins folder: " + refusal)));

        // The go-plugin serves on, alone under its name, in the same process.
        assertEquals(List.of(), bundleNamed(KV_MEMORY_BUNDLE).stream().toList());
        assertEquals(1, kvMemories().size());
        assertEquals(String.valueOf(pid), infoFacts(KV_MEMORY).get("pid"));
        assertEquals("blue", execute("plugin:kv get colour").assertSucceeded());
        Path elsewhere = newWorkDir("elsewhere").resolve("kv-memory.jar");
        Files.copy(projectJar("kv-memory"), elsewhere);
        execute("plugin:install " + elsewhere).assertClearError(elsewhere + " declares the plugin kv.memory, which"
                + " already runs from " + descriptor, "uninstall kv-memory-go.goplugin first");
        assertEquals(List.of(), bundleNamed(KV_MEMORY_BUNDLE).stream().toList());

        // The go-plugin leaves with its descriptor: the jar, still in the folder, is taken.
        Files.delete(descriptor);
        waitFor("kv.memory from kv-memory.jar", PROCESS_WAIT_MILLIS, () -> bundleNamed(KV_MEMORY_BUNDLE)
                .filter(b -> b.getState() == Bundle.ACTIVE).isPresent() && kvMemories().size() == 1
                && kvMemories().get(0).bundleId() == bundleNamed(KV_MEMORY_BUNDLE).orElseThrow().getBundleId());
        waitFor("kv-go " + pid + " to end", PROCESS_WAIT_MILLIS, () -> !processRuns(pid));
        assertEquals("stored colour in kv.memory", execute("plugin:kv put colour green").assertSucceeded());
        assertEquals("green", execute("plugin:kv get colour").assertSucceeded());
        everyBundleIsActive();
    }

    /** Writes a descriptor that runs kv-go under the given name, and returns its path. */
    private Path kvGoNamed(String name, Path file) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", name);
        keys.put("type", "kv");
        keys.put("version", "1.0.0");
        keys.put("command", goProgram("kv-go").toString());
        keys.put("cookie", KV_GO_COOKIE);
        return writeDescriptor(file, keys);
    }

    /** The kv plugins named kv.memory, bundle or go-plugin. */
    private List<PluginInfo> kvMemories() {
        return registry.plugins(KeyValueStore.TYPE).stream().filter(p -> KV_MEMORY.equals(p.name())).toList();
    }

    private String hostVersion() {
        return bundleNamed("io.plugboard.host").orElseThrow().getVersion().toString();
    }

    private Path pluginsDir() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    /** Copies the jar in under a name the folder ignores, then renames it into place, as a user's mv would. */
    private static void drop(Path source, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
