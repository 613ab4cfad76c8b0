package io.plugboard.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Brings the framework cache, kept across starts, in line with the boot bundles inside
 * plugboard.jar. Cleaning the cache on every start made each start copy the 12 boot bundles
 * (2.7 MB) into it again, about a third of the start-up time; now a boot bundle is installed
 * only when it is missing or its content changed.
 *
 * <p>A boot bundle's location names its content: {@code plugboard:boot/<file>#<crc32>-<size>},
 * the CRC and size of its entry in plugboard.jar (read from the zip directory, without inflating
 * the entry). A new plugboard.jar with a changed bundle gives a new location, so the cached one is
 * uninstalled and the new one installed; nothing else is written beside Felix's own cache.
 *
 * <p>Every other cached bundle (the plugins, {@code --plugin} jars) is uninstalled before the
 * framework starts: the folder watcher and the launcher install them fresh from their jars, so
 * a jar replaced or deleted while Plugboard was down is always picked up, whatever its time
 * stamp (a cached bundle compared by time stamp would miss a jar moved in with an older one),
 * and no cached plugin starts before the host. Plugins are small; the boot set is what cost.
 */
final class BootSet {

    static final String LOCATION_PREFIX = "plugboard:boot/";

    private BootSet() {
    }

    /**
     * Installs the missing or changed boot bundles named in {@code names} (resources under
     * {@code boot/}), except those whose symbolic name {@code skipIfMissing} accepts (the shell,
     * not needed by a piped first start: jline alone is 1.4 MB to copy), and uninstalls every
     * other cached bundle; returns the boot bundles there are, in {@code names} order. Call
     * between {@code init()} and {@code start()}.
     */
    static List<Bundle> sync(BundleContext context, List<String> names, Predicate<String> skipIfMissing)
            throws IOException, BundleException {
        Map<String, String> wanted = new HashMap<>();
        List<String> locations = new ArrayList<>();
        for (String name : names) {
            String location = LOCATION_PREFIX + name + "#" + contentId("boot/" + name);
            wanted.put(location, name);
            locations.add(location);
        }
        Map<String, Bundle> cached = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                continue;
            }
            if (wanted.containsKey(bundle.getLocation())) {
                cached.put(bundle.getLocation(), bundle);
            } else {
                // Before start nothing is resolved against it yet, so no refresh is needed.
                bundle.uninstall();
            }
        }
        List<Bundle> boot = new ArrayList<>();
        for (String location : locations) {
            Bundle bundle = cached.get(location);
            String name = wanted.get(location);
            if (bundle == null && !skipIfMissing.test(symbolicName(name))) {
                try (InputStream in = resource("boot/" + name).openStream()) {
                    bundle = context.installBundle(location, in);
                }
            }
            if (bundle != null) {
                boot.add(bundle);
            }
        }
        return boot;
    }

    // The Bundle-SymbolicName (without attributes) in a boot jar's manifest, read without copying the jar.
    private static String symbolicName(String name) throws IOException {
        try (JarInputStream in = new JarInputStream(resource("boot/" + name).openStream())) {
            Manifest manifest = in.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return value == null ? "" : value.split(";", 2)[0].trim();
        }
    }

    /** {@code <crc32>-<size>} of a resource: from the jar's directory when it is in a jar, else by reading it. */
    static String contentId(String name) throws IOException {
        URL url = resource(name);
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection) {
            JarEntry entry = ((JarURLConnection) connection).getJarEntry();
            if (entry.getCrc() != -1 && entry.getSize() != -1) {
                return Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
            }
        }
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = url.openStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return Long.toHexString(crc.getValue()) + "-" + size;
    }

    private static URL resource(String name) throws IOException {
        URL url = BootSet.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException(name + " is missing from plugboard.jar");
        }
        return url;
    }
}
