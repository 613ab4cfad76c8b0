package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.plugboard.api.registry.PluginInfo;

/**
 * Two bundles of different symbolic names never declare one plugin name at one version (both
 * would serve, and plugin:use could pick only one): the second is refused, naming the first
 * (its symbolic name, id and file), in the watched folder (reported once, and taken when the
 * first leaves) and by plugin:install (a clear error, nothing left installed).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginNameClashIT extends PluginRuntimeTestSupport {

    private static final String ZH_BUNDLE = "io.plugboard.greeter-zh";
    private static final String OTHER_BUNDLE = "io.plugboard.greeter-zh-other";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()));
    }

    /** Each test leaves no file in the folder and neither greeter.zh bundle behind. */
    @After
    public void nothingIsLeft() throws IOException {
        try (var files = Files.list(pluginsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        waitFor("the folder's bundles to be gone", () -> bundleNamed(ZH_BUNDLE).isEmpty()
                && bundleNamed(OTHER_BUNDLE).isEmpty() && bundleNamed(GREETER_EN_BUNDLE).isEmpty());
    }

    @Test
    public void inTheFolderTheSecondIsRefusedOnceAndTakenWhenTheFirstLeaves() throws Exception {
        Path zh = drop("greeter-zh");
        waitFor("greeter.zh from greeter-zh.jar", () -> greeterZh().size() == 1);
        Bundle first = bundleNamed(ZH_BUNDLE).orElseThrow();

        Path other = drop("greeter-zh-other");
        String refusal = "WARN [io.plugboard.host " + hostVersion() + "] Cannot install greeter-zh-other.jar from the"
                + " plugins folder: " + other + " declares the plugin greeter.zh " + first.getVersion() + ", which bundle "
                + first.getBundleId() + " (" + ZH_BUNDLE + " " + first.getVersion() + ", from " + zh + ") declares"
                + " already; two bundles cannot serve one plugin name and version (plugin:use could not tell them"
                + " apart): give the plugin another name or version, or uninstall bundle " + first.getBundleId() + " first";
        waitFor("plugboard.log to report greeter-zh-other.jar refused", () -> refusals(refusal) == 1);
        assertEquals(List.of(), bundleNamed(OTHER_BUNDLE).stream().toList());

        // Another jar comes and goes: the refused one is not reported again.
        Path en = drop("greeter-en");
        waitFor("greeter.en", () -> registry.plugins().stream().anyMatch(p -> p.name().equals("greeter.en")));
        assertEquals(1, refusals(refusal));
        assertEquals(List.of(first.getBundleId()), greeterZh().stream().map(PluginInfo::bundleId).toList());
        execute("plugin:use greeter greeter.zh").assertSucceeded();
        assertEquals("\u4f60\u597d\uff0cBob\uff01", execute("plugin:greet Bob").assertSucceeded());

        // The first leaves with its jar: the second, still in the folder, is taken.
        Files.delete(zh);
        waitFor("greeter.zh from greeter-zh-other.jar", () -> bundleNamed(ZH_BUNDLE).isEmpty()
                && greeterZh().size() == 1 && bundleNamed(OTHER_BUNDLE).map(b -> b.getBundleId() == greeterZh().get(0)
                        .bundleId()).orElse(false));
        assertEquals("(other) Bob", execute("plugin:greet Bob").assertSucceeded());
        assertEquals(1, refusals(refusal));
        Files.delete(en);
        // Gone first: a bundle the folder is uninstalling meanwhile is STOPPING, not inactive for good.
        waitFor("greeter-en to be gone", () -> bundleNamed(GREETER_EN_BUNDLE).isEmpty());
        everyBundleIsActive();
    }

    /** The first's update to another version lets the refused one in at once: the clashing version left. */
    @Test
    public void inTheFolderTheSecondIsTakenWhenTheFirstIsUpdatedToAnotherVersion() throws Exception {
        Path zh = drop("greeter-zh");
        waitFor("greeter.zh from greeter-zh.jar", () -> greeterZh().size() == 1);
        Bundle first = bundleNamed(ZH_BUNDLE).orElseThrow();
        drop("greeter-zh-other");
        waitFor("greeter-zh-other.jar refused", () -> logFileLines().stream()
                .anyMatch(l -> l.contains("Cannot install greeter-zh-other.jar from the plugins folder: ")));

        Path v020 = atVersion(projectJar("greeter-zh"), "0.2.0", newWorkDir("zh-020").resolve("greeter-zh.jar"));
        Path part = zh.resolveSibling(".greeter-zh.jar.part");
        Files.copy(v020, part);
        Files.move(part, zh, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        waitFor("greeter.zh 0.2.0 from greeter-zh.jar and the other's greeter.zh", () -> greeterZh().size() == 2
                && bundleNamed(OTHER_BUNDLE).map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        assertEquals("0.2.0", first.getVersion().toString());
        assertEquals(Bundle.ACTIVE, first.getState());
    }

    @Test
    public void pluginInstallRefusesTheSecondWithAClearErrorAndLeavesNothingInstalled() {
        Path zh = projectJar("greeter-zh");
        execute("plugin:install " + zh).assertSucceeded();
        Bundle first = bundleNamed(ZH_BUNDLE).orElseThrow();
        int bundles = bundleContext.getBundles().length;

        Path other = projectJar("greeter-zh-other");
        execute("plugin:install " + other).assertClearError(other + " declares the plugin greeter.zh "
                + first.getVersion() + ", which bundle " + first.getBundleId() + " (" + ZH_BUNDLE + " "
                + first.getVersion() + ", from " + zh + ") declares already",
                "uninstall bundle " + first.getBundleId() + " first");
        assertEquals(bundles, bundleContext.getBundles().length);
        assertEquals(List.of(first.getBundleId()), greeterZh().stream().map(PluginInfo::bundleId).toList());

        execute("plugin:uninstall " + first.getBundleId()).assertSucceeded();
        execute("plugin:install " + other).assertSucceeded();
        waitFor("greeter.zh from greeter-zh-other", () -> greeterZh().size() == 1
                && greeterZh().get(0).bundleId() == bundleNamed(OTHER_BUNDLE).orElseThrow().getBundleId());
        execute("plugin:uninstall " + OTHER_BUNDLE).assertSucceeded();
    }

    /** The jar with another Bundle-Version, all else as it is. */
    private static Path atVersion(Path source, String version, Path target) throws IOException {
        try (InputStream file = Files.newInputStream(source); JarInputStream in = new JarInputStream(file)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
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

    private List<PluginInfo> greeterZh() {
        return registry.plugins().stream().filter(p -> p.name().equals("greeter.zh")).toList();
    }

    private long refusals(String line) {
        return logFileLines().stream().filter(l -> l.endsWith(line)).count();
    }

    private String hostVersion() {
        return bundleNamed("io.plugboard.host").orElseThrow().getVersion().toString();
    }

    private Path pluginsDir() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    /** Copies one of our jars into the plugins folder under a name it ignores, then renames it into place. */
    private Path drop(String name) throws IOException {
        Path target = pluginsDir().resolve(name + ".jar");
        Path part = target.resolveSibling("." + name + ".jar.part");
        Files.copy(projectJar(name), part, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
