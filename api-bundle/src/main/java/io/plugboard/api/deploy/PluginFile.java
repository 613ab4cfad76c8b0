package io.plugboard.api.deploy;

import java.nio.file.Path;

/**
 * A plugin a {@link PluginFileHandler} installed from a file.
 *
 * @param file the file it was installed from
 * @param pluginName the plugin's name ({@code plugin.name})
 * @param installedMillis when it was last installed or replaced from the file, in milliseconds since the epoch
 */
public record PluginFile(Path file, String pluginName, long installedMillis) {
}
