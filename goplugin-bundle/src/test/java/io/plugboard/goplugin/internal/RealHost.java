package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.kv.KeyValueStore;

/**
 * A real host for the real-process tests: a Felix framework whose system bundle context a
 * {@link GoPluginHandler} gets through its DS constructor (so the real launcher, channels,
 * {@link ProcessStarter}, {@link PluginLog} and {@link ServiceSlot} are wired as in the runtime),
 * with {@link RecordingLoggers} and short backoffs, running the Go programs that go-plugins builds.
 * After each test the handler is deactivated and no plugin process of this JVM may be left.
 */
final class RealHost extends ExternalResource {

    /** Short backoffs and budget, the real 2 s stop grace, a binary poll every 100 ms. */
    static final Supervisor.Settings SETTINGS = new Supervisor.Settings(
            new RestartPolicy.Limits(Duration.ofMillis(20), Duration.ofMillis(160), 3, Duration.ofSeconds(60)),
            Duration.ofSeconds(2), Duration.ofMillis(100), 2);

    /** What a test waits at most for a condition; generous, since the machine may be loaded. */
    static final Duration WAIT = Duration.ofSeconds(20);

    final TemporaryFolder temp = new TemporaryFolder();
    final RecordingLoggers loggers = new RecordingLoggers();
    private Framework framework;
    BundleContext context;
    GoPluginHandler handler;
    Path plugins;
    Path sockets;
    Path data;
    private boolean deactivated;

    /** A program go-plugins built, e.g. {@code kv-go}; fails (never skips) when it is missing. */
    static Path bin(String program) {
        Path dir = Path.of(System.getProperty("goplugins.bin", "../go-plugins/target/bin"));
        Path binary = dir.resolve(program).toAbsolutePath().normalize();
        assertTrue(binary + " is missing: the go-plugins module builds it (mvn -pl go-plugins verify)",
                Files.isExecutable(binary));
        return binary;
    }

    @Override
    protected void before() throws Throwable {
        temp.create();
        Path root = temp.getRoot().toPath();
        plugins = Files.createDirectory(root.resolve("plugins"));
        sockets = root.resolve("s");
        data = root.resolve("data");
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, root.resolve("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                GoPluginHandler.DATA_DIR_PROPERTY, data.toString(),
                ProcessStarter.SOCKET_DIR_PROPERTY, sockets.toString()));
        framework.start();
        context = framework.getBundleContext();
        handler = new GoPluginHandler(context, loggers, SETTINGS);
    }

    @Override
    protected void after() {
        try {
            deactivate();
            List<ProcessHandle> left = new ArrayList<>(pluginProcesses());
            left.addAll(spawners());
            left.forEach(ProcessHandle::destroyForcibly);
            assertEquals("plugin processes left running after the handler was deactivated", List.of(),
                    left.stream().map(RealHost::show).toList());
        } finally {
            try {
                framework.stop();
                framework.waitForStop(10_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                temp.delete();
            }
        }
    }

    /** Deactivates the handler as DS does when the bundle stops; once. */
    void deactivate() {
        if (!deactivated) {
            deactivated = true;
            handler.deactivate();
        }
    }

    /**
     * Writes {@code plugins/<name>.goplugin} for the program with the cookie kv-go wants, generous
     * start and call timeouts, and the given {@code key=value} lines, which override those.
     */
    Path descriptor(String name, Path command, String... lines) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", name);
        keys.put("type", "kv");
        keys.put("command", command.toString());
        keys.put("cookie", "BASIC_PLUGIN=hello");
        keys.put("start-timeout-ms", "10000");
        keys.put("call-timeout-ms", "10000");
        for (String line : lines) {
            int eq = line.indexOf('=');
            keys.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Path file = plugins.resolve(name + Descriptor.EXTENSION);
        Files.writeString(file, keys.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        return file;
    }

    /** Installs a descriptor for the program (see {@link #descriptor}) and returns it. */
    Path install(String name, Path command, String... lines) throws Exception {
        Path file = descriptor(name, command, lines);
        handler.install(file);
        return file;
    }

    /** A copy of the program in the test's folder, which a test may replace. */
    Path copy(String program, String as) throws IOException {
        Path target = temp.getRoot().toPath().resolve(as);
        Files.copy(bin(program), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return target;
    }

    /** The registered KeyValueStore of the plugin, taken from the service registry. */
    KeyValueStore store(String name) {
        List<ServiceReference<KeyValueStore>> refs = references(name);
        assertEquals("KeyValueStore services named " + name, 1, refs.size());
        return context.getService(refs.get(0));
    }

    /** A property of the plugin's registered KeyValueStore service. */
    Object serviceProperty(String name, String key) {
        List<ServiceReference<KeyValueStore>> refs = references(name);
        assertEquals("KeyValueStore services named " + name, 1, refs.size());
        return refs.get(0).getProperty(key);
    }

    /** Whether a KeyValueStore named so is registered now. */
    boolean registered(String name) {
        return !references(name).isEmpty();
    }

    private List<ServiceReference<KeyValueStore>> references(String name) {
        try {
            Collection<ServiceReference<KeyValueStore>> refs = context.getServiceReferences(KeyValueStore.class,
                    "(" + PluginProperties.NAME + "=" + name + ")");
            return List.copyOf(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What {@code plugin:info} shows of the plugin. */
    Map<String, String> describe(String name) {
        return handler.describe(name);
    }

    /** The pid {@code describe} shows. */
    long pid(String name) {
        return Long.parseLong(describe(name).get("pid"));
    }

    /**
     * The live descendants of this JVM that run a Go program of go-plugins or a copy in the test's
     * folder (not plugboard-spawner, which the handler unpacks into the data folder there).
     */
    List<ProcessHandle> pluginProcesses() {
        Path binDir = bin("kv-go").getParent();
        Path root = temp.getRoot().toPath();
        try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
            return all.filter(ProcessHandle::isAlive).filter(p -> p.info().command()
                    .map(c -> (c.startsWith(binDir.toString()) || c.startsWith(root.toString()))
                            && !c.endsWith("/plugboard-spawner"))
                    .orElse(false))
                    .toList();
        }
    }

    /** The live descendants of this JVM that run plugboard-spawner. */
    List<ProcessHandle> spawners() {
        try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
            return all.filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("/plugboard-spawner")).orElse(false))
                    .toList();
        }
    }

    /** Whether the process is gone. */
    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /** The socket folders in the socket root (one per running instance). */
    List<Path> socketFolders() throws IOException {
        if (!Files.isDirectory(sockets)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(sockets)) {
            return list.toList();
        }
    }

    /** Waits until the condition holds, at most {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting until " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    private static String show(ProcessHandle p) {
        return p.pid() + " " + p.info().commandLine().orElse("?");
    }
}
