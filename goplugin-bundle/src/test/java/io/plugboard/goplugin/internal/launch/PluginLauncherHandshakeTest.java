package io.plugboard.goplugin.internal.launch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.goplugin.internal.launch.HandshakeException.Reason;

/** Each way a start can fail, with its named reason and message, and the start that works; real bash processes. */
public class PluginLauncherHandshakeTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private final RecordingOutput output = new RecordingOutput();
    private PluginLauncher launcher;
    private Path dir;

    @Before
    public void setUp() {
        launcher = new PluginLauncher();
        dir = temp.getRoot().toPath();
    }

    @After
    public void tearDown() {
        // Ends the spawning thread, and with it (parent-death signal) any plugin a failed test left running.
        launcher.close();
    }

    @Test
    public void readsTheHandshakeAndKeepsTheCertificate() throws Exception {
        String cert = "A".repeat(60);
        Path script = Scripts.write(dir, "kv-go", "sock=\"$TMPDIR/plugin$$\"\ntouch \"$sock\"\n"
                + "echo \"1|2|unix|$sock|grpc|" + cert + "\"\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        try {
            Handshake handshake = plugin.handshake();
            assertEquals(new Handshake(1, 2, "unix", dir.resolve("plugin" + plugin.pid()).toString(), "grpc", cert),
                    handshake);
            assertTrue(ProcessHandle.of(plugin.pid()).orElseThrow().isAlive());
            assertFalse(plugin.startedAt().isAfter(Instant.now()));
        } finally {
            plugin.kill();
        }
    }

    @Test
    public void ignoresAShortLastPartAsGoPluginDoes() throws Exception {
        Path script = Scripts.write(dir, "kv-go", "echo '1|1|tcp|127.0.0.1:10000|grpc|old'\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        try {
            assertEquals(new Handshake(1, 1, "tcp", "127.0.0.1:10000", "grpc", ""), plugin.handshake());
        } finally {
            plugin.kill();
        }
    }

    @Test
    public void missingProgramCannotStart() {
        Path missing = dir.resolve("x/kv-go");
        HandshakeException e = fails(spec(missing));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertEquals("kv.go: cannot start " + missing + ": No such file", e.getMessage());
    }

    @Test
    public void programWithoutExecutePermissionCannotStart() throws IOException {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertEquals("kv.go: cannot start " + script + ": the file is not executable (set its execute permission)",
                e.getMessage());
    }

    @Test
    public void directoryCannotStart() {
        HandshakeException e = fails(spec(dir));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertEquals("kv.go: cannot start " + dir + ": it is a directory, not a program", e.getMessage());
    }

    @Test
    public void relativeProgramPathCannotStart() {
        HandshakeException e = fails(spec(Path.of("kv-go")));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertEquals("kv.go: cannot start kv-go: the program's path must be absolute", e.getMessage());
    }

    @Test
    public void missingWorkingOrSocketDirectoryCannotStart() throws IOException {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE);
        Path nowhere = dir.resolve("nowhere");
        LaunchSpec base = spec(script);
        HandshakeException work = fails(new LaunchSpec("kv.go", "1.0.0", script, List.of(), nowhere, Map.of(),
                "BASIC_PLUGIN", "hello", List.of(1), dir, base.startTimeout()));
        assertEquals(Reason.CANNOT_START, work.reason());
        assertEquals("kv.go: cannot start " + script + ": the working directory " + nowhere + " does not exist",
                work.getMessage());
        HandshakeException socket = fails(new LaunchSpec("kv.go", "1.0.0", script, List.of(), dir, Map.of(),
                "BASIC_PLUGIN", "hello", List.of(1), nowhere, base.startTimeout()));
        assertEquals(Reason.CANNOT_START, socket.reason());
        assertEquals("kv.go: cannot start " + script + ": the socket directory " + nowhere + " does not exist",
                socket.getMessage());
    }

    @Test
    public void programTheKernelCannotExecuteCannotStart() throws IOException {
        // Executable, but its interpreter does not exist: execve fails with ENOENT, "No such file or
        // directory", which reads as if the script itself were missing; the message names the interpreter.
        Path script = dir.resolve("kv-go");
        Files.writeString(script, "#!/nonexistent/interpreter -e\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertEquals("kv.go: cannot start " + script + ": its interpreter /nonexistent/interpreter (its #! line) does"
                + " not exist", e.getMessage());
    }

    @Test
    public void programTheKernelCannotExecuteCannotStartWithoutSetprivToo() throws IOException {
        PluginLauncher direct = new PluginLauncher(null);
        try {
            Path script = dir.resolve("kv-go");
            Files.writeString(script, "#!/nonexistent/interpreter\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            HandshakeException e = assertThrows(HandshakeException.class, () -> direct.start(spec(script), output));
            assertEquals(Reason.CANNOT_START, e.reason());
            assertEquals("kv.go: cannot start " + script + ": its interpreter /nonexistent/interpreter (its #! line)"
                    + " does not exist", e.getMessage());
        } finally {
            direct.close();
        }
    }

    @Test
    public void goPluginsCookieNoticeIsAWrongCookie() throws IOException {
        Path script = Scripts.write(dir, "kv-go", "cat >&2 <<'NOTICE'\n"
                + "This binary is a plugin. These are not meant to be executed directly.\n"
                + "Please execute the program that consumes these plugins, which will\n"
                + "load any plugins automatically\nNOTICE\nexit 1\n");
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.WRONG_COOKIE, e.reason());
        assertEquals("kv.go: wrong magic cookie: the plugin refused the cookie BASIC_PLUGIN: the descriptor's value does"
                + " not match the plugin's (go-plugin said: This binary is a plugin. These are not meant to be executed"
                + " directly.)", e.getMessage());
        assertFalse("the cookie's value is not shown", e.getMessage().contains("hello"));
    }

    @Test
    public void coreVersionOtherThanOneIsRefused() throws Exception {
        HandshakeException e = failsWithLine("2|1|unix|/tmp/p|grpc|");
        assertEquals(Reason.CORE_VERSION, e.reason());
        assertEquals("kv.go: the plugin speaks go-plugin core protocol version 2, the host speaks 1 (handshake"
                + " '2|1|unix|/tmp/p|grpc|'): build the plugin with hashicorp/go-plugin 1.x.", e.getMessage());
    }

    @Test
    public void appVersionTheHostDoesNotSpeakIsRefused() throws Exception {
        HandshakeException e = failsWithLine("1|3|unix|/tmp/p|grpc|");
        assertEquals(Reason.APP_VERSION, e.reason());
        assertEquals("kv.go: the plugin chose app protocol version 3, but the host speaks only 1, 2 (sent in"
                + " PLUGIN_PROTOCOL_VERSIONS): the descriptor's protocol versions and the plugin's VersionedPlugins"
                + " must share a version.", e.getMessage());
    }

    @Test
    public void netRpcIsRefused() throws Exception {
        String expected = "kv.go: the plugin speaks net/rpc; Plugboard supports only gRPC plugins (serve it with"
                + " GRPCServer: plugin.DefaultGRPCServer and a GRPCPlugin).";
        HandshakeException named = failsWithLine("1|1|unix|/tmp/p|netrpc|");
        assertEquals(Reason.NETRPC, named.reason());
        assertEquals(expected, named.getMessage());
        // Without a protocol part go-plugin assumes net/rpc.
        HandshakeException implied = failsWithLine("1|1|unix|/tmp/p");
        assertEquals(Reason.NETRPC, implied.reason());
        assertEquals(expected, implied.getMessage());
    }

    @Test
    public void textBeforeTheHandshakeIsNotAHandshake() throws Exception {
        HandshakeException e = failsWithLine("starting kv plugin...");
        assertEquals(Reason.NOT_A_HANDSHAKE, e.reason());
        assertEquals("kv.go: the first line on stdout is not a go-plugin handshake: 'starting kv plugin...'. The"
                + " plugin must not write to stdout before the handshake (log to stderr instead).", e.getMessage());
    }

    @Test
    public void pipedTextWithoutNumbersIsNotAHandshake() throws Exception {
        HandshakeException e = failsWithLine("a|b|c|d");
        assertEquals(Reason.NOT_A_HANDSHAKE, e.reason());
        assertEquals("kv.go: the first line on stdout is not a go-plugin handshake: 'a|b|c|d' (its core protocol"
                + " version 'a' is not a number). The plugin must not write to stdout before the handshake (log to"
                + " stderr instead).", e.getMessage());
    }

    @Test
    public void unknownNetworkEmptyAddressAndUnknownProtocolAreRefused() throws Exception {
        HandshakeException network = failsWithLine("1|1|udp|/tmp/p|grpc|");
        assertEquals(Reason.NOT_A_HANDSHAKE, network.reason());
        assertEquals("kv.go: the handshake '1|1|udp|/tmp/p|grpc|' names the network 'udp'; go-plugin uses unix or"
                + " tcp.", network.getMessage());
        HandshakeException address = failsWithLine("1|1|unix||grpc|");
        assertEquals(Reason.NOT_A_HANDSHAKE, address.reason());
        assertEquals("kv.go: the handshake '1|1|unix||grpc|' has an empty unix address.", address.getMessage());
        HandshakeException protocol = failsWithLine("1|1|tcp|127.0.0.1:1|http|");
        assertEquals(Reason.NOT_A_HANDSHAKE, protocol.reason());
        assertEquals("kv.go: the handshake '1|1|tcp|127.0.0.1:1|http|' names the protocol 'http'; Plugboard supports"
                + " only grpc.", protocol.getMessage());
    }

    @Test
    public void exitBeforeTheHandshakeShowsTheExitCodeAndStderr() throws IOException {
        Path script = Scripts.write(dir, "kv-go", "echo 'loading config' >&2\necho 'config.hcl: no such file' >&2\n"
                + "exit 3\n");
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.EXITED, e.reason());
        assertEquals("kv.go: the plugin exited before its handshake (exit code 3). Last stderr lines:\n"
                + "  loading config\n  config.hcl: no such file", e.getMessage());
        // Apart as well, for a supervisor that words a failed restart as a crash.
        assertEquals("kv.go: the plugin exited before its handshake (exit code 3)", e.summary());
        assertEquals(List.of("loading config", "config.hcl: no such file"), e.lastStderrLines());
    }

    @Test
    public void longStderrLinesAreShortenedInTheMessage() throws IOException {
        Path script = Scripts.write(dir, "kv-go", "head -c 600 /dev/zero | tr '\\0' x >&2\necho >&2\nexit 1\n");
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.EXITED, e.reason());
        assertEquals("kv.go: the plugin exited before its handshake (exit code 1). Last stderr lines:\n  "
                + "x".repeat(500) + "...", e.getMessage());
    }

    @Test
    public void exitZeroWithBindErrorPointsAtTheSocketDirectory() throws IOException {
        // What go-plugin's Serve does when the socket path is too long: logs the error, returns, exit 0.
        Path script = Scripts.write(dir, "kv-go", "echo '{\"@level\":\"error\",\"@message\":\"plugin init error\","
                + "\"error\":\"listen unix /very/long/plugin1: bind: invalid argument\"}' >&2\nexit 0\n");
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.EXITED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().startsWith(
                "kv.go: the plugin exited before its handshake (exit code 0). Last stderr lines:\n  {\"@level\""));
        assertTrue(e.getMessage(), e.getMessage().endsWith("\nThe socket directory " + dir + " ("
                + dir.toString().length() + " characters) is too long for a Unix socket path (at most 107 bytes"
                + " with go-plugin's file name): use a shorter one."));
    }

    @Test
    public void deathBySignalBeforeTheHandshakeIsNamed() throws IOException {
        Path script = Scripts.write(dir, "kv-go", "kill -SEGV $$\n");
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.EXITED, e.reason());
        assertEquals("kv.go: the plugin exited before its handshake (killed by SIGSEGV). It wrote nothing to stderr.",
                e.getMessage());
    }

    @Test
    public void closingStdoutWithoutAHandshakeGetsThePluginKilled() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path script = Scripts.write(dir, "kv-go", "echo $$ > " + pidFile + "\nexec >&-\n" + Scripts.SLEEP);
        // The default timeout: a closed stdout is noticed without it, and a slow fork must not win.
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.EXITED, e.reason());
        assertEquals("kv.go: the plugin closed its stdout without a handshake and was killed. It wrote nothing to"
                + " stderr.", e.getMessage());
        assertTrue(Scripts.gone(Long.parseLong(Files.readString(pidFile).strip())));
    }

    @Test
    public void noHandshakeInTimeKillsThePlugin() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path script = Scripts.write(dir, "kv-go", "echo 'waiting for the database' >&2\necho $$ > " + pidFile + "\n"
                + Scripts.SLEEP);
        // Long enough for a slow machine to run the script's first two lines before the timeout.
        HandshakeException e = fails(spec(script, Duration.ofMillis(2000)));
        assertEquals(Reason.TIMEOUT, e.reason());
        assertEquals("kv.go: no handshake within 2000 ms; the plugin was killed. Last stderr lines:\n"
                + "  waiting for the database", e.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue("pid " + pid + " is gone when start throws", ProcessHandle.of(pid).isEmpty());
    }

    @Test
    public void failedStartLeavesNoProcessAndRemovesTheSocket() throws Exception {
        // A plugin rejected after it made its socket: the process is gone and so is the file.
        Path script = Scripts.write(dir, "kv-go", "sock=\"$TMPDIR/plugin$$\"\ntouch \"$sock\"\necho $$ > " + dir
                + "/pid\necho \"1|9|unix|$sock|grpc|\"\n" + Scripts.SLEEP);
        HandshakeException e = fails(spec(script));
        assertEquals(Reason.APP_VERSION, e.reason());
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertTrue(ProcessHandle.of(pid).isEmpty());
        assertFalse(Files.exists(dir.resolve("plugin" + pid)));
    }

    @Test
    public void emptyCookieOrNoVersionsIsAProgrammingError() throws IOException {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE);
        IllegalArgumentException cookie = assertThrows(IllegalArgumentException.class, () -> launcher.start(
                new LaunchSpec("kv.go", "1", script, List.of(), dir, Map.of(), "BASIC_PLUGIN", "", List.of(1), dir,
                        Duration.ofSeconds(5)), output));
        assertEquals("kv.go: the magic cookie's key and value must not be empty (go-plugin refuses to serve without"
                + " them)", cookie.getMessage());
        IllegalArgumentException versions = assertThrows(IllegalArgumentException.class, () -> launcher.start(
                new LaunchSpec("kv.go", "1", script, List.of(), dir, Map.of(), "BASIC_PLUGIN", "hello", List.of(),
                        dir, Duration.ofSeconds(5)), output));
        assertEquals("kv.go: no app protocol versions to offer the plugin", versions.getMessage());
    }

    private HandshakeException failsWithLine(String line) throws IOException {
        Path script = Scripts.write(dir, "kv-go", "echo '" + line + "'\n" + Scripts.SLEEP);
        return fails(spec(script));
    }

    @Test
    public void meanwhileRunsOnTheCallerBeforeTheHandshakeIsAwaited() throws Exception {
        // The plugin answers only once meanwhile has made its file: run after the wait, it would time out.
        Path go = dir.resolve("go-ahead");
        Path script = Scripts.write(dir, "kv-go", "while [ ! -e '" + go + "' ]; do sleep 0.01; done\n"
                + Scripts.HANDSHAKE + Scripts.SLEEP);
        String caller = Thread.currentThread().getName();
        AtomicReference<String> ranOn = new AtomicReference<>();
        PluginProcess plugin = launcher.start(spec(script, Duration.ofSeconds(3)), output, () -> {
            ranOn.set(Thread.currentThread().getName());
            try {
                Files.createFile(go);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertEquals(caller, ranOn.get());
            assertEquals("unix", plugin.handshake().network());
        } finally {
            plugin.kill();
        }
    }

    @Test
    public void meanwhileDoesNotRunWhenTheProgramCannotStart() {
        AtomicBoolean ran = new AtomicBoolean();
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> launcher.start(spec(dir.resolve("x/kv-go")), output, () -> ran.set(true)));
        assertEquals(Reason.CANNOT_START, e.reason());
        assertFalse(ran.get());
    }

    @Test
    public void aFailingMeanwhileKillsThePluginAndIsThrown() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path script = Scripts.write(dir, "kv-go", "echo $$ > '" + pidFile + "'\n" + Scripts.SLEEP);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> launcher.start(spec(script),
                output, () -> {
                    try {
                        assertTrue(Scripts.eventually(() -> Files.exists(pidFile) && pidOf(pidFile) > 0,
                                Duration.ofSeconds(5)));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("meanwhile broke");
                }));
        assertEquals("meanwhile broke", e.getMessage());
        long pid = pidOf(pidFile);
        assertTrue("plugin " + pid + " still runs", Scripts.eventually(() -> Scripts.gone(pid), Duration.ofSeconds(5)));
    }

    private static long pidOf(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private HandshakeException fails(LaunchSpec spec) {
        return assertThrows(HandshakeException.class, () -> launcher.start(spec, output));
    }

    private LaunchSpec spec(Path command) {
        return spec(command, Duration.ofSeconds(5));
    }

    private LaunchSpec spec(Path command, Duration timeout) {
        return Scripts.spec(command, dir, timeout);
    }
}
