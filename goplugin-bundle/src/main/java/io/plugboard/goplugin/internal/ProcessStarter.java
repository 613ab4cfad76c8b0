package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.goplugin.internal.launch.HandshakeException;
import io.plugboard.goplugin.internal.launch.PluginLauncher;
import io.plugboard.goplugin.internal.launch.PluginOutput;
import io.plugboard.goplugin.internal.launch.PluginProcess;
import io.plugboard.goplugin.internal.wire.ChannelPreparation;
import io.plugboard.goplugin.internal.wire.PluginChannel;
import io.plugboard.goplugin.internal.wire.PluginChannels;

/**
 * Starts real plugin instances: checks the binary's hash if pinned, makes a fresh socket folder, launches
 * the process, connects and waits for its health service to report SERVING. Thread-safe; the
 * launcher and the channels belong to the handler.
 */
final class ProcessStarter implements InstanceStarter {

    /** Framework property: the folder in which each plugin instance gets its socket folder. */
    static final String SOCKET_DIR_PROPERTY = "plugboard.goplugin.socket.dir";

    // sun_path holds 108 bytes with its NUL; go-plugin names the socket "plugin" + 9 digits.
    static final int MAX_SOCKET_DIR_BYTES = 107 - "/plugin123456789".length();

    /** A plugin whose handshake came just in time still gets this long to report SERVING. */
    private static final Duration MIN_READY_WAIT = Duration.ofMillis(100);

    private final PluginLauncher launcher;
    private final Supplier<PluginChannels> channels;
    private final Path socketRoot;
    private final Function<Descriptor, PluginOutput> outputs;

    /**
     * @param socketRoot where the socket folders are made
     * @param outputs where each plugin's output lines go
     */
    ProcessStarter(PluginLauncher launcher, Supplier<PluginChannels> channels, Path socketRoot,
            Function<Descriptor, PluginOutput> outputs) {
        this.launcher = launcher;
        this.channels = channels;
        this.socketRoot = socketRoot;
        this.outputs = outputs;
    }

    @Override
    public PluginInstance start(Descriptor descriptor) throws PluginFileException {
        return start(descriptor, Steps.NONE);
    }

    /**
     * Runs the steps' {@code whileLaunching} while the launcher waits for the plugin's handshake,
     * and {@code whileConnecting} once the channel has the handshake's address, while the
     * connection comes up and the readiness check is answered.
     */
    @Override
    public PluginInstance start(Descriptor descriptor, Steps steps) throws PluginFileException {
        StartedBinary binary;
        try {
            // Kept open by the instance, which hashes it later if asked to.
            binary = StartedBinary.open(descriptor.command());
        } catch (IOException e) {
            throw cannotRead(descriptor, e);
        }
        PluginInstance instance = null;
        try {
            requirePinnedHash(descriptor, binary);
            instance = start(descriptor, binary, steps);
            return instance;
        } finally {
            if (instance == null) {
                binary.close();
            }
        }
    }

    /** The message without the plugin's name in front, which the launch layer's messages begin with. */
    private static String withoutName(String name, String message) {
        return message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
    }

    /**
     * Checks the binary's hash only when the descriptor pins one, as go-plugin's SecureConfig
     * does: kv-go's 8.1 MiB take about 8 ms to hash, most of the rest of a start again.
     */
    private static void requirePinnedHash(Descriptor descriptor, StartedBinary binary) throws PluginFileException {
        if (descriptor.sha256() != null) {
            try {
                descriptor.requireBinaryHash(binary.sha256());
            } catch (IOException e) {
                throw cannotRead(descriptor, e);
            }
        }
    }

    private static PluginFileException cannotRead(Descriptor descriptor, IOException e) {
        return new PluginFileException(descriptor.name() + ": cannot read " + descriptor.command() + ": "
                + IoFailures.reason(e, descriptor.command()), e);
    }

    private PluginInstance start(Descriptor descriptor, StartedBinary binary, Steps steps)
            throws PluginFileException {
        String name = descriptor.name();
        try {
            Files.createDirectories(descriptor.workDir());
        } catch (IOException e) {
            throw new PluginFileException(name + ": cannot create its working directory " + descriptor.workDir()
                    + " (key \"workdir\" of " + descriptor.file() + "): "
                    + IoFailures.reason(e, descriptor.workDir()), e);
        }
        Path socketDir = newSocketDir(socketRoot);
        long startedNanos = System.nanoTime();
        // The first check may wait as long as awaitServing below does at most.
        ChannelPreparation preparation = new ChannelPreparation(channels, name,
                descriptor.startTimeout().plus(MIN_READY_WAIT), steps.whileLaunching());
        PluginProcess process;
        try {
            process = launcher.start(descriptor.launchSpec(socketDir), outputs.apply(descriptor), preparation);
        } catch (HandshakeException e) {
            preparation.close();
            ProcessInstance.deleteTree(socketDir);
            // The launch layer's messages begin with the plugin's name already.
            throw new StartFailedException(name + " did not start: " + withoutName(name, e.getMessage()),
                    withoutName(name, e.summary()), e.lastStderrLines(), e);
        } catch (RuntimeException e) {
            preparation.close();
            ProcessInstance.deleteTree(socketDir); // whileLaunching failed; the launcher killed the process
            throw e;
        }
        PluginChannel channel = null;
        boolean inCallersStep = false;
        try {
            // go-plugin 1.4 and later send what the plugin prints after Serve on the GRPCStdio stream only.
            channel = preparation.connect(process.handshake(), process.stdio());
            // The event loop connects and sends the readiness check while this thread does the step.
            inCallersStep = true;
            steps.whileConnecting().run();
            inCallersStep = false;
            // The start timeout bounds the whole start, handshake and readiness together.
            Duration left = descriptor.startTimeout().minusNanos(System.nanoTime() - startedNanos);
            if (!channel.awaitServing(left.compareTo(MIN_READY_WAIT) < 0 ? MIN_READY_WAIT : left)) {
                throw new PluginFileException(name + " (pid " + process.pid() + ") did not report SERVING on"
                        + " grpc.health.v1.Health for service \"plugin\" within " + descriptor.startTimeout().toMillis()
                        + " ms (key \"start-timeout-ms\")");
            }
            return new ProcessInstance(process, channel, socketDir, binary);
        } catch (IOException | PluginFileException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            try {
                process.kill();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            ProcessInstance.deleteTree(socketDir);
            if (e instanceof PluginFileException p) {
                throw p;
            }
            if (inCallersStep) {
                throw (RuntimeException) e; // the caller's own failure, not the connection's
            }
            if (e instanceof IOException) {
                // The channel's message names the plugin's address and what the connection said.
                throw new PluginFileException(name + " (pid " + process.pid() + ") did not start: " + e.getMessage(), e);
            }
            throw new PluginFileException(name + " (pid " + process.pid() + "): cannot connect to "
                    + process.handshake().address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes a fresh, private folder for one instance's socket in the root.
     *
     * @throws PluginFileException when the root is too long for a socket path, or the folder cannot be made
     */
    static Path newSocketDir(Path root) throws PluginFileException {
        Path dir = null;
        try {
            Files.createDirectories(root);
            dir = Files.createTempDirectory(root, SocketFolders.PREFIX);
            SocketFolders.markOwned(dir);
        } catch (IOException e) {
            if (dir != null) {
                ProcessInstance.deleteTree(dir);
            }
            throw new PluginFileException("Cannot create a socket folder in " + root + " (framework property "
                    + SOCKET_DIR_PROPERTY + "): " + IoFailures.reason(e, root), e);
        }
        int bytes = dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_DIR_BYTES) {
            ProcessInstance.deleteTree(dir);
            throw new PluginFileException("Socket folder " + dir + " is " + bytes + " bytes long; a Unix socket path"
                    + " must stay under 108 bytes, so the folder may have at most " + MAX_SOCKET_DIR_BYTES
                    + ": set the framework property " + SOCKET_DIR_PROPERTY + " to a shorter folder");
        }
        return dir;
    }
}
