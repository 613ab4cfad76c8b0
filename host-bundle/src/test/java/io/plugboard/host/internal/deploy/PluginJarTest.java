package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Version;

public class PluginJarTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void readsSymbolicNameAndVersion() throws Exception {
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("a.jar"),
                TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a;singleton:=true", "Bundle-Version", "1.2.3"));

        PluginJar read = PluginJar.read(jar, "a.jar");

        assertEquals("io.example.a", read.symbolicName());
        assertEquals(new Version(1, 2, 3), read.version());
    }

    @Test
    public void rejectsAFileThatIsNotAZip() throws Exception {
        Path text = Files.writeString(temp.getRoot().toPath().resolve("notes.jar"), "just text");

        assertMessage(text, "notes.jar is not a valid jar (zip) file");
    }

    @Test
    public void rejectsATruncatedJar() throws Exception {
        byte[] full = TestJars.plugin("io.example.a", "1.0.0");
        Path half = TestJars.write(temp.getRoot().toPath().resolve("half.jar"), Arrays.copyOf(full, full.length / 2));

        assertMessage(half, "half.jar is not a valid jar (zip) file");
    }

    @Test
    public void rejectsAJarWithADamagedEntry() throws Exception {
        byte[] jar = TestJars.bundle(5_000, "Bundle-SymbolicName", "io.example.a");
        // Flip bytes in the middle of the compressed entry; the central directory stays intact.
        for (int i = jar.length / 2; i < jar.length / 2 + 16; i++) {
            jar[i] ^= 0x5a;
        }
        Path damaged = TestJars.write(temp.getRoot().toPath().resolve("damaged.jar"), jar);

        PluginInstallException e = assertThrows(PluginInstallException.class, () -> PluginJar.read(damaged, "damaged.jar"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("damaged.jar "));
    }

    @Test
    public void rejectsAJarWithoutManifest() throws Exception {
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("plain.jar"), TestJars.withoutManifest());

        assertMessage(jar, "plain.jar has no META-INF/MANIFEST.MF, so it is not an OSGi bundle");
    }

    @Test
    public void rejectsAJarWithoutSymbolicName() throws Exception {
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("lib.jar"), TestJars.bundle(10, "Bundle-Version", "1.0"));

        assertMessage(jar, "lib.jar has no Bundle-SymbolicName in its manifest, so it is not an OSGi bundle");
    }

    @Test
    public void rejectsAnInvalidVersion() throws Exception {
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("v.jar"),
                TestJars.bundle(10, "Bundle-SymbolicName", "io.example.v", "Bundle-Version", "one"));

        assertMessage(jar, "v.jar has an invalid Bundle-Version 'one'");
    }

    private static void assertMessage(Path jar, String expectedStart) {
        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> PluginJar.read(jar, jar.getFileName().toString()));
        assertTrue(e.getMessage(), e.getMessage().startsWith(expectedStart));
    }

    @Test
    public void testJarsAreRealZips() throws Exception {
        byte[] bytes = TestJars.plugin("x", "1.0.0");
        assertEquals("PK", new String(bytes, 0, 2, StandardCharsets.US_ASCII));
    }
}
