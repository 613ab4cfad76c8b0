package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The content test that tells a complete jar from one still being written. */
public class ZipEndTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aCompleteJarPassesAndEveryShorterPrefixFails() throws Exception {
        byte[] jar = TestJars.plugin("a", "1.0.0");
        Path file = temp.newFile("a.jar").toPath();

        Files.write(file, jar);
        assertEquals(2, ZipEnd.read(file).entries());

        for (int length = 0; length < jar.length; length++) {
            Files.write(file, Arrays.copyOf(jar, length));
            assertThrows("a jar cut at " + length + " of " + jar.length + " bytes", ZipException.class, () -> ZipEnd.read(file));
        }
    }

    @Test
    public void theFingerprintFollowsTheContentNotTheFile() throws Exception {
        Path a = Files.write(temp.newFile("a.jar").toPath(), TestJars.plugin("a", "1.0.0"));
        Path copy = Files.write(temp.newFile("copy.jar").toPath(), Files.readAllBytes(a));
        Path other = Files.write(temp.newFile("other.jar").toPath(), TestJars.plugin("a", "1.0.1"));

        assertEquals(ZipEnd.read(a).fingerprint(), ZipEnd.read(copy).fingerprint());
        assertNotEquals(ZipEnd.read(a).fingerprint(), ZipEnd.read(other).fingerprint());
    }

    @Test
    public void aJarCutRightAfterAStoredJarInsideItFails() throws Exception {
        // The one prefix of a jar that ends in a complete zip: its last entry, a jar stored as is.
        byte[] inner = TestJars.plugin("inner", "1.0.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("first.txt"));
            out.write("first".getBytes());
            ZipEntry stored = new ZipEntry("lib/inner.jar");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(inner.length);
            CRC32 crc = new CRC32();
            crc.update(inner);
            stored.setCrc(crc.getValue());
            out.putNextEntry(stored);
            out.write(inner);
        }
        byte[] outer = bytes.toByteArray();
        int end = indexOf(outer, inner) + inner.length;
        Path cut = Files.write(temp.newFile("cut.jar").toPath(), Arrays.copyOf(outer, end));

        try (JarFile jar = new JarFile(cut.toFile())) {
            assertTrue("the JDK opens the cut jar (as the inner one), which is why the end is checked",
                    jar.getEntry("META-INF/MANIFEST.MF") != null);
        }
        ZipException e = assertThrows(ZipException.class, () -> ZipEnd.read(cut));
        assertTrue(e.getMessage(), e.getMessage().startsWith("its central directory ("));
        assertEquals(2, ZipEnd.read(Files.write(cut, outer)).entries());
    }

    @Test
    public void theJarTypeExplainsAnIncompleteJarByName() throws Exception {
        Path file = Files.write(temp.newFile("half.jar").toPath(), Arrays.copyOf(TestJars.plugin("a", "1.0.0"), 500));

        FileCheck check = JarKind.checkJar(file);

        assertEquals("half.jar is incomplete or corrupt: no end-of-central-directory record at its end", check.problem());
    }

    @Test
    public void theJarTypeStillRequiresABundleManifest() throws Exception {
        Path file = Files.write(temp.newFile("plain.jar").toPath(), TestJars.withoutManifest());

        FileCheck check = JarKind.checkJar(file);

        assertEquals("plain.jar has no META-INF/MANIFEST.MF, so it is not an OSGi bundle", check.problem());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
