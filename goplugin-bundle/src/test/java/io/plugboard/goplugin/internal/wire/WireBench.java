package io.plugboard.goplugin.internal.wire;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import io.plugboard.goplugin.internal.launch.Handshake;

/**
 * By hand, not a test: the per-call figures of gohost (go-plugin's own Go host) for this Java
 * client, against the same real plugin process. Starts the plugin (go-plugin's environment, the
 * example's cookie), connects, warms up, then times Ping (Health/Check) and Put+Get pairs of
 * random values on distinct keys one by one, and prints gohost's lines.
 *
 * <pre>
 * java -cp "$(cat cp.txt):target/classes:target/test-classes" \
 *     io.plugboard.goplugin.internal.wire.WireBench go-plugins/target/bin/kv-go 20000 64 /dev/shm/kvbench
 * </pre>
 */
public final class WireBench {

    /** Calls of each kind before timing: enough for the JIT to compile the call path. */
    private static final int WARMUP = Integer.getInteger("warmup", 10_000);

    private WireBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: WireBench <plugin program> <calls> <value size> <work dir>");
            System.exit(2);
        }
        Path program = Path.of(args[0]).toAbsolutePath();
        int calls = Integer.parseInt(args[1]);
        int valueSize = Integer.parseInt(args[2]);
        Path dir = Files.createDirectories(Path.of(args[3]));
        ProcessBuilder builder = new ProcessBuilder(program.toString()).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("BASIC_PLUGIN", "hello");
        builder.environment().put("PLUGIN_PROTOCOL_VERSIONS", "1");
        builder.environment().put("PLUGIN_MIN_PORT", "10000");
        builder.environment().put("PLUGIN_MAX_PORT", "25000");
        long start = System.nanoTime();
        Process process = builder.start();
        try (PluginChannels channels = new PluginChannels(dir.resolve("native"))) {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            String[] parts = line.split("\\|", -1);
            Handshake handshake = new Handshake(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts[2],
                    parts[3], parts[4], parts[5]);
            Duration deadline = Duration.ofSeconds(10);
            Random random = new Random(1);
            try (PluginChannel channel = channels.connect(handshake, "kv-bench")) {
                byte[] first = value(random, valueSize);
                channel.put("first", first, deadline);
                System.out.println("start_first_call_us " + (System.nanoTime() - start) / 1000);
                for (int i = 0; i < WARMUP; i++) {
                    channel.healthy(deadline);
                    putGet(channel, "warm" + i, value(random, valueSize), deadline);
                }
                long[] ping = new long[calls];
                for (int i = 0; i < calls; i++) {
                    long t = System.nanoTime();
                    if (!channel.healthy(deadline)) {
                        throw new IllegalStateException("not serving");
                    }
                    ping[i] = System.nanoTime() - t;
                }
                long[] putGet = new long[calls];
                byte[][] values = new byte[calls][];
                for (int i = 0; i < calls; i++) {
                    values[i] = value(random, valueSize);
                }
                for (int i = 0; i < calls; i++) {
                    long t = System.nanoTime();
                    putGet(channel, "key" + i, values[i], deadline);
                    putGet[i] = System.nanoTime() - t;
                }
                print("ping", ping);
                print("putget", putGet);
                System.out.println("calls " + calls);
                System.out.println("value_size " + valueSize);
                channel.shutdown(deadline);
            }
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static void putGet(PluginChannel channel, String key, byte[] value, Duration deadline) throws Exception {
        channel.put(key, value, deadline);
        if (!Arrays.equals(value, channel.get(key, deadline).orElseThrow())) {
            throw new IllegalStateException("Get of " + key + " differs from its Put");
        }
    }

    private static byte[] value(Random random, int size) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        return value;
    }

    /** Nearest-rank median and p99 in microseconds, as gohost prints them. */
    private static void print(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.println(name + "_median_us " + rank(sorted, 0.50) / 1000);
        System.out.println(name + "_p99_us " + rank(sorted, 0.99) / 1000);
    }

    private static long rank(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }
}
