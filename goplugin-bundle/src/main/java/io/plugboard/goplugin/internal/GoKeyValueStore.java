package io.plugboard.goplugin.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.goplugin.internal.launch.ProcessExit;
import io.plugboard.goplugin.internal.wire.KvCallException;

/**
 * The {@link KeyValueStore} service of a go-plugin KV plugin: each call goes to the supervisor's
 * serving instance with the descriptor's call deadline. While the plugin restarts (or is being
 * replaced) a call waits for the next instance, at most the call timeout, and a call that lost
 * its connection is retried once on the next instance: Put and Get are idempotent, so a retry
 * cannot apply anything twice that matters.
 *
 * <p>Except after a panic: a call that was sent to a live process which then ended in a Go panic
 * fails with an error that says so, and is not retried. It may be the call that made the plugin
 * panic (a handler's panic ends a go-plugin process), and retrying it would crash the restarted
 * instance as well, spending the restart budget on one bad call. A process killed by a signal, or
 * replaced, says nothing against the call, which is retried. Thread-safe: it holds no state of its own.
 */
final class GoKeyValueStore implements KeyValueStore {

    private final Supervisor supervisor;

    GoKeyValueStore(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public void put(String key, byte[] value) {
        KeyValueStore.requireValidKey(key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (key \"" + key + "\")");
        }
        byte[] copy = value.clone(); // the caller may reuse its array while we wait
        call((instance, deadline) -> {
            instance.put(key, copy, deadline);
            return null;
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        KeyValueStore.requireValidKey(key);
        return call((instance, deadline) -> instance.get(key, deadline));
    }

    @Override
    public boolean delete(String key) {
        KeyValueStore.requireValidKey(key);
        throw unsupported("delete");
    }

    @Override
    public List<String> keys() {
        throw unsupported("listing keys");
    }

    @Override
    public String toString() {
        return "go-plugin KV store " + supervisor.name();
    }

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(supervisor.name() + " is a go-plugin KV plugin; its protocol has"
                + " only Get and Put, so " + operation + " is not supported");
    }

    /** One KV call on an instance. */
    @FunctionalInterface
    private interface Call<T> {
        T on(PluginInstance instance, Duration deadline) throws KvCallException;
    }

    /**
     * Makes the call on the serving instance; when the connection is lost (the process ended, or
     * is being replaced), waits for the next instance and calls once more. Each wait and each
     * call is bounded by the call timeout.
     */
    private <T> T call(Call<T> call) {
        String name = supervisor.name();
        Duration timeout = supervisor.descriptor().callTimeout();
        PluginInstance instance = supervisor.awaitServing(null, timeout);
        // A process already gone when the call is sent cannot have been crashed by it.
        boolean sentToALiveProcess = !instance.exit().isDone();
        try {
            return call.on(instance, timeout);
        } catch (KvCallException first) {
            if (first.kind() != KvCallException.Kind.UNAVAILABLE) {
                throw mapped(name, timeout, first);
            }
            // Once another instance serves, the supervisor has seen how this one ended (unless it was replaced).
            PluginInstance next = supervisor.awaitServing(instance, timeout);
            ProcessExit end = instance.exit().getNow(null);
            if (sentToALiveProcess && end != null && Endings.panicked(end)) {
                throw new KeyValueStoreException(name + " crashed during the call: "
                        + Endings.withStderr(end.describe(), end.lastStderrLines()) + ". The call is not retried: it"
                        + " may be what made the plugin panic, and it may or may not have taken effect", first);
            }
            try {
                return call.on(next, timeout);
            } catch (KvCallException second) {
                throw mapped(name, timeout, second);
            }
        }
    }

    /** The call's failure, worded for the caller. */
    private static KeyValueStoreException mapped(String name, Duration timeout, KvCallException e) {
        return switch (e.kind()) {
            case DEADLINE -> new KeyValueStoreException(name + " did not answer within " + timeout.toMillis() + " ms", e);
            // The wire layer's message names the plugin already; don't say it twice.
            case UNAVAILABLE -> new KeyValueStoreException(String.valueOf(e.getMessage()).contains(name)
                    ? e.getMessage() : name + " cannot be reached: " + e.getMessage(), e);
            case PLUGIN_ERROR -> new KeyValueStoreException(name + ": " + e.getMessage(), e);
            // Worded by the wire layer, the plugin named.
            case TOO_LARGE -> new KeyValueStoreException(e.getMessage(), e);
        };
    }
}
