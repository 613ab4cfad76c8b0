package io.plugboard.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.ModifiableCompositeOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginRegistry;

/**
 * What every integration test shares: a Felix framework with SCR, Config Admin, Log, Gogo, the
 * api and the host; helpers to reach our bundles, run {@code plugin:*} commands and wait.
 */
public abstract class PluginRuntimeTestSupport {

    /** The fixture whose import range nothing satisfies: the one bundle allowed to stay unresolved. */
    protected static final String BAD_RANGE_BUNDLE = "io.plugboard.kv-bad-range";

    /** greeter-en and its 2.0.0 fixture share this symbolic name, so one can update the other. */
    protected static final String GREETER_EN_BUNDLE = "io.plugboard.greeter-en";
    protected static final String HELLO_BOB = "Hello, Bob!";
    protected static final String HELLO_BOB_V2 = "Hello, Bob! (v2)";

    protected static final String DATA_DIR = "plugboard.data.dir";
    protected static final String PLUGINS_DIR = "plugboard.plugins.dir";

    /** Framework property: the folder with the Go programs the go-plugins module built (kv-go, kv-misbehave). */
    protected static final String GO_BIN_DIR = "plugboard.itests.gobin";

    /** The magic cookie of kv-go and kv-misbehave (go-plugin's examples/grpc handshake). */
    protected static final String KV_GO_COOKIE = "BASIC_PLUGIN=hello";

    /** One fact line of {@code plugin:info}: two spaces, a label, a colon, padding, the value. */
    private static final Pattern INFO_FACT = Pattern.compile("^  ([a-z0-9 ]+):\\s+(.*)$");

    /** Long enough for a loaded CI machine, short enough that a missing event fails quickly. */
    private static final long WAIT_MILLIS = 10_000;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected PluginRegistry registry;

    @Inject
    protected CommandProcessor commandProcessor;

    /** The framework and the host, with a fresh data folder; tests add the plugins they need. */
    protected ModifiableCompositeOption baseConfiguration() {
        return composite(
                // Pax Exam's own check; everyBundleIsActive() below also covers bundles started later.
                systemProperty("pax.exam.osgi.unresolved.fail").value("true"),
                frameworkProperty(DATA_DIR).value(newWorkDir("data").toString()),
                // As the runtime: no Felix Log history, whose entries can keep old plugin classes alive.
                frameworkProperty("org.apache.felix.log.maxSize").value("0"),
                junitBundles(),
                // SCR 2.2 needs the promise and function utilities and the DS API bundle.
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.log").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.command").versionAsInProject(),
                projectBundle("api"),
                projectBundle("host"));
    }

    /**
     * The go-plugin host bundle and where the Go programs are: add to {@link #baseConfiguration()}
     * to run go-plugin plugins as real child processes.
     */
    protected Option goPluginConfiguration() {
        Path bin = Path.of(System.getProperty(GO_BIN_DIR, "../go-plugins/target/bin")).toAbsolutePath().normalize();
        if (!Files.isExecutable(bin.resolve("kv-go"))) {
            throw new IllegalStateException(bin.resolve("kv-go") + " is missing: the go-plugins module builds it;"
                    + " run mvn verify with -am so the reactor builds go-plugins first");
        }
        return composite(
                frameworkProperty(GO_BIN_DIR).value(bin.toString()),
                // Where Netty unpacks its epoll library: an executable folder of our own rather
                // than java.io.tmpdir, which may be mounted noexec. The handler would choose one
                // under the first framework's data folder; one fixed folder keeps the ITs alike.
                systemProperty("io.grpc.netty.shaded.io.netty.native.workdir").value(newWorkDir("netty").toString()),
                projectBundle("goplugin"));
    }

    /** Returns one of the Go programs the go-plugins module built, such as {@code kv-go}. */
    protected Path goProgram(String name) {
        Path program = Path.of(bundleContext.getProperty(GO_BIN_DIR)).resolve(name);
        assertTrue(program + " must be an executable built by go-plugins", Files.isExecutable(program));
        return program;
    }

    /**
     * Writes a {@code *.goplugin} descriptor, one {@code key=value} line per pair in the given
     * order, under a name the plugins folder ignores, then renames it into place, as a user's
     * {@code mv} would.
     */
    protected static Path writeDescriptor(Path file, Map<String, String> keys) {
        StringBuilder text = new StringBuilder();
        keys.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path part = file.resolveSibling("." + file.getFileName() + ".part");
        try {
            Files.writeString(part, text, StandardCharsets.UTF_8);
            return Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * The facts {@code plugin:info <name>} shows, as label to value ({@code pid}, {@code state},
     * {@code last exit}...); fails when the command fails.
     */
    protected Map<String, String> infoFacts(String pluginName) {
        String info = execute("plugin:info " + pluginName).assertSucceeded();
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : info.lines().toList()) {
            Matcher m = INFO_FACT.matcher(line);
            if (m.matches()) {
                facts.put(m.group(1), m.group(2));
            }
        }
        return facts;
    }

    /**
     * Whether the process runs: it exists and is no zombie (a zombie has ended; only its exit
     * status waits for whoever reaps it).
     */
    protected static boolean processRuns(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.UTF_8);
            // "pid (comm) S ...": the state follows the last ')', as comm may hold anything.
            return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false; // no such process
        }
    }

    /** The processes under this JVM whose program is {@code program}: plugin processes still running. */
    protected static List<ProcessHandle> processesOf(Path program) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> Path.of(c).equals(program)).orElse(false))
                .filter(p -> processRuns(p.pid()))
                .toList();
    }

    /** The lines of {@code <data>/plugboard.log} so far. */
    protected List<String> logFileLines() {
        Path log = dataDir().resolve("plugboard.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** Provisions one of our bundles, copied by the build to target/bundles/{@code name}.jar. */
    protected static Option projectBundle(String name) {
        return bundle(projectJar(name).toUri().toString());
    }

    /** Returns the path of one of our bundles, such as {@code greeter-en-v2}. */
    protected static Path projectJar(String name) {
        Path dir = Path.of(System.getProperty("plugboard.itests.bundles", "target/bundles"));
        Path jar = dir.resolve(name + ".jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies io.plugboard:" + name
                    + " there (maven-dependency-plugin in itests/pom.xml); run mvn verify in itests");
        }
        return jar;
    }

    /** Creates a new, empty folder under target/work, named after the test class. */
    protected Path newWorkDir(String purpose) {
        Path root = Path.of(System.getProperty("plugboard.itests.work", "target/work")).toAbsolutePath();
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, getClass().getSimpleName() + "-" + purpose + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder under " + root, e);
        }
    }

    /** Returns the data folder this framework was given. */
    protected Path dataDir() {
        return Path.of(bundleContext.getProperty(DATA_DIR));
    }

    /**
     * Fails the test when a bundle other than the bad-range fixture is not active: an unresolved
     * host or plugin must not show up later as a confusing assertion.
     */
    @Before
    public void everyBundleIsActive() {
        List<String> notActive = Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .filter(b -> !BAD_RANGE_BUNDLE.equals(b.getSymbolicName()))
                .filter(b -> b.getHeaders("").get(Constants.FRAGMENT_HOST) == null)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " (" + stateName(b) + ")")
                .toList();
        assertTrue("bundles that should be active but are not: " + notActive, notActive.isEmpty());
    }

    /** Asks the registry's active greeter to greet the name, as any caller of plugins would. */
    protected String activeGreeting(String name) {
        return registry.activeService(Greeter.TYPE, Greeter.class).greet(name);
    }

    /** Returns the active key-value store, as any caller of plugins would get it. */
    protected KeyValueStore activeStore() {
        return registry.activeService(KeyValueStore.TYPE, KeyValueStore.class);
    }

    /** Returns the bundle with the symbolic name, if one is installed. */
    protected Optional<Bundle> bundleNamed(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst();
    }

    /** Runs one Gogo command line, as a user at the prompt would, and returns what it said. */
    protected CommandResult execute(String commandLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String shown = "";
        Exception failure = null;
        try (CommandSession session = commandProcessor.createSession(InputStream.nullInputStream(), out, err)) {
            Object value = session.execute(commandLine);
            // The Gogo shell prints a command's return value this way, so users see the same text.
            shown = value == null ? "" : String.valueOf(session.format(value, Converter.INSPECT));
        } catch (Exception e) {
            failure = e;
        }
        return new CommandResult(commandLine, out.toString(StandardCharsets.UTF_8) + shown,
                err.toString(StandardCharsets.UTF_8), failure);
    }

    /** Polls the condition until it holds, failing after a bound; exceptions count as "not yet". */
    protected void waitFor(String what, Callable<Boolean> condition) {
        waitFor(what, WAIT_MILLIS, condition);
    }

    /** Polls the condition until it holds, failing after {@code waitMillis}; exceptions count as "not yet". */
    protected void waitFor(String what, long waitMillis, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            pause(100);
        }
        fail("waited " + waitMillis + " ms for " + what + (last == null ? "" : "; last failure: " + last));
    }

    /** Sleeps, keeping the interrupt for whoever runs the test. */
    protected static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String stateName(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.INSTALLED -> "INSTALLED: unresolved";
            case Bundle.RESOLVED -> "RESOLVED: not started";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "state " + bundle.getState();
        };
    }
}
