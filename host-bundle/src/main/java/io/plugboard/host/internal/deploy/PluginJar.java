package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/** What a valid plugin jar declares: its symbolic name and version. */
record PluginJar(String symbolicName, Version version) {

    /**
     * Checks that the file is a complete, undamaged jar with an OSGi manifest, and reads its
     * identity. Every entry is read and its CRC compared, so a jar that is still being written
     * (or was overwritten in place) is never mistaken for a complete one.
     *
     * @param name how to call the jar in messages (file name or URL)
     */
    static PluginJar read(Path file, String name) {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            checkEntries(jar);
            manifest = jar.getManifest();
        } catch (ZipException e) {
            throw new PluginInstallException(name + " is not a valid jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginInstallException(name + " cannot be read as a jar: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new PluginInstallException(name + " has no META-INF/MANIFEST.MF, so it is not an OSGi bundle");
        }
        String symbolicName = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (symbolicName == null || symbolicName.isBlank()) {
            throw new PluginInstallException(name + " has no Bundle-SymbolicName in its manifest, so it is not an OSGi bundle");
        }
        String versionText = manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
        try {
            Version version = Version.parseVersion(versionText == null ? null : versionText.trim());
            return new PluginJar(symbolicName.split(";", 2)[0].trim(), version);
        } catch (IllegalArgumentException e) {
            throw new PluginInstallException(name + " has an invalid Bundle-Version '" + versionText + "'", e);
        }
    }

    private static void checkEntries(JarFile jar) throws IOException {
        byte[] buffer = new byte[8192];
        Enumeration<? extends ZipEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (entry.isDirectory()) {
                continue;
            }
            CRC32 crc = new CRC32();
            try (InputStream in = jar.getInputStream(entry)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                }
            }
            if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
                throw new ZipException("entry " + entry.getName() + " is damaged (CRC mismatch)");
            }
        }
    }

    @Override
    public String toString() {
        return symbolicName + " " + version;
    }
}
