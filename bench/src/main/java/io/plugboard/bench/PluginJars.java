package io.plugboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.plugboard.api.greeter.Greeter;

/**
 * Writes tiny Greeter plugin jars in memory: a manifest, a DS component description and the
 * class file of {@link io.plugboard.bench.fixture.BenchGreeter}. What bnd would write for such a
 * plugin, without running bnd thousands of times.
 */
final class PluginJars {

    static final String COMPONENT_CLASS = "io.plugboard.bench.fixture.BenchGreeter";
    private static final String CLASS_ENTRY = COMPONENT_CLASS.replace('.', '/') + ".class";
    private static final String XML_ENTRY = "OSGI-INF/bench.greeter.xml";
    private static final byte[] CLASS_BYTES = readClass();

    private PluginJars() {
    }

    /**
     * Returns the bytes of a greeter plugin jar.
     *
     * @param symbolicName the bundle's symbolic name; equal names make a jar an update of the other
     * @param version the bundle version, e.g. {@code 1.0.3}
     * @param pluginName the {@code plugin.name} service property
     * @param greeting what every call of {@code greet} answers
     * @param ranking the {@code service.ranking}; above 0 it wins over the example greeters
     */
    static byte[] greeter(String symbolicName, String version, String pluginName, String greeting, int ranking) {
        if (symbolicName.isBlank() || pluginName.isBlank()) {
            throw new IllegalArgumentException("a plugin jar needs a symbolic name and a plugin name");
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Import-Package", "io.plugboard.api.greeter;version=\"[1.0,2)\"");
        main.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)"
                + "(version>=1.4.0)(!(version>=2.0.0)))\"");
        main.putValue("Service-Component", XML_ENTRY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry(XML_ENTRY));
            jar.write(componentXml(pluginName, greeting, ranking).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(CLASS_ENTRY));
            jar.write(CLASS_BYTES);
            jar.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The DS 1.4 description: immediate, so installing the bundle activates the component. */
    static String componentXml(String pluginName, String greeting, int ranking) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"bench.greeter\""
                + " immediate=\"true\" init=\"1\">\n"
                + property("greeting", "String", greeting)
                + property("plugin.name", "String", pluginName)
                + property("plugin.type", "String", Greeter.TYPE)
                + property("service.ranking", "Integer", Integer.toString(ranking))
                + "  <service>\n    <provide interface=\"" + Greeter.class.getName() + "\"/>\n  </service>\n"
                + "  <implementation class=\"" + COMPONENT_CLASS + "\"/>\n"
                + "</scr:component>\n";
    }

    private static String property(String name, String type, String value) {
        return "  <property name=\"" + name + "\" type=\"" + type + "\" value=\"" + escape(value) + "\"/>\n";
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static byte[] readClass() {
        try (InputStream in = PluginJars.class.getClassLoader().getResourceAsStream(CLASS_ENTRY)) {
            if (in == null) {
                throw new IllegalStateException(CLASS_ENTRY + " is missing from the bench's class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
