package io.plugboard.host.internal.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

/**
 * The entries of a bundle's current revision written out as a jar, so an update the new version
 * of which cannot resolve or start can put the running version back. Read from the bundle itself
 * rather than from its file: a jar replaced in the plugins folder no longer holds the running
 * version, and a plugin updated from another path never did. The jar has the same entries, not
 * the same bytes (entry times and compression may differ), which is all the framework reads.
 */
final class RevisionJar {

    private RevisionJar() {
    }

    /**
     * The bundle's own entries (not those of attached fragments), the manifest first as a jar
     * has it. Throws if the bundle has no manifest entry: that would be no bundle to go back to.
     */
    static byte[] of(Bundle bundle) throws IOException {
        List<String> paths = new ArrayList<>();
        collect(bundle, "/", paths);
        if (!paths.contains(JarFile.MANIFEST_NAME)) {
            throw new IOException("bundle " + bundle.getBundleId() + " has no " + JarFile.MANIFEST_NAME + " entry");
        }
        paths.remove(JarFile.MANIFEST_NAME);
        paths.remove("META-INF/");
        paths.add(0, "META-INF/");
        paths.add(1, JarFile.MANIFEST_NAME);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            for (String path : paths) {
                out.putNextEntry(new ZipEntry(path));
                if (!path.endsWith("/")) {
                    URL entry = bundle.getEntry(path);
                    if (entry == null) {
                        throw new IOException("entry " + path + " of bundle " + bundle.getBundleId() + " vanished");
                    }
                    try (InputStream in = entry.openStream()) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    // Depth first, a folder before what it holds, as jar tools write them.
    private static void collect(Bundle bundle, String folder, List<String> paths) {
        Enumeration<String> children = bundle.getEntryPaths(folder);
        if (children == null) {
            return;
        }
        List<String> sorted = new ArrayList<>();
        while (children.hasMoreElements()) {
            String child = children.nextElement();
            sorted.add(child.startsWith("/") ? child.substring(1) : child);
        }
        sorted.sort(null);
        for (String child : sorted) {
            if (child.isEmpty()) {
                continue;
            }
            paths.add(child);
            if (child.endsWith("/")) {
                collect(bundle, child, paths);
            }
        }
    }
}
