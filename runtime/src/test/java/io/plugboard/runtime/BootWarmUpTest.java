package io.plugboard.runtime;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/** BootWarmUp against a real Felix: what it unpacks, and that a restart's cached bundles start no thread. */
public class BootWarmUpTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Framework framework;

    @After
    public void stopFramework() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    public void unpacksTheEmbeddedJarsOfAFreshBundleIntoTheCacheBeforeItsFirstClassLoad() throws Exception {
        byte[] inner = jar(Map.of("inner/Data.txt", "inside"), null);
        Bundle bundle = install("carrier", ".,lib/inner.jar", Map.of("lib/inner.jar", inner));
        Path cache = temp.getRoot().toPath().resolve("cache");
        assertTrue("nothing unpacked before", embeddedJars(cache).isEmpty());

        Thread thread = BootWarmUp.unpackEmbeddedJars(List.of(bundle));
        assertNotNull(thread);
        BootWarmUp.await(thread);

        List<Path> unpacked = embeddedJars(cache);
        assertTrue("unpacked: " + unpacked, unpacked.size() == 1 && unpacked.get(0).endsWith("lib/inner.jar"));
        assertArrayEquals("whole, as Felix would have written it", inner, Files.readAllBytes(unpacked.get(0)));
        // And the bundle reads from it as before.
        assertNotNull(bundle.getResource("inner/Data.txt"));
    }

    @Test
    public void aBundleWithoutEmbeddedJarsNeedsNoThread() throws Exception {
        Bundle plain = install("plain", ".", Map.of());
        assertNull(BootWarmUp.unpackEmbeddedJars(List.of(plain)));
    }

    @Test
    public void aRestartWithEveryBootBundleCachedStartsNoThread() {
        // BootSet lists only the bundles it installed now; a restart installs none.
        assertNull(BootWarmUp.unpackEmbeddedJars(List.of()));
    }

    @Test
    public void theXmlParserWarmUpEnds() throws Exception {
        Thread thread = BootWarmUp.warmUpXmlParser();
        thread.join(10_000);
        assertFalse(thread.isAlive());
    }

    @Test
    public void theSampleIsWellFormedXmlForTheJdkParser() throws Exception {
        // Parses without an exception (a broken sample would warm up nothing).
        BootWarmUp.parseSample();
    }

    @Test
    public void bundleClassPathsThatNameEmbeddedJars() {
        assertTrue(BootWarmUp.namesEmbeddedJars(".,lib/grpc-api.jar,lib/guava.jar"));
        assertTrue(BootWarmUp.namesEmbeddedJars("lib/only.jar"));
        assertTrue(BootWarmUp.namesEmbeddedJars(" . , lib/a.jar ; lib/b.jar ; some=attr"));
        assertTrue(BootWarmUp.namesEmbeddedJars("classes/"));
    }

    @Test
    public void bundleClassPathsOfTheBundleAlone() {
        assertFalse(BootWarmUp.namesEmbeddedJars(null));
        assertFalse(BootWarmUp.namesEmbeddedJars(""));
        assertFalse(BootWarmUp.namesEmbeddedJars("."));
        assertFalse(BootWarmUp.namesEmbeddedJars(" . , / "));
        assertFalse(BootWarmUp.namesEmbeddedJars(".;some=attr"));
    }

    /** Installs and resolves a bundle made of the given entries in a framework of its own cache. */
    private Bundle install(String name, String classPath, Map<String, byte[]> entries)
            throws Exception {
        if (framework == null) {
            FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
            framework = factory.newFramework(Map.of("org.osgi.framework.storage",
                    temp.getRoot().toPath().resolve("cache").toString(),
                    "org.osgi.framework.storage.clean", "onFirstInit"));
            framework.start();
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", name);
        if (classPath != null) {
            main.putValue("Bundle-ClassPath", classPath);
        }
        Map<String, String> none = Map.of();
        byte[] jar = jar(none, manifest, entries);
        Bundle bundle = framework.getBundleContext().installBundle("test:" + name, new ByteArrayInputStream(jar));
        assertTrue(framework.adapt(FrameworkWiring.class).resolveBundles(List.of(bundle)));
        return bundle;
    }

    private static List<Path> embeddedJars(Path cache) throws IOException {
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(file -> file.toString().contains("-embedded") && file.toString().endsWith(".jar"))
                    .toList();
        }
    }

    private static byte[] jar(Map<String, String> texts, Manifest manifest) throws IOException {
        return jar(texts, manifest, Map.of());
    }

    private static byte[] jar(Map<String, String> texts, Manifest manifest, Map<String, byte[]> binaries)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = manifest == null ? new JarOutputStream(bytes) : new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, String> entry : texts.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : binaries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
