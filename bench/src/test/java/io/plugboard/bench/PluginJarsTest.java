package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import org.junit.Test;

public class PluginJarsTest {

    @Test
    public void jarIsAGreeterBundleWithItsComponent() throws IOException {
        byte[] jar = PluginJars.greeter("bench.x", "1.0.7", "bench.x", "hi & <bye>", 100);
        Map<String, byte[]> entries = new HashMap<>();
        Attributes main;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            main = in.getManifest().getMainAttributes();
            for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        assertEquals("bench.x", main.getValue("Bundle-SymbolicName"));
        assertEquals("1.0.7", main.getValue("Bundle-Version"));
        assertEquals("io.plugboard.api.greeter;version=\"[1.0,2)\"", main.getValue("Import-Package"));
        String xmlName = main.getValue("Service-Component");
        String xml = new String(entries.get(xmlName), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(xml, xml.contains("<property name=\"greeting\" type=\"String\" value=\"hi &amp; &lt;bye>\"/>"));
        assertTrue(xml, xml.contains("<property name=\"plugin.type\" type=\"String\" value=\"greeter\"/>"));
        assertTrue(xml, xml.contains("<property name=\"service.ranking\" type=\"Integer\" value=\"100\"/>"));
        assertTrue(xml, xml.contains("immediate=\"true\" init=\"1\""));
        assertNotNull(entries.get("io/plugboard/bench/fixture/BenchGreeter.class"));
    }

    @Test
    public void blankNamesAreRefused() {
        try {
            PluginJars.greeter(" ", "1.0.0", "x", "hi", 0);
        } catch (IllegalArgumentException e) {
            assertEquals("a plugin jar needs a symbolic name and a plugin name", e.getMessage());
            return;
        }
        throw new AssertionError("expected IllegalArgumentException");
    }
}
