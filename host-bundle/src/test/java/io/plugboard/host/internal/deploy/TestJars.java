package io.plugboard.host.internal.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/** Builds real jar files for tests. */
public final class TestJars {

    private TestJars() {
    }

    /** A bundle jar with the given manifest headers (name/value pairs) and one filler entry of {@code padding} bytes. */
    static byte[] bundle(int padding, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        return jar(manifest, padding);
    }

    /** A plugin bundle named {@code name} at {@code version}, importing the kv API. */
    public static byte[] plugin(String name, String version) throws IOException {
        return bundle(2_000, "Bundle-SymbolicName", name, "Bundle-Version", version,
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\"");
    }

    /**
     * A plugin bundle named {@code name} at {@code version}, importing the kv API, whose DS
     * component declares the plugin {@code pluginName} as bnd writes it for {@code @PluginName}.
     */
    static byte[] pluginNamed(String name, String version, String pluginName) throws IOException {
        String xml = "OSGI-INF/" + name + ".Store.xml";
        return withEntries(Map.of(xml, component(name + ".Store", pluginName)), "Bundle-SymbolicName", name,
                "Bundle-Version", version, "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\"",
                "Service-Component", xml);
    }

    /** A DS component description of a kv plugin named {@code pluginName}, as bnd writes it. */
    static String component(String className, String pluginName) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"" + className + "\">\n"
                + "  <property name=\"plugin.name\" type=\"String\" value=\"" + pluginName + "\"/>\n"
                + "  <property name=\"plugin.type\" type=\"String\" value=\"kv\"/>\n"
                + "  <service>\n    <provide interface=\"io.plugboard.api.kv.KeyValueStore\"/>\n  </service>\n"
                + "  <implementation class=\"" + className + "\"/>\n"
                + "</scr:component>\n";
    }

    /** A bundle jar with the given manifest headers (name/value pairs) and these entries (name to text), in order. */
    static byte[] withEntries(Map<String, String> entries, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, String> entry : new TreeMap<>(entries).entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A bundle jar with the given manifest headers and the class files of these classes, as the test build made them. */
    public static byte[] withClasses(List<Class<?>> classes, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new ZipEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A bundle jar whose only entry, the manifest with these headers, is stored uncompressed: jars
     * whose headers differ only in same-length values have the same size.
     */
    static byte[] stored(String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        manifest.write(text);
        byte[] content = text.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(content);
        ZipEntry entry = new ZipEntry(JarFile.MANIFEST_NAME);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        entry.setCrc(crc.getValue());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            out.putNextEntry(entry);
            out.write(content);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /**
     * A bundle jar with the given manifest headers and one stored (uncompressed) entry of
     * {@code size} varied bytes, so the jar is larger than {@code size}.
     */
    static byte[] withStoredFiller(int size, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        byte[] filler = new byte[size];
        new java.util.Random(size).nextBytes(filler);
        CRC32 crc = new CRC32();
        crc.update(filler);
        ZipEntry entry = new ZipEntry("data/filler.bin");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc.getValue());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size + 4096);
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(entry);
            out.write(filler);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** A jar without a manifest. */
    static byte[] withoutManifest() throws IOException {
        return jar(null, 100);
    }

    public static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    private static byte[] jar(Manifest manifest, int padding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = manifest == null ? new JarOutputStream(bytes) : new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(new ZipEntry("data/filler.txt"));
            // Varied text so the entry stays large after compression: the jar takes several chunks to write.
            StringBuilder text = new StringBuilder();
            for (int i = 0; text.length() < padding; i++) {
                text.append(Integer.toHexString((int) (i * 2654435761L))).append('\n');
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
