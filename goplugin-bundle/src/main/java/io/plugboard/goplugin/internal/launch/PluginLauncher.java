package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.plugboard.goplugin.internal.launch.HandshakeException.Reason;

/**
 * Starts plugin processes. One per bundle activation: it owns the long-lived thread that forks (a
 * parent-death signal is tied to the thread that forked, so that thread must outlive its children).
 *
 * <p>Two ways to start a plugin, both without orphans:
 * <ul>
 * <li>Through plugboard-spawner ({@link GoSpawner}), a static Go helper the bundle carries: started
 * once per launcher, at its first plugin start, by the forking thread; it arms its own parent-death
 * SIGKILL and exits if its parent is no longer this JVM (so no window is left open), and forks each
 * plugin with a parent-death SIGKILL from its main thread. A JVM killed with SIGKILL takes the spawner
 * along, and the spawner its plugins. Several milliseconds quicker per start than the JVM's way.</li>
 * <li>The fallback, where the spawner cannot run (not Linux amd64, no binary, it failed to start;
 * said once through the notices): through the JVM, on Linux with {@code /usr/bin/setpriv} as
 * {@code setpriv --pdeathsig KILL -- program args} (setpriv execs the program, so the pid stays the
 * plugin's; should the JVM die in the instant between the fork and setpriv's prctl, the signal is
 * never armed: setpriv does not check its parent again). Elsewhere the program is started directly,
 * and a JVM killed with SIGKILL leaves its plugins running: there is no portable parent-death signal,
 * and a JVM shutdown hook does not run on SIGKILL.</li>
 * </ul>
 */
public final class PluginLauncher implements AutoCloseable {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private static final System.Logger LOG = System.getLogger(PluginLauncher.class.getName());

    /** The port range go-plugin's own client passes (used when a plugin listens on TCP). */
    private static final int MIN_PORT = 10000;
    private static final int MAX_PORT = 25000;

    /**
     * go-plugin 1.5 and later make their Unix socket in the folder this names, when it is set, rather
     * than in {@code $TMPDIR} (server.go's {@code unixSocketConfigFromEnv}; go-plugin's own client
     * sets it only with a RunnerFunc).
     */
    static final String SOCKET_DIR_VARIABLE = "PLUGIN_UNIX_SOCKET_DIR";

    /**
     * go-plugin 1.5 and later hand their Unix socket to this group (a name or gid) and make it
     * group-writable, when it is set and not empty; a group they cannot find or chown to fails Serve.
     */
    static final String SOCKET_GROUP_VARIABLE = "PLUGIN_UNIX_SOCKET_GROUP";

    /**
     * Whether the host's environment, which every plugin inherits, has those: read once, as a
     * JVM's environment does not change.
     */
    private static final boolean HOST_HAS_SOCKET_DIR = System.getenv(SOCKET_DIR_VARIABLE) != null;
    private static final boolean HOST_HAS_SOCKET_GROUP = System.getenv(SOCKET_GROUP_VARIABLE) != null;

    /** go-plugin's Serve logs this when its Unix socket path is too long for the kernel, then exits 0. */
    private static final String SOCKET_TOO_LONG = "bind: invalid argument";

    private final Path setpriv;
    /** Where the spawner binary comes from; null: always the JVM's way. */
    private final SpawnerBinary.Source spawnerBinary;
    private final Consumer<String> notices;
    private Spawner spawner;
    private GoSpawner goSpawner;
    private JdkStarter jdkStarter;
    /** Set once the spawner could not be had: from then on every start takes the JVM's way. */
    private boolean fallback;
    private boolean closed;

    /**
     * A launcher that starts plugins through plugboard-spawner, unpacked into a temporary folder that
     * goes once it runs, else through setpriv where the system has it; why it falls back is logged
     * through {@link System.Logger}.
     */
    public PluginLauncher() {
        this(defaultSetpriv(), SpawnerBinary.temporary(),
                why -> LOG.log(System.Logger.Level.WARNING, why));
    }

    /**
     * A launcher that starts plugins through plugboard-spawner, unpacked into (and reused from) the
     * folder, else through setpriv where the system has it.
     *
     * @param notices told once why the spawner is not used, when it is not
     */
    public PluginLauncher(Path spawnerFolder, Consumer<String> notices) {
        this(defaultSetpriv(), SpawnerBinary.in(spawnerFolder), notices);
    }

    /** A launcher that always starts through the JVM: through the given setpriv, or directly when null. */
    PluginLauncher(Path setpriv) {
        this(setpriv, null, why -> { });
    }

    /** A launcher with every part given; spawnerBinary null means the JVM's way only. */
    PluginLauncher(Path setpriv, SpawnerBinary.Source spawnerBinary, Consumer<String> notices) {
        this.setpriv = setpriv;
        this.spawnerBinary = spawnerBinary;
        this.notices = notices;
    }

    /**
     * Starts the program with the host's environment plus the cookie, PLUGIN_PROTOCOL_VERSIONS,
     * PLUGIN_MIN_PORT/PLUGIN_MAX_PORT, TMPDIR=socketDir (and PLUGIN_UNIX_SOCKET_DIR=socketDir when
     * the host's environment or extraEnv has one; an empty PLUGIN_UNIX_SOCKET_GROUP when the host's
     * environment has one and extraEnv does not) and extraEnv, such that it cannot outlive
     * the host JVM (even when the JVM is killed with SIGKILL); drains stdout and stderr to the
     * output for as long as it runs; returns once a valid handshake line was read.
     *
     * @throws HandshakeException naming why there is no valid handshake; the process is gone by then
     */
    public PluginProcess start(LaunchSpec spec, PluginOutput output) throws HandshakeException {
        return start(spec, output, () -> { });
    }

    /**
     * Starts the program as {@link #start(LaunchSpec, PluginOutput)} does, and runs {@code meanwhile}
     * on the caller once the process was asked for, before the wait for its handshake: work of the
     * caller's that then costs nothing, as the plugin takes milliseconds to start. It does not run
     * when the process could not be started; when it throws, the process is killed.
     *
     * @throws HandshakeException naming why there is no valid handshake; the process is gone by then
     */
    public PluginProcess start(LaunchSpec spec, PluginOutput output, Runnable meanwhile) throws HandshakeException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(meanwhile, "meanwhile");
        checkSpec(spec);
        checkStartable(spec);
        ChildStarter starter = starter(spec);
        PluginProcess plugin = new PluginProcess(spec, output);
        try {
            plugin.started(starter.start(command(spec), plugin.events()), Instant.now());
        } catch (IOException e) {
            throw HandshakeException.cannotStart(spec, e.getMessage(), e);
        }
        try {
            meanwhile.run();
            plugin.accepted(awaitHandshake(spec, plugin, setpriv != null && starter instanceof JdkStarter));
            return plugin;
        } catch (HandshakeException | RuntimeException | Error e) {
            plugin.killAndReap();
            throw e;
        }
    }

    /** Whether plugins are started through plugboard-spawner now (false before the first start). */
    synchronized boolean usesSpawner() {
        return goSpawner != null && goSpawner.usable();
    }

    /** The running spawner's pid, for tests; -1 when there is none. */
    synchronized long spawnerPid() {
        return goSpawner != null ? goSpawner.pid() : -1;
    }

    /**
     * Ends the spawner (it kills the plugins still running) and the forking thread; call after every
     * process it started has been stopped (on the fallback with setpriv, one still running gets its
     * parent-death SIGKILL now). Later starts throw IllegalStateException.
     */
    @Override
    public void close() {
        Spawner toClose;
        GoSpawner goToClose;
        synchronized (this) {
            closed = true;
            toClose = spawner;
            goToClose = goSpawner;
            spawner = null;
            goSpawner = null;
        }
        if (goToClose != null) {
            goToClose.close();
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** The spawner when it can be had, else the JVM's way; the spawner is started at the first call. */
    private synchronized ChildStarter starter(LaunchSpec spec) throws HandshakeException {
        if (closed) {
            throw new IllegalStateException("the plugin launcher is closed");
        }
        if (spawner == null) {
            spawner = new Spawner("goplugin launcher");
        }
        if (!fallback && spawnerBinary != null && (goSpawner == null || !goSpawner.usable())) {
            if (goSpawner != null) {
                // It died (its plugins with it); the next start gets a new one.
                goSpawner.close();
                goSpawner = null;
            }
            try {
                goSpawner = startGoSpawner();
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    // The start was cancelled (its file left, the handler stops) while the spawner
                    // started: no fault of the spawner's, which the next start tries again.
                    throw new HandshakeException(Reason.TIMEOUT, spec.pluginName()
                            + ": interrupted while plugboard-spawner started; the plugin was not started", e);
                }
                fallback = true;
                notices.accept("go-plugin plugins are started through the JVM (jspawnhelper"
                        + (setpriv != null ? ", setpriv" : "") + "), not through plugboard-spawner: "
                        + e.getMessage());
            }
        }
        if (goSpawner != null) {
            return goSpawner;
        }
        if (jdkStarter == null) {
            jdkStarter = new JdkStarter(spawner, setpriv);
        }
        return jdkStarter;
    }

    private GoSpawner startGoSpawner() throws IOException {
        String unsupported = SpawnerBinary.unsupported();
        if (unsupported != null) {
            throw new IOException(unsupported);
        }
        Path binary = spawnerBinary.binary();
        try {
            return GoSpawner.start(binary, spawner);
        } catch (IOException e) {
            throw new IOException("cannot run " + binary + ": " + e.getMessage(), e);
        } finally {
            spawnerBinary.release(binary);
        }
    }

    private static Handshake awaitHandshake(LaunchSpec spec, PluginProcess plugin, boolean throughSetpriv)
            throws HandshakeException {
        long timeoutMs = spec.startTimeout().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String line;
        try {
            line = plugin.firstLine().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (line == null) {
                long leftMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                boolean endedByItself = plugin.waitFor(leftMs);
                throw endedBeforeHandshake(spec, plugin, endedByItself, throughSetpriv);
            }
        } catch (TimeoutException e) {
            throw killedWaiting(plugin, spec.pluginName() + ": no handshake within " + timeoutMs + " ms", null);
        } catch (InterruptedException e) {
            // Kept as TIMEOUT: the wait for the handshake was cut short and the plugin is killed.
            HandshakeException cutShort = killedWaiting(plugin,
                    spec.pluginName() + ": interrupted while waiting for the handshake", e);
            Thread.currentThread().interrupt();
            throw cutShort;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return HandshakeLine.check(spec, line);
    }

    /**
     * Kills the plugin whose handshake is still awaited: a TIMEOUT, summed up as {@code <what>; the
     * plugin was killed}.
     */
    private static HandshakeException killedWaiting(PluginProcess plugin, String what, Throwable cause) {
        ProcessExit exit = plugin.killAndReap();
        return HandshakeException.afterEnd(Reason.TIMEOUT, what + "; the plugin was killed", exit.lastStderrLines(), "",
                cause);
    }

    /** Names why stdout ended without a handshake, from what the process wrote to stderr and how it ended. */
    private static HandshakeException endedBeforeHandshake(LaunchSpec spec, PluginProcess plugin,
            boolean endedByItself, boolean throughSetpriv) {
        ProcessExit exit = plugin.killAndReap();
        String name = spec.pluginName();
        if (plugin.sawCookieNotice()) {
            return new HandshakeException(Reason.WRONG_COOKIE, name + ": wrong magic cookie: the plugin refused the"
                    + " cookie " + spec.cookieKey() + ": the descriptor's value does not match the plugin's (go-plugin"
                    + " said: "
                    + StderrLines.COOKIE_NOTICE + ")");
        }
        Optional<String> execFailure = exit.lastStderrLines().stream()
                .filter(l -> throughSetpriv && l.startsWith("setpriv: ")).findFirst();
        if (execFailure.isPresent()) {
            return HandshakeException.cannotStart(spec, execFailure.get().substring("setpriv: ".length()), null);
        }
        String how = endedByItself
                ? "the plugin exited before its handshake (" + exit.describe() + ")"
                : "the plugin closed its stdout without a handshake and was killed";
        String hint = "";
        if (exit.lastStderrLines().stream().anyMatch(l -> l.contains(SOCKET_TOO_LONG))) {
            hint = "\nThe socket directory " + spec.socketDir() + " (" + spec.socketDir().toString().length()
                    + " characters) is too long for a Unix socket path (at most 107 bytes with go-plugin's file"
                    + " name): use a shorter one.";
        }
        return HandshakeException.afterEnd(Reason.EXITED, name + ": " + how, exit.lastStderrLines(), hint, null);
    }

    private static void checkSpec(LaunchSpec spec) {
        if (spec.cookieKey() == null || spec.cookieKey().isEmpty() || spec.cookieValue() == null
                || spec.cookieValue().isEmpty()) {
            throw new IllegalArgumentException(spec.pluginName() + ": the magic cookie's key and value must not be"
                    + " empty (go-plugin refuses to serve without them)");
        }
        if (spec.protocolVersions().isEmpty()) {
            throw new IllegalArgumentException(spec.pluginName() + ": no app protocol versions to offer the plugin");
        }
    }

    /** The checks that give a clearer message than the operating system's error=2 would. */
    private static void checkStartable(LaunchSpec spec) throws HandshakeException {
        Path command = spec.command();
        if (!command.isAbsolute()) {
            throw HandshakeException.cannotStart(spec, "the program's path must be absolute", null);
        }
        if (!Files.exists(command)) {
            throw HandshakeException.cannotStart(spec, "No such file", null);
        }
        if (Files.isDirectory(command)) {
            throw HandshakeException.cannotStart(spec, "it is a directory, not a program", null);
        }
        if (!Files.isExecutable(command)) {
            throw HandshakeException.cannotStart(spec, "the file is not executable (set its execute permission)",
                    null);
        }
        if (!Files.isDirectory(spec.workDir())) {
            throw HandshakeException.cannotStart(spec, "the working directory " + spec.workDir() + " does not exist",
                    null);
        }
        if (!Files.isDirectory(spec.socketDir())) {
            throw HandshakeException.cannotStart(spec, "the socket directory " + spec.socketDir() + " does not exist",
                    null);
        }
    }

    /**
     * The program, and the variables that the starter sets on top of the host's environment: only
     * these, not a copy of the whole environment per start (a start's one-off code runs
     * interpreted, where copying and sending the whole environment took about 0.1 ms).
     */
    private static ChildCommand command(LaunchSpec spec) {
        List<String> argv = new ArrayList<>(1 + spec.args().size());
        argv.add(spec.command().toString());
        argv.addAll(spec.args());
        // The descriptor's variables first: go-plugin's own win, as in go-plugin's client.
        Map<String, String> env = new HashMap<>(spec.extraEnv());
        env.put(spec.cookieKey(), spec.cookieValue());
        StringBuilder versions = new StringBuilder();
        for (Integer version : spec.protocolVersions()) {
            versions.append(versions.length() == 0 ? "" : ",").append(version);
        }
        env.put("PLUGIN_PROTOCOL_VERSIONS", versions.toString());
        env.put("PLUGIN_MIN_PORT", String.valueOf(MIN_PORT));
        env.put("PLUGIN_MAX_PORT", String.valueOf(MAX_PORT));
        // go-plugin makes its Unix socket with ioutil.TempFile in os.TempDir(), which is $TMPDIR.
        String socketDir = spec.socketDir().toString();
        env.put("TMPDIR", socketDir);
        // go-plugin 1.5 and later look in $PLUGIN_UNIX_SOCKET_DIR first: one from elsewhere would have
        // the socket made outside the private folder, past its removal and the check of its length.
        // Set only where there is one to replace: unset, they take $TMPDIR as 1.0 does, and a start
        // sends no variable it does not need.
        if (HOST_HAS_SOCKET_DIR || env.containsKey(SOCKET_DIR_VARIABLE)) {
            env.put(SOCKET_DIR_VARIABLE, socketDir);
        }
        // A group the host happens to have in its environment would have the plugin chown its
        // socket (and fail to serve when it cannot): the socket's folder is private anyway, so
        // nobody else reaches it. Empty is unset to go-plugin. The descriptor's own group stays.
        if (HOST_HAS_SOCKET_GROUP && !env.containsKey(SOCKET_GROUP_VARIABLE)) {
            env.put(SOCKET_GROUP_VARIABLE, "");
        }
        return new ChildCommand(spec.pluginName(), argv, spec.workDir(), env);
    }

    private static Path defaultSetpriv() {
        return hasSetpriv() ? SETPRIV : null;
    }

    private static boolean hasSetpriv() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Files.isExecutable(SETPRIV);
    }
}
