package io.plugboard.itests;

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
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
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

/**
 * A jar that imports nothing from io.plugboard.api (shout-library) is a library: installed,
 * resolved and started as Felix FileInstall starts any bundle of its folder, listed as
 * {@code library}, and uninstalled by id or by deleting its file. A plugin that imports its
 * package (greeter-shout) starts once the library is there, whatever came first.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LibraryBundleIT extends PluginRuntimeTestSupport {

    private static final String LIBRARY = "io.plugboard.shout-library";
    private static final String SHOUTING_GREETER = "io.plugboard.greeter-shout";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()));
    }

    /** Each test leaves neither bundle behind: the folder's go with their files. */
    @After
    public void nothingIsLeft() throws IOException {
        try (var files = Files.list(pluginsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        waitFor("both bundles to be gone", () -> bundleNamed(LIBRARY).isEmpty() && bundleNamed(SHOUTING_GREETER).isEmpty());
    }

    @Test
    public void aLibraryInTheFolderIsStartedListedAndServesAPluginThatCameFirst() throws Exception {
        drop("greeter-shout");
        waitFor("greeter-shout to be installed, waiting for io.plugboard.shout", () -> bundleNamed(SHOUTING_GREETER)
                .filter(b -> b.getState() == Bundle.INSTALLED).isPresent());
        Path library = drop("shout-library");
        waitFor("the library and greeter.shout to run", () -> bundleNamed(LIBRARY)
                .filter(b -> b.getState() == Bundle.ACTIVE).isPresent()
                && registry.plugins().stream().anyMatch(p -> p.name().equals("greeter.shout")));
        Bundle lib = bundleNamed(LIBRARY).orElseThrow();

        execute("plugin:use greeter greeter.shout").assertSucceeded();
        assertEquals("HELLO, BOB!", execute("plugin:greet Bob").assertSucceeded());
        String row = execute("plugin:list").assertSucceeded().lines().filter(l -> l.contains(LIBRARY)).findFirst()
                .orElseThrow();
        assertTrue(row, row.matches(lib.getBundleId() + " +" + LIBRARY + " +library +" + lib.getVersion() + " +ACTIVE *"));
        String info = execute("plugin:info " + lib.getBundleId()).assertSucceeded();
        assertTrue(info, info.startsWith(LIBRARY + " " + lib.getVersion() + " (bundle " + lib.getBundleId() + ")"));
        everyBundleIsActive();

        // Its file deleted, it goes; the plugin that needed it waits for it again, unresolved.
        Files.delete(library);
        waitFor("the library to be uninstalled", () -> bundleNamed(LIBRARY).isEmpty());
        waitFor("greeter-shout to be refreshed", () -> bundleNamed(SHOUTING_GREETER).orElseThrow().getState()
                == Bundle.INSTALLED);
        // Said on one line with the reason, as for any plugin not active, and still known by its plugin's name.
        Bundle shout = bundleNamed(SHOUTING_GREETER).orElseThrow();
        String reason = "is not resolved: it imports io.plugboard.shout [1.0.0,2.0.0), which no bundle exports";
        waitFor("the warning that greeter-shout is not active", () -> logFileLines().stream().anyMatch(l -> l.contains(
                " WARN ") && l.contains("Plugin " + SHOUTING_GREETER + " " + shout.getVersion() + " (bundle "
                + shout.getBundleId() + ") is installed but not active: ") && l.contains(reason)));
        String listed = execute("plugin:list").assertSucceeded().lines().filter(l -> l.startsWith(shout.getBundleId() + " "))
                .findFirst().orElseThrow();
        assertTrue(listed, listed.matches(shout.getBundleId() + " +greeter\\.shout +greeter +" + shout.getVersion()
                + " +INSTALLED +not resolved: it imports io\\.plugboard\\.shout \\[1\\.0\\.0,2\\.0\\.0\\), which no bundle"
                + " exports"));
        String shoutInfo = execute("plugin:info greeter.shout").assertSucceeded();
        assertTrue(shoutInfo, shoutInfo.contains(reason));
    }

    @Test
    public void aLibraryUpdateThatWouldBreakARunningPluginIsRefusedAndTheLibraryServesOn() throws Exception {
        Path library = drop("shout-library");
        drop("greeter-shout");
        waitFor("greeter.shout to run", () -> registry.plugins().stream().anyMatch(p -> p.name().equals("greeter.shout")));
        execute("plugin:use greeter greeter.shout").assertSucceeded();
        Bundle lib = bundleNamed(LIBRARY).orElseThrow();
        Bundle shout = bundleNamed(SHOUTING_GREETER).orElseThrow();

        int logged = logFileLines().size();
        // Its export moved to 2.0.0, out of greeter-shout's import range [1,2).
        Path v2 = withShoutExportAt2(projectJar("shout-library"), newWorkDir("shout-v2").resolve("shout-library.jar"));
        Path part = library.resolveSibling(".shout-library.jar.part");
        Files.copy(v2, part);
        Files.move(part, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        waitFor("the refusal", () -> logFileLines().stream().anyMatch(l -> l.contains("Cannot update shout-library.jar")));
        String line = logFileLines().stream().filter(l -> l.contains("Cannot update shout-library.jar")).findFirst()
                .orElseThrow();
        assertTrue(line, line.contains("not updated: " + LIBRARY + " 2.0.0 (") && line.contains(") would break the"
                + " running plugin " + SHOUTING_GREETER + " " + shout.getVersion() + ", bundle " + shout.getBundleId()
                + ": it imports io.plugboard.shout [1.0.0,2.0.0), but " + LIBRARY + " 2.0.0 exports io.plugboard.shout"
                + " 2.0.0; " + LIBRARY + " " + lib.getVersion() + " keeps serving"));
        assertEquals(lib.getVersion(), bundleNamed(LIBRARY).orElseThrow().getVersion());
        assertEquals(Bundle.ACTIVE, shout.getState());
        assertEquals("HELLO, BOB!", execute("plugin:greet Bob").assertSucceeded());
        assertTrue("no FrameworkEvent ERROR: the plugin was never rewired", logFileLines().stream().skip(logged)
                .noneMatch(l -> l.contains("[" + SHOUTING_GREETER) && l.contains("FrameworkEvent ERROR")));
    }

    /** The library jar at version 2.0.0, exporting io.plugboard.shout at 2.0.0. */
    private static Path withShoutExportAt2(Path source, Path target) throws IOException {
        try (InputStream file = Files.newInputStream(source); JarInputStream in = new JarInputStream(file)) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue("Bundle-Version", "2.0.0");
            main.putValue("Export-Package", "io.plugboard.shout;version=\"2.0.0\"");
            try (OutputStream bytes = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return target;
    }

    @Test
    public void aLibraryInstalledByCommandIsStartedAndUninstalledById() {
        Path jar = projectJar("shout-library");
        String installed = execute("plugin:install " + jar).assertSucceeded();
        Bundle lib = bundleNamed(LIBRARY).orElseThrow();
        assertEquals("installed " + LIBRARY + " " + lib.getVersion() + " as bundle " + lib.getBundleId()
                + "; a library: it imports no io.plugboard.api package", installed);
        assertEquals(Bundle.ACTIVE, lib.getState());

        assertEquals("uninstalled " + LIBRARY + " " + lib.getVersion() + " (bundle " + lib.getBundleId() + ")",
                execute("plugin:uninstall " + lib.getBundleId()).assertSucceeded());
        assertEquals(Bundle.UNINSTALLED, lib.getState());
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
