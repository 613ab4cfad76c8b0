package io.plugboard.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;

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
 * <p>The plugins of the watched folder are kept too (a jar there, whose file is still there), so
 * the folder watcher need not install every plugin again at each start: it keeps a cached
 * plugin only if its jar is byte for byte what it was installed from, and replaces any other
 * (a jar replaced while Plugboard was down, whatever its time stamp). None of them may start
 * before the host, which starts them: a plugin marked to start persistently (by Gogo's
 * {@code start}; the host starts them transiently) is marked stopped here. Every other cached
 * bundle ({@code --plugin} jars, plugins installed from elsewhere) is uninstalled: the launcher
 * installs the {@code --plugin} jars again.
 */
final class BootSet {

    static final String LOCATION_PREFIX = "plugboard:boot/";

    private BootSet() {
    }

    /**
     * Installs the missing or changed boot bundles named in {@code names} (resources under
     * {@code boot/}), except those whose main manifest attributes {@code skipIfMissing} accepts
     * (the shell, not needed by a piped first start: jline alone is 1.4 MB to copy) and those
     * {@code installAside} accepts (left to {@link Synced#aside()}), keeps the plugins of
     * {@code pluginsDir} (see above) and uninstalls every other cached bundle. Call between
     * {@code init()} and {@code start()}.
     */
    static Synced sync(BundleContext context, List<String> names, Predicate<Attributes> skipIfMissing,
            Predicate<Attributes> installAside, Path pluginsDir) throws IOException, BundleException {
        Map<String, String> wanted = new HashMap<>();
        List<String> locations = new ArrayList<>();
        for (String name : names) {
            String location = LOCATION_PREFIX + name + "#" + contentId("boot/" + name);
            wanted.put(location, name);
            locations.add(location);
        }
        Path folder = pluginsDir.toAbsolutePath().normalize();
        Map<String, Bundle> cached = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                continue;
            }
            if (wanted.containsKey(bundle.getLocation())) {
                cached.put(bundle.getLocation(), bundle);
            } else if (!keepPlugin(bundle, folder)) {
                // Before start nothing is resolved against it yet, so no refresh is needed.
                bundle.uninstall();
            }
        }
        List<Bundle> boot = new ArrayList<>();
        List<String> aside = new ArrayList<>();
        for (String location : locations) {
            Bundle bundle = cached.get(location);
            String name = wanted.get(location);
            if (bundle == null) {
                Attributes attributes = mainAttributes(name);
                if (installAside.test(attributes)) {
                    aside.add(location);
                } else if (!skipIfMissing.test(attributes)) {
                    bundle = install(context, location, name);
                }
            }
            if (bundle != null) {
                boot.add(bundle);
            }
        }
        return new Synced(boot, new AsideInstall(context, aside, wanted));
    }

    /** What {@link #sync} did: the boot bundles there are, in index order, and those it left to install aside. */
    static final class Synced {

        private final List<Bundle> bundles;
        private final AsideInstall aside;

        Synced(List<Bundle> bundles, AsideInstall aside) {
            this.bundles = bundles;
            this.aside = aside;
        }

        List<Bundle> bundles() {
            return bundles;
        }

        /** Installs the boot bundles left aside, in index order, when called (on a thread of the caller's). */
        AsideInstall aside() {
            return aside;
        }
    }

    /**
     * The install of the boot bundles that {@link #sync} left aside. A class of its own rather
     * than a lambda: it runs on a first start, whose lambdas the class archive (trained on a
     * restart) does not have.
     */
    static final class AsideInstall implements Callable<List<Bundle>> {

        private final BundleContext context;
        private final List<String> locations;
        private final Map<String, String> names;

        AsideInstall(BundleContext context, List<String> locations, Map<String, String> names) {
            this.context = context;
            this.locations = locations;
            this.names = names;
        }

        boolean isEmpty() {
            return locations.isEmpty();
        }

        @Override
        public List<Bundle> call() throws IOException, BundleException {
            List<Bundle> installed = new ArrayList<>();
            for (String location : locations) {
                installed.add(install(context, location, names.get(location)));
            }
            return installed;
        }
    }

    private static Bundle install(BundleContext context, String location, String name)
            throws IOException, BundleException {
        try (InputStream in = resource("boot/" + name).openStream()) {
            return context.installBundle(location, in);
        }
    }

    /**
     * Whether the bundle is a plugin of the watched folder to keep: its location names a jar
     * in the folder that the folder acts on, and the jar is there. Marks it stopped if it is
     * marked to start, so that the framework does not start it before the host.
     */
    private static boolean keepPlugin(Bundle bundle, Path folder) {
        Path file = folderJar(bundle.getLocation(), folder);
        if (file == null || !Files.isRegularFile(file)) {
            return false;
        }
        BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
        if (startLevel != null && startLevel.isPersistentlyStarted()) {
            try {
                // The framework is not started: this only records "stopped" in the cache.
                bundle.stop();
            } catch (BundleException | RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The jar a {@code file:} location names if it is directly in the folder and the folder
     * would take it (a {@code .jar} name, neither hidden nor a name tools use while writing);
     * else null.
     */
    static Path folderJar(String location, Path folder) {
        if (!location.startsWith("file:")) {
            return null;
        }
        Path file;
        try {
            file = Path.of(new URI(location)).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
        Path name = file.getFileName();
        if (name == null || !folder.equals(file.getParent())) {
            return null;
        }
        String text = name.toString();
        boolean ignored = text.startsWith(".") || text.endsWith(".tmp") || text.endsWith(".part") || text.endsWith("~");
        return !ignored && text.toLowerCase(Locale.ROOT).endsWith(".jar") && text.length() > ".jar".length() ? file : null;
    }

    // The main attributes of a boot jar's manifest (empty if it has none), read without copying the jar.
    private static Attributes mainAttributes(String name) throws IOException {
        try (JarInputStream in = new JarInputStream(resource("boot/" + name).openStream())) {
            Manifest manifest = in.getManifest();
            return manifest == null ? new Attributes() : manifest.getMainAttributes();
        }
    }

    /** The Bundle-SymbolicName in a boot jar's main manifest attributes, without its attributes; "" if none. */
    static String symbolicName(Attributes attributes) {
        String value = attributes.getValue(Constants.BUNDLE_SYMBOLICNAME);
        return value == null ? "" : value.split(";", 2)[0].trim();
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
