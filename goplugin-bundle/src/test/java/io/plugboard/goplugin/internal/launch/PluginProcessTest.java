package io.plugboard.goplugin.internal.launch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.log.LogLevel;

import io.plugboard.goplugin.internal.launch.RecordingOutput.Line;

/** A started plugin: its environment, its output as classified lines, and its end; real bash processes. */
public class PluginProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

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
        launcher.close();
    }

    @Test
    public void passesCookieVersionsPortsSocketDirectoryAndExtraEnvironment() throws Exception {
        assertEnvironmentAndArguments(launcher);
        assertTrue(launcher.usesSpawner());
    }

    @Test
    public void theJvmsWayPassesTheSameEnvironment() throws Exception {
        PluginLauncher direct = new PluginLauncher(null);
        try {
            assertEnvironmentAndArguments(direct);
            assertFalse(direct.usesSpawner());
        } finally {
            direct.close();
        }
    }

    /**
     * The host's environment (PATH, HOME), the descriptor's variables, and go-plugin's on top of
     * both; the starters get only the variables to set and add them to the host's environment.
     */
    private void assertEnvironmentAndArguments(PluginLauncher starting) throws Exception {
        Path work = temp.newFolder().toPath();
        Path script = Scripts.write(dir, "kv-go", "for v in BASIC_PLUGIN PLUGIN_PROTOCOL_VERSIONS PLUGIN_MIN_PORT"
                + " PLUGIN_MAX_PORT TMPDIR PLUGIN_UNIX_SOCKET_DIR PLUGIN_UNIX_SOCKET_GROUP KV_MODE HOME; do"
                + " echo \"$v=${!v}\" >&2; done\n"
                + "echo \"PATH set: ${PATH:+yes}\" >&2\necho \"TMPDIR given: $(env | grep -c '^TMPDIR=')\" >&2\n"
                + "echo \"pwd=$(pwd)\" >&2\necho \"args=$*\" >&2\n"
                + Scripts.HANDSHAKE + Scripts.SLEEP);
        // The descriptor's env cannot override what go-plugin's protocol needs, nor where the socket
        // goes (go-plugin 1.5 and later look in PLUGIN_UNIX_SOCKET_DIR first); a socket group it may set.
        LaunchSpec spec = new LaunchSpec("kv.go", "1.0.0", script, List.of("-v", "two words"), work,
                Map.of("KV_MODE", "fast", "TMPDIR", "/elsewhere", "PLUGIN_UNIX_SOCKET_DIR", "/elsewhere",
                        "PLUGIN_UNIX_SOCKET_GROUP", "plugins", "HOME", "/descriptors-home"),
                "BASIC_PLUGIN", "hello", List.of(2, 1), dir, WAIT);
        PluginProcess plugin = starting.start(spec, output);
        try {
            output.await("args=-v two words");
            assertEquals(List.of("BASIC_PLUGIN=hello", "PLUGIN_PROTOCOL_VERSIONS=2,1", "PLUGIN_MIN_PORT=10000",
                    "PLUGIN_MAX_PORT=25000", "TMPDIR=" + dir, "PLUGIN_UNIX_SOCKET_DIR=" + dir,
                    "PLUGIN_UNIX_SOCKET_GROUP=plugins", "KV_MODE=fast", "HOME=/descriptors-home",
                    "PATH set: yes", "TMPDIR given: 1", "pwd=" + work, "args=-v two words"),
                    plugin.lastStderrLines());
        } finally {
            plugin.kill();
        }
    }

    /**
     * A host started with go-plugin 1.5's socket variables in its environment: the plugin would
     * inherit them, make its socket in the other folder (out of the host's cleanup and its 108-byte
     * check) and chown it to the group. It gets its socket folder and no group, both ways of starting
     * it; the script makes its socket where go-plugin 1.5 does.
     */
    @Test
    public void socketVariablesInTheHostsEnvironmentDoNotReachThePlugin() throws Exception {
        Path script = Scripts.write(dir, "kv-go", "echo \"dir=$PLUGIN_UNIX_SOCKET_DIR\" >&2\n"
                + "echo \"group=$PLUGIN_UNIX_SOCKET_GROUP\" >&2\necho done >&2\n"
                + "sock=\"${PLUGIN_UNIX_SOCKET_DIR:-$TMPDIR}/plugin$$\"\ntouch \"$sock\"\n"
                + "echo \"1|1|unix|$sock|grpc|\"\n"
                + Scripts.SLEEP);
        Path elsewhere = temp.newFolder("elsewhere").toPath();
        ProcessBuilder host = new ProcessBuilder(Scripts.javaCommand(EnvironmentProbe.class, script.toString()))
                .redirectErrorStream(true);
        host.environment().put("PLUGIN_UNIX_SOCKET_DIR", elsewhere.toString());
        host.environment().put("PLUGIN_UNIX_SOCKET_GROUP", "no-such-group");
        Process jvm = host.start();
        boolean ended;
        try {
            // Its few lines fit in the pipe: read once it is over, or killed (through its handle, which
            // leaves the pipe open).
            ended = jvm.waitFor(30, TimeUnit.SECONDS);
        } finally {
            jvm.toHandle().destroyForcibly();
        }
        List<String> lines = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .collect(Collectors.toList());
        assertTrue("the probe JVM ended; it printed " + lines, ended);
        List<String> expected = new ArrayList<>();
        for (String way : List.of("spawner", "jvm")) {
            expected.addAll(List.of(way + ": dir=" + dir, way + ": group=", way + ": done",
                    way + ": socket in " + dir));
        }
        assertEquals(expected, lines);
        assertEquals(0, jvm.exitValue());
        // Nothing was made in the folder the host's environment named.
        try (Stream<Path> left = Files.list(elsewhere)) {
            assertEquals(List.of(), left.collect(Collectors.toList()));
        }
    }

    @Test
    public void hclogJsonLinesArriveAtTheirLevelWithTheirFields() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "cat >&2 <<'LOG'\n"
                + "{\"@level\":\"trace\",\"@message\":\"tick\",\"@timestamp\":\"2019-01-01T00:00:00.000000Z\"}\n"
                + "{\"@level\":\"debug\",\"@message\":\"plugin address\",\"@timestamp\":\"2019-01-01T00:00:00.000000Z\","
                + "\"address\":\"/tmp/plugin1\",\"network\":\"unix\"}\n"
                + "{\"@level\":\"info\",\"@message\":\"put \\\"a\\\"\\n\\u00e9\",\"@module\":\"kv\",\"size\":42,"
                + "\"ratio\":0.5,\"ok\":true,\"none\":null,\"tags\":[\"x\",\"}\"]}\n"
                + "{\"@level\":\"warn\",\"@message\":\"slow\"}\n"
                + "{\"@level\":\"error\",\"@message\":\"failed\",\"error\":\"disk full\"}\n"
                + "{\"@level\":\"shout\",\"@message\":\"unknown level\"}\n"
                + "plain text from log.Printf\n"
                + "{\"@level\":\"info\", broken\n"
                + "LOG\n" + "echo done >&2\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        try {
            output.await("done");
            List<Line> lines = output.lines();
            assertEquals(new Line(LogLevel.DEBUG, "tick", Map.of()), lines.get(0));
            assertEquals(new Line(LogLevel.DEBUG, "plugin address",
                    Map.of("address", "/tmp/plugin1", "network", "unix")), lines.get(1));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("@module", "kv");
            fields.put("size", 42L);
            fields.put("ratio", 0.5);
            fields.put("ok", true);
            fields.put("none", null);
            fields.put("tags", "[\"x\",\"}\"]");
            assertEquals(new Line(LogLevel.INFO, "put \"a\"\n\u00e9", fields), lines.get(2));
            assertEquals(List.copyOf(fields.keySet()), List.copyOf(lines.get(2).fields().keySet()));
            assertEquals(new Line(LogLevel.WARN, "slow", Map.of()), lines.get(3));
            assertEquals(new Line(LogLevel.ERROR, "failed", Map.of("error", "disk full")), lines.get(4));
            // Not hclog's: verbatim, WARN, like any raw line.
            assertEquals(new Line(LogLevel.WARN, "{\"@level\":\"shout\",\"@message\":\"unknown level\"}", Map.of()),
                    lines.get(5));
            assertEquals(new Line(LogLevel.WARN, "plain text from log.Printf", Map.of()), lines.get(6));
            assertEquals(new Line(LogLevel.WARN, "{\"@level\":\"info\", broken", Map.of()), lines.get(7));
            assertEquals(new Line(LogLevel.WARN, "done", Map.of()), lines.get(8));
            assertEquals(9, lines.size());
        } finally {
            plugin.kill();
        }
    }

    @Test
    public void stdoutAfterTheHandshakeIsInfo() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "echo 'hello from fmt.Println'\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        try {
            assertEquals(new Line(LogLevel.INFO, "hello from fmt.Println", Map.of()),
                    output.await("hello from fmt.Println"));
        } finally {
            plugin.kill();
        }
    }

    /**
     * go-plugin 1.4's GRPCStdio chunks: split into lines per channel (their chunks interleave and
     * cut lines anywhere), stdout INFO, stderr at its hclog level or WARN and among the last stderr
     * lines, never taken for a panic; an unfinished line goes out at the end.
     */
    @Test
    public void streamedStdioLinesArriveLikeThePipesLines() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "echo 'from the pipe' >&2\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        try {
            output.await("from the pipe");
            StdioOutput stdio = plugin.stdio();
            stdio.stdout(bytes("put a x"));
            stdio.stderr(bytes("{\"@level\":\"error\",\"@message\":\"disk "));
            stdio.stdout(bytes("x\nput b\n"));
            stdio.stderr(bytes("full\",\"free\":0}\npanic: not a real one\n"));
            stdio.stderr(bytes("after it"));
            stdio.stdout(bytes("unfinished"));
            stdio.ended();
            assertEquals(List.of(new Line(LogLevel.WARN, "from the pipe", Map.of()),
                    new Line(LogLevel.INFO, "put a xx", Map.of()),
                    new Line(LogLevel.INFO, "put b", Map.of()),
                    new Line(LogLevel.ERROR, "disk full", Map.of("free", 0L)),
                    new Line(LogLevel.WARN, "panic: not a real one", Map.of()),
                    new Line(LogLevel.INFO, "unfinished", Map.of()),
                    new Line(LogLevel.WARN, "after it", Map.of())), output.lines());
            assertEquals(List.of("from the pipe", "{\"@level\":\"error\",\"@message\":\"disk full\",\"free\":0}",
                    "panic: not a real one", "after it"), plugin.lastStderrLines());
        } finally {
            plugin.kill();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    public void aGoPanicIsOneErrorWithItsStack() throws Exception {
        String stack = "panic: runtime error: invalid memory address or nil pointer dereference\n"
                + "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n\n"
                + "goroutine 7 [running]:\n"
                + "main.(*KV).Put(0x0, 0xc000010000, 0x1, 0x0, 0x0)\n"
                + "\t/src/kv/main.go:25 +0x1d\n"
                + "created by main.main\n"
                + "\t/src/kv/main.go:40 +0x80";
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE
                + "echo '{\"@level\":\"info\",\"@message\":\"serving\"}' >&2\n"
                + "cat >&2 <<'STACK'\n" + stack + "\nSTACK\nexit 2\n");
        PluginProcess plugin = launcher.start(spec(script), output);
        ProcessExit exit = plugin.exit().get();
        assertEquals(new ProcessExit(2, null, ("{\"@level\":\"info\",\"@message\":\"serving\"}\n" + stack)
                .lines().collect(Collectors.toList())), exit);
        assertEquals("exit code 2", exit.describe());
        assertEquals(List.of(new Line(LogLevel.INFO, "serving", Map.of()), new Line(LogLevel.ERROR, stack, Map.of())),
                output.lines());
    }

    @Test
    public void keepsTheLastTwentyStderrLines() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "for i in $(seq 1 30); do echo \"line $i\" >&2;"
                + " done\nexit 0\n");
        PluginProcess plugin = launcher.start(spec(script), output);
        List<String> expected = IntStream.rangeClosed(11, 30).mapToObj(i -> "line " + i).toList();
        ProcessExit exit = plugin.exit().get();
        assertEquals(new ProcessExit(0, null, expected), exit);
        assertEquals(expected, plugin.lastStderrLines());
        assertEquals(30, output.lines().size());
    }

    @Test
    public void overlongLinesAreCutAndLineEndsStripped() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "head -c 70000 /dev/zero | tr '\\0' x >&2\n"
                + "printf '\\ndos line\\r\\n' >&2\nexit 0\n");
        PluginProcess plugin = launcher.start(spec(script), output);
        plugin.exit().get();
        assertEquals(List.of(new Line(LogLevel.WARN, "x".repeat(LineSplitter.MAX_LINE), Map.of()),
                new Line(LogLevel.WARN, "x".repeat(70000 - LineSplitter.MAX_LINE), Map.of()),
                new Line(LogLevel.WARN, "dos line", Map.of())), output.lines());
    }

    @Test
    public void aFailingReceiverDoesNotStopTheDrain() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "for i in 1 2 3; do echo \"line $i\" >&2;"
                + " echo \"out $i\"; done\nexit 0\n");
        PluginProcess plugin = launcher.start(spec(script), (level, message, fields) -> {
            output.line(level, message, fields);
            throw new IllegalStateException("receiver failed");
        });
        assertEquals(List.of("line 1", "line 2", "line 3"), plugin.exit().get().lastStderrLines());
        assertEquals(6, output.lines().size());
    }

    @Test
    public void killEndsThePluginWithSigkillAndRemovesItsSocket() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + "echo 'ready' >&2\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        Path socket = Path.of(plugin.handshake().address());
        assertTrue(Files.exists(socket));
        output.await("ready");
        assertFalse("still running", plugin.awaitExit(Duration.ofMillis(50)));
        ProcessExit exit = plugin.kill();
        assertEquals(new ProcessExit(-1, "SIGKILL", List.of("ready")), exit);
        assertEquals("killed by SIGKILL", exit.describe());
        assertFalse(Files.exists(socket));
        assertTrue(plugin.exit().isDone());
        assertTrue(plugin.awaitExit(Duration.ZERO));
        assertTrue(ProcessHandle.of(plugin.pid()).isEmpty());
    }

    @Test
    public void aSignalFromOutsideIsNamed() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        ProcessHandle.of(plugin.pid()).orElseThrow().destroy();
        assertTrue(plugin.awaitExit(WAIT));
        ProcessExit exit = plugin.exit().get();
        assertEquals("SIGTERM", exit.signal());
        assertEquals(-1, exit.exitCode());
    }

    @Test
    public void onlyAFileInTheSocketDirectoryIsRemoved() throws Exception {
        // The address comes from the plugin: a path elsewhere is not the host's to delete.
        Path elsewhere = temp.newFolder("elsewhere").toPath().resolve("keep");
        Files.writeString(elsewhere, "data");
        Path script = Scripts.write(dir, "kv-go", "echo '1|1|unix|" + elsewhere + "|grpc|'\n" + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(spec(script), output);
        plugin.kill();
        assertTrue(Files.exists(elsewhere));
    }

    @Test
    public void startsDirectlyWithoutSetpriv() throws Exception {
        PluginLauncher direct = new PluginLauncher(null);
        try {
            Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + Scripts.SLEEP);
            PluginProcess plugin = direct.start(spec(script), output);
            assertEquals(dir.resolve("plugin" + plugin.pid()).toString(), plugin.handshake().address());
            assertNull(ProcessHandle.of(plugin.pid()).orElseThrow().info().command().filter(c -> c.contains("setpriv"))
                    .orElse(null));
            assertEquals("SIGKILL", plugin.kill().signal());
        } finally {
            direct.close();
        }
    }

    private LaunchSpec spec(Path command) {
        return Scripts.spec(command, dir, WAIT);
    }
}
