package io.plugboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.plugboard.goplugin.internal.launch.LaunchSpec;
import io.plugboard.goplugin.internal.launch.PluginLauncher;
import io.plugboard.goplugin.internal.launch.PluginOutput;
import io.plugboard.goplugin.internal.launch.PluginProcess;
import io.plugboard.goplugin.internal.wire.ChannelPreparation;
import io.plugboard.goplugin.internal.wire.PluginChannel;
import io.plugboard.goplugin.internal.wire.PluginChannels;

/**
 * The Java host's launch and wire layers, called directly: {@link PluginLauncher} starts the
 * plugin and reads its handshake, {@link PluginChannels} connects, {@link PluginChannel} makes
 * the calls, with the call deadline the runtime uses. This is the layer go-plugin's
 * {@code Dispense}d client is: gohost calls the generated gRPC client just as directly. The
 * start follows the runtime's ProcessStarter, through the same ChannelPreparation (launch while
 * the channel is claimed from the reserve or prepared, hand it the handshake's address, wait for
 * SERVING); the runtime
 * hashes the binary too, but only when the descriptor pins {@code sha256}, which the bench's does not.
 *
 * <p>One launcher and one channel factory serve all rounds, as one bundle activation does.
 */
final class JavaWireHost implements AutoCloseable {

    /** The descriptor defaults of the runtime (start-timeout-ms, call-timeout-ms). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final String NAME = "kv.go.bench";

    /** The runtime logs each line through OSGi Log, which drops kv-go's debug lines; so does this. */
    private static final PluginOutput DISCARD = (level, message, fields) -> {
    };

    private final Path plugin;
    private final PluginLauncher launcher = new PluginLauncher();
    private final PluginChannels channels;

    /**
     * @param plugin the kv-go binary
     * @param nativeWorkDir where Netty unpacks its epoll library
     */
    JavaWireHost(Path plugin, Path nativeWorkDir) {
        this.plugin = plugin;
        // The spin window as the goplugin bundle in the same JVM reads it (Felix falls back to
        // system properties), so both Java hosts run alike.
        this.channels = new PluginChannels(nativeWorkDir,
                PluginChannels.spinWindow(System.getProperty(PluginChannels.SPIN_PROPERTY)));
    }

    /** Starts the plugin, runs the workload (with health checks), stops the plugin. */
    HostFigures run(KvWorkload workload, Path workDir, Path socketDir) throws Exception {
        LaunchSpec spec = new LaunchSpec(NAME, "1.0.0", plugin, List.of(), workDir, Map.of(), "BASIC_PLUGIN",
                "hello", List.of(1), socketDir, START_TIMEOUT);
        long start = System.nanoTime();
        // The runtime's own: the reserve channel claimed (or one built) while the plugin starts.
        ChannelPreparation preparation = new ChannelPreparation(() -> channels, NAME, START_TIMEOUT, () -> {
        });
        PluginProcess process;
        try {
            process = launcher.start(spec, DISCARD, preparation);
        } catch (Exception | Error e) {
            preparation.close();
            throw e;
        }
        long handshake = System.nanoTime();
        PluginChannel channel = null;
        try {
            channel = preparation.connect(process.handshake());
            long connected = System.nanoTime();
            if (!channel.awaitServing(START_TIMEOUT)) {
                throw new IllegalStateException("kv-go did not report SERVING within " + START_TIMEOUT.toMillis() + " ms");
            }
            long serving = System.nanoTime();
            channel.put("first-call", workload.value(), CALL_DEADLINE);
            long answered = System.nanoTime();
            HostFigures.StartPhases phases = new HostFigures.StartPhases(connected - handshake,
                    serving - connected, answered - serving);
            long startFirstCall = answered - start;
            PluginChannel calls = channel;
            HostFigures figures = workload.run(startFirstCall, () -> {
                if (!calls.healthy(CALL_DEADLINE)) {
                    throw new IllegalStateException("kv-go did not report SERVING");
                }
            }, new KvWorkload.Kv() {
                @Override
                public void put(String key, byte[] value) throws Exception {
                    calls.put(key, value, CALL_DEADLINE);
                }

                @Override
                public byte[] get(String key) throws Exception {
                    return calls.get(key, CALL_DEADLINE).orElse(null);
                }
            });
            return figures.withPhases(handshake - start, phases);
        } finally {
            stop(process, channel);
        }
    }

    /** As the runtime stops a plugin: Shutdown, up to 2 s for the exit, then SIGKILL. */
    private static void stop(PluginProcess process, PluginChannel channel) throws InterruptedException {
        if (channel != null) {
            channel.shutdown(STOP_GRACE);
        }
        if (channel == null || !process.awaitExit(STOP_GRACE)) {
            process.kill();
        }
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void close() {
        channels.close();
        launcher.close();
    }
}
