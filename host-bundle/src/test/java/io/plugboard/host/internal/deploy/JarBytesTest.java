package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Optional;

import org.junit.Test;
import org.osgi.framework.Version;

public class JarBytesTest {

    @Test
    public void acceptsACompleteBundleJar() throws Exception {
        Optional<PluginJar> jar = JarBytes.check(TestJars.bundle(5_000,
                "Bundle-SymbolicName", "io.example.a;singleton:=true", "Bundle-Version", "1.2.3"));

        assertEquals(Optional.of(new PluginJar("io.example.a", new Version(1, 2, 3))), jar);
    }

    @Test
    public void neverAcceptsAJarCutShortAtAnyLength() throws Exception {
        byte[] full = TestJars.plugin("io.example.a", "1.0.0");
        for (int length = 0; length < full.length; length++) {
            assertTrue("accepted the first " + length + " of " + full.length + " bytes",
                    JarBytes.check(Arrays.copyOf(full, length)).isEmpty());
        }
    }

    @Test
    public void neverAcceptsAJarWithADamagedEntry() throws Exception {
        byte[] jar = TestJars.bundle(5_000, "Bundle-SymbolicName", "io.example.a");
        // Flip bytes in the middle of the compressed entry; the central directory stays intact.
        for (int i = jar.length / 2; i < jar.length / 2 + 16; i++) {
            jar[i] ^= 0x5a;
        }

        assertTrue(JarBytes.check(jar).isEmpty());
    }

    @Test
    public void leavesAJarWithoutSymbolicNameToTheSlowPath() throws Exception {
        assertTrue(JarBytes.check(TestJars.bundle(10, "Bundle-Version", "1.0.0")).isEmpty());
    }
}
