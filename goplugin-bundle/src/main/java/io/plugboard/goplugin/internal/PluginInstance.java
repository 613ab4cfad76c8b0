package io.plugboard.goplugin.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.plugboard.goplugin.internal.launch.ProcessExit;
import io.plugboard.goplugin.internal.wire.KvCallException;

/**
 * One started, serving plugin process and its connection: what a {@link Supervisor} supervises
 * and a {@link GoKeyValueStore} calls. {@link ProcessInstance} is the real one; the supervisor
 * sees only this interface, so its state machine can be tested with instances that live in memory.
 * Implementations are thread-safe.
 */
interface PluginInstance {

    /** The process id. */
    long pid();

    /** When the process was started. */
    Instant startedAt();

    /** The protocol in words, e.g. {@code grpc, app protocol 1}. */
    String protocol();

    /** Where it listens: the Unix socket's path, or {@code tcp host:port}. */
    String address();

    /** The binary it was started from (its SHA-256 is taken when first asked for). */
    StartedBinary binary();

    /** Completes when the process has ended, for whatever reason. */
    CompletableFuture<ProcessExit> exit();

    /** The last lines the process wrote to stderr, oldest first. */
    List<String> lastStderrLines();

    /** One liveness check within the deadline: true if the plugin reports SERVING. */
    boolean healthy(Duration deadline);

    /** KV Get with the deadline; empty for a missing key. */
    Optional<byte[]> get(String key, Duration deadline) throws KvCallException;

    /** KV Put with the deadline. */
    void put(String key, byte[] value, Duration deadline) throws KvCallException;

    /** Kills the process at once (it stopped answering); {@link #exit()} completes. */
    void kill();

    /**
     * Stops the process gracefully: asks it to shut down, waits up to {@code grace}, else kills
     * it; then releases what {@link #release()} releases. Returns once the process is gone.
     *
     * @return true if it exited within the grace, false if it had to be killed
     */
    boolean stop(Duration grace);

    /** Releases the connection, the socket folder and the open binary of a process that has ended. */
    void release();
}
