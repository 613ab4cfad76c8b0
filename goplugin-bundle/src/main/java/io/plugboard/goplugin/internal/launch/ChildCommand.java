package io.plugboard.goplugin.internal.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A program to start as a child process.
 *
 * @param name what the process is, for thread names (the plugin's name)
 * @param argv the program's absolute path, then its arguments
 * @param dir the working directory
 * @param env the variables set on top of the host JVM's environment (they win over it); each
 *        starter adds them to it: the JVM's way to ProcessBuilder's copy, plugboard-spawner to its
 *        own environment, which it inherited from the JVM
 */
record ChildCommand(String name, List<String> argv, Path dir, Map<String, String> env) {

    ChildCommand {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }
}
