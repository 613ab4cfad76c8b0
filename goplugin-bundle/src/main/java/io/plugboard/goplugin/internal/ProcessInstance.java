package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.launch.PluginProcess;
import io.plugboard.goplugin.internal.launch.ProcessExit;
import io.plugboard.goplugin.internal.wire.KvCallException;
import io.plugboard.goplugin.internal.wire.PluginChannel;

/** A real plugin instance: a {@link PluginProcess} and the {@link PluginChannel} to it. Thread-safe. */
final class ProcessInstance implements PluginInstance {

    private final PluginProcess process;
    private final PluginChannel channel;
    private final Path socketDir;
    private final StartedBinary binary;

    ProcessInstance(PluginProcess process, PluginChannel channel, Path socketDir, StartedBinary binary) {
        this.process = process;
        this.channel = channel;
        this.socketDir = socketDir;
        this.binary = binary;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Instant startedAt() {
        return process.startedAt();
    }

    @Override
    public String protocol() {
        Handshake handshake = process.handshake();
        return handshake.protocol() + ", app protocol " + handshake.appVersion();
    }

    @Override
    public String address() {
        Handshake handshake = process.handshake();
        return "unix".equals(handshake.network()) ? handshake.address()
                : handshake.network() + " " + handshake.address();
    }

    @Override
    public StartedBinary binary() {
        return binary;
    }

    @Override
    public CompletableFuture<ProcessExit> exit() {
        return process.exit();
    }

    @Override
    public List<String> lastStderrLines() {
        return process.lastStderrLines();
    }

    @Override
    public boolean healthy(Duration deadline) {
        return channel.healthy(deadline);
    }

    @Override
    public Optional<byte[]> get(String key, Duration deadline) throws KvCallException {
        return channel.get(key, deadline);
    }

    @Override
    public void put(String key, byte[] value, Duration deadline) throws KvCallException {
        channel.put(key, value, deadline);
    }

    @Override
    public void kill() {
        try {
            process.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean stop(Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        try {
            // Shutdown's status is usually UNAVAILABLE (the server stops under the call); any status counts as sent.
            channel.shutdown(grace);
            // The grace counts from the Shutdown call, which a plugin that does not answer makes last.
            Duration left = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
            if (process.awaitExit(left)) {
                return true;
            }
            process.kill();
            return false;
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            return false;
        } finally {
            release();
        }
    }

    @Override
    public void release() {
        channel.close();
        deleteTree(socketDir);
        binary.close();
    }

    /** Deletes the folder and what is left in it (the launch layer removes the socket; this is the folder we made). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Best effort: a folder in the temporary area that cannot go now is harmless.
                }
            });
        } catch (IOException e) {
            // As above.
        }
    }
}
