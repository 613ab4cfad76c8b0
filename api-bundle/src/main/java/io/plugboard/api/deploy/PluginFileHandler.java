package io.plugboard.api.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Installs plugins from files of one kind that are not bundles. Implemented by the bundle that
 * runs such plugins, called by the host: from its watched folder (complete files only, see
 * {@link #check}) and from {@code plugin:install} / {@code plugin:uninstall}.
 *
 * <p>The plugins a handler starts register their services like any plugin, with
 * {@code plugin.name}, {@code plugin.type} and {@code plugin.version}. Their log lines go to a
 * logger named {@value #PLUGIN_LOGGER_PREFIX}{@code <name> <version>}, which the host attributes
 * to that plugin instead of to the handler's bundle.
 */
@ConsumerType
public interface PluginFileHandler {

    /** Service property: the file name extension the handler takes, with its dot, e.g. {@code .goplugin}. */
    String EXTENSION = "plugin.file.extension";

    /** The prefix of logger names whose lines belong to a plugin, not to the bundle that logs them. */
    String PLUGIN_LOGGER_PREFIX = "plugin:";

    /**
     * Judges the file as it is now, without starting anything; called for every change of the
     * file, so it must be cheap.
     *
     * @return a fingerprint of the content, so an unchanged file is not installed twice
     * @throws PluginFileException saying why the file cannot be installed as it is (incomplete,
     *         invalid, naming a missing program)
     */
    long check(Path file) throws PluginFileException;

    /**
     * Starts the plugin the file describes, or, when one was installed from this file, replaces
     * it with what the file says now. Returns once the plugin serves.
     *
     * @throws PluginFileException saying why the plugin could not be started; a plugin that was
     *         running from this file before keeps running
     */
    void install(Path file) throws PluginFileException;

    /** Stops the plugin installed from the file and unregisters its services; does nothing if there is none. */
    void uninstall(Path file) throws PluginFileException;

    /** The plugins installed now, one per file. */
    List<PluginFile> installed();

    /**
     * Facts about a plugin this handler runs, in display order (for example {@code pid},
     * {@code uptime}, {@code restarts}); an empty map when the name is not one of its plugins.
     */
    Map<String, String> describe(String pluginName);
}
