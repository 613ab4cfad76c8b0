package io.plugboard.goplugin.internal.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one plugin process; made from a descriptor.
 *
 * @param pluginName the plugin's name, for messages and log attribution (e.g. {@code kv.go})
 * @param pluginVersion the plugin's version, for messages and log attribution
 * @param command the absolute path of the program
 * @param args its arguments
 * @param workDir the working directory of the process
 * @param extraEnv variables added to the host's environment (the descriptor's {@code env})
 * @param cookieKey the magic cookie's variable name
 * @param cookieValue the magic cookie's value
 * @param protocolVersions the app protocol versions the host speaks, in order of preference
 * @param socketDir where the plugin creates its Unix socket (passed as {@code TMPDIR}); short
 *        enough for a socket path (under 108 bytes with the file name)
 * @param startTimeout how long to wait for the handshake line
 */
public record LaunchSpec(String pluginName, String pluginVersion, Path command, List<String> args, Path workDir,
        Map<String, String> extraEnv, String cookieKey, String cookieValue, List<Integer> protocolVersions,
        Path socketDir, Duration startTimeout) {

    public LaunchSpec {
        args = List.copyOf(args);
        extraEnv = Map.copyOf(extraEnv);
        protocolVersions = List.copyOf(protocolVersions);
    }
}
