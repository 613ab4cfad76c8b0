package io.plugboard.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The framework properties the launcher hands to Felix (see docs/architecture.md). */
final class FrameworkProperties {

    static final String PLUGINS_DIR = "plugboard.plugins.dir";
    static final String DATA_DIR = "plugboard.data.dir";
    /** The framework cache's folder in the data folder. */
    static final String CACHE_FOLDER = "felix-cache";

    private FrameworkProperties() {
    }

    /**
     * Builds the properties for one start. {@code interactiveShell} says whether Gogo's jline shell
     * may own the terminal; {@code systemProperties} contributes every {@code plugboard.*} entry.
     */
    static Map<String, String> of(Options options, boolean interactiveShell, Properties systemProperties) {
        Map<String, String> props = new HashMap<>();
        // Pass -Dplugboard.* first so the launcher's own values below win for the two folders.
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith("plugboard.")) {
                props.put(name, systemProperties.getProperty(name));
            }
        }
        props.put(PLUGINS_DIR, options.pluginsDir.toString());
        props.put(DATA_DIR, options.dataDir.toString());
        props.put("org.osgi.framework.storage", options.dataDir.resolve(CACHE_FOLDER).toString());
        // The cache is kept across starts (no storage.clean): BootSet installs a boot bundle only
        // when missing or changed and keeps only the watched folder's plugins, which the folder
        // watcher keeps only if their jar is unchanged (by content), so a stale cache never runs
        // another bundle than the jar holds.
        props.put("org.osgi.framework.storage.clean", "none");
        // SCR keeps the component descriptions it parsed in its data area (per bundle id and
        // modification time, written when it stops), so a restart does not parse the host's
        // component XML again: 25-40 ms less on the way to the first call.
        props.put("ds.cache.metadata", "true");
        // Selections made with plugin:use live here and survive restarts.
        props.put("felix.cm.dir", options.dataDir.resolve("config").toString());
        props.put("org.osgi.service.log.admin.loglevel", "INFO");
        // No log history: Felix Log keeps the last 100 entries by default, and an entry holding an
        // exception thrown by plugin code keeps that plugin's class loader alive after uninstall.
        // Every entry still reaches the host's listener, which writes plugboard.log.
        props.put("org.apache.felix.log.maxSize", "0");
        if (!interactiveShell) {
            // Without a terminal the launcher does not even start Gogo's shell bundle; should
            // someone start it anyway, it must not read standard input (the piped script).
            props.put("gosh.args", "--nointeractive");
        }
        return props;
    }
}
