package io.plugboard.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The launcher's command line and environment, parsed without touching the framework. */
final class Options {

    /** Comma-separated plugin jars to install at start, as go-micro's MICRO_PLUGIN. */
    static final String PLUGINS_ENV = "PLUGBOARD_PLUGINS";

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: bin/plugboard [options]   (or: java -jar plugboard.jar [options], slower to start)",
            "",
            "Starts the Plugboard plugin runtime and opens the Gogo prompt (try: plugin:list, help).",
            "",
            "Options:",
            "  --plugins DIR   watched plugins folder (default ./plugins); the example plugins are",
            "                  copied into it when it does not exist yet",
            "  --data DIR      plugin data, configuration and log (default ./data)",
            "  --plugin PATH   install this plugin jar at start; may be repeated",
            "  --no-shell      no prompt: run until stopped (SIGTERM or Ctrl-C)",
            "  --help          print this help and exit",
            "",
            "Environment:",
            "  " + PLUGINS_ENV + "=a.jar,b.jar   more plugin jars to install at start",
            "  PLUGBOARD_JAVA_OPTS='-Xmx2g ...'   more JVM options for bin/plugboard",
            "  JAVA_HOME                       the Java bin/plugboard runs (default: java on the PATH)",
            "",
            "System properties -Dplugboard.<name>=<value> (in PLUGBOARD_JAVA_OPTS, or before -jar) are",
            "passed to the framework, e.g. -Dplugboard.select.kv=kv.file picks the kv plugin.",
            "",
            "When standard input is not a terminal, each line read from it is run as a command, in",
            "order; the runtime stops at the end of input.",
            "",
            "Exit codes: 0 done, 1 a command failed or start-up failed, 2 bad command line.");

    final Path pluginsDir;
    final Path dataDir;
    /** Plugins from --plugin (in order) followed by those from PLUGBOARD_PLUGINS; absolute. */
    final List<Path> plugins;
    final boolean noShell;
    final boolean help;

    private Options(Path pluginsDir, Path dataDir, List<Path> plugins, boolean noShell, boolean help) {
        this.pluginsDir = pluginsDir;
        this.dataDir = dataDir;
        this.plugins = List.copyOf(plugins);
        this.noShell = noShell;
        this.help = help;
    }

    /**
     * Parses the arguments and environment; relative paths are resolved against {@code workDir}.
     * Both {@code --opt value} and {@code --opt=value} are accepted.
     */
    static Options parse(List<String> args, Map<String, String> env, Path workDir) throws UsageException {
        Path plugins = workDir.resolve("plugins");
        Path data = workDir.resolve("data");
        List<Path> jars = new ArrayList<>();
        boolean noShell = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            switch (name) {
                case "--plugins":
                case "--data":
                case "--plugin": {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            throw new UsageException("option " + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (value.isBlank()) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    Path path = workDir.resolve(value).toAbsolutePath().normalize();
                    if (name.equals("--plugins")) {
                        plugins = path;
                    } else if (name.equals("--data")) {
                        data = path;
                    } else {
                        jars.add(path);
                    }
                    break;
                }
                case "--no-shell":
                case "--help":
                case "-h":
                    if (inlineValue != null) {
                        throw new UsageException("option " + name + " takes no value");
                    }
                    noShell |= name.equals("--no-shell");
                    help |= !name.equals("--no-shell");
                    break;
                default:
                    throw new UsageException(arg.startsWith("-")
                            ? "unknown option " + arg
                            : "unexpected argument " + arg);
            }
        }
        String fromEnv = env.get(PLUGINS_ENV);
        if (fromEnv != null) {
            for (String entry : fromEnv.split(",")) {
                if (!entry.isBlank()) {
                    jars.add(workDir.resolve(entry.trim()).toAbsolutePath().normalize());
                }
            }
        }
        return new Options(plugins.toAbsolutePath().normalize(), data.toAbsolutePath().normalize(),
                jars, noShell, help);
    }

    /**
     * Fails for the first plugin path that is not a regular file. A missing file is a typing
     * mistake, caught before anything starts; a file that is there but is no valid plugin is only
     * reported when installed, so it cannot keep the other plugins from starting.
     */
    void checkPluginFilesExist() throws UsageException {
        for (Path jar : plugins) {
            if (!Files.isRegularFile(jar)) {
                throw new UsageException("plugin file not found: " + jar);
            }
        }
    }

    /** A command-line mistake: one line for the user, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
