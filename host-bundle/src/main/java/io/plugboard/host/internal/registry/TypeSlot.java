package io.plugboard.host.internal.registry;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * The current target of one plugin type, as every stand-in of that type reads it: one volatile
 * field on the fast path. Calls that find no target wait here, on this object's monitor, which
 * {@link #update} notifies whenever the target changes; a call that waited too long gets a
 * {@link PluginUnavailableException} that says what happened to the type's last plugin.
 */
final class TypeSlot {

    /** One call on a target, as a stand-in makes it; the slow path runs it, retrying if needed. */
    @FunctionalInterface
    interface Call<S, R, X extends Throwable> {
        R on(S target) throws X;
    }

    private final String type;
    private final long timeoutNanos;
    private final Supplier<String> installedTypes;
    private final LongFunction<String> whatHappened;

    /** The service object calls go to now; null while the type has no plugin. */
    private volatile Object target;
    /**
     * Counts changes of the target, and instances that resumed taking calls ({@link #wake}); written
     * holding this monitor. A call that found an instance stopped waits for this to move, not for
     * another target: after a live handover back and forth the stopped instance may serve again.
     */
    private volatile long changes;

    // Guarded by this: only read to word an exception, written by update().
    private PluginInfo current;
    private PluginInfo last;
    private long lostAtNanos;
    private PluginInfo beingUpdated;
    /** The selected plugin's name while the type waits for it, absent as it is; else null. */
    private String awaited;

    /**
     * @param whatHappened words what became of a bundle that no longer serves, by bundle id,
     *        e.g. "was uninstalled"
     */
    TypeSlot(String type, long timeoutNanos, Supplier<String> installedTypes, LongFunction<String> whatHappened) {
        this.type = type;
        this.timeoutNanos = timeoutNanos;
        this.installedTypes = installedTypes;
        this.whatHappened = whatHappened;
    }

    String type() {
        return type;
    }

    /** The fast path: the target now, or null. */
    Object target() {
        return target;
    }

    /**
     * Sets the target and wakes every waiting call if it changed.
     *
     * @param active the plugin that serves now, or null
     * @param held the plugin being updated while its type waits for it (a replacement notice), or null
     * @param awaited the name of the selected plugin while the type waits for it, absent, or null
     */
    synchronized void update(Object newTarget, PluginInfo active, PluginInfo held, String awaited) {
        this.awaited = awaited;
        if (active == null && current != null) {
            last = current;
            lostAtNanos = System.nanoTime();
        }
        current = active;
        beingUpdated = held;
        if (target != newTarget) {
            target = newTarget;
            changes++;
            notifyAll();
        }
    }

    /**
     * Wakes the calls that found the target stopped, so they try it again: it has resumed taking
     * calls (a live handover away from it failed and it took its state back).
     */
    synchronized void wake() {
        changes++;
        notifyAll();
    }

    /**
     * The slow path: calls the target, waiting for one when there is none (or only the one
     * that has just stopped) and retrying on the next target when a call reaches a stopped
     * instance, all within one call timeout. Other exceptions pass through.
     *
     * @param stale the target that has just thrown {@link PluginStoppedException}, or null
     */
    <S, R, X extends Throwable> R call(Class<S> api, Object stale, Call<S, R, X> call) throws X {
        long deadline = System.nanoTime() + timeoutNanos;
        Object stopped = stale;
        // The fast path does not know when it found `stale` stopped (-1: never equal to a count),
        // so `stale` is tried once more if it is still the target; it throws again at once if it
        // is still stopped, and then the wait below knows since when.
        long stoppedAt = -1;
        while (true) {
            // Read before the target: a change in between makes the count look older, which costs
            // at most one more try, never a wait for a change that already happened.
            long seen = changes;
            Object now = await(stopped, stoppedAt, deadline);
            if (!api.isInstance(now)) {
                throw new IllegalArgumentException("the active plugin of type '" + type + "' is a "
                        + now.getClass().getName() + ", not a " + api.getName());
            }
            try {
                return call.on(api.cast(now));
            } catch (PluginStoppedException e) {
                stopped = now;
                stoppedAt = seen;
            }
        }
    }

    /**
     * Returns the target, waiting until the deadline while there is none, or while it is the one
     * found stopped and nothing has changed since ({@code stoppedAt}).
     */
    private Object await(Object stopped, long stoppedAt, long deadline) {
        Object now = target;
        if (now != null && (now != stopped || changes != stoppedAt)) {
            return now;
        }
        synchronized (this) {
            while ((now = target) == null || (now == stopped && changes == stoppedAt)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new PluginUnavailableException(type, unavailable(now != null));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PluginUnavailableException(type, "interrupted while waiting for a plugin of type '"
                            + type + "'");
                }
            }
            return now;
        }
    }

    /** Words what happened, for a call that waited the whole timeout. Called holding the monitor. */
    private String unavailable(boolean onlyTheStoppedOne) {
        String waited = seconds(TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        String prefix = "no plugin of type '" + type + "' is available: ";
        if (onlyTheStoppedOne && current != null) {
            return prefix + describe(current) + " has stopped taking calls and no plugin replaced it within " + waited;
        }
        if (beingUpdated != null) {
            return prefix + describe(beingUpdated) + " is being updated and its new version did not start within "
                    + waited;
        }
        if (awaited != null) {
            String gone = "";
            if (last != null && last.name().equals(awaited)) {
                String ago = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - lostAtNanos) / 1e9);
                gone = " (" + describe(last) + " " + whatHappened.apply(last.bundleId()) + " " + ago + " ago)";
            }
            return awaitedSelection(type, awaited) + gone + "; waited " + waited;
        }
        if (last != null) {
            String ago = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - lostAtNanos) / 1e9);
            return prefix + describe(last) + " " + whatHappened.apply(last.bundleId()) + " " + ago
                    + " ago and no plugin of type '" + type + "' replaced it (waited " + waited + ")";
        }
        return "no plugin of type '" + type + "' is available (installed types: " + installedTypes.get()
                + ") and none arrived within " + waited + "; install one or check plugin:list";
    }

    /** Why a type whose selected plugin is absent has no plugin: calls never go to another one. */
    static String awaitedSelection(String type, String name) {
        return "no plugin of type '" + type + "' is available: '" + name + "', selected for it, is not registered,"
                + " and calls of type '" + type + "' go to no other plugin while it is selected (plugin:use " + type
                + " <name> picks another; plugin:list shows them)";
    }

    /** A plugin as messages name it: {@code greeter.en 1.0.0 (bundle 14)}. */
    static String describe(PluginInfo plugin) {
        return plugin.name() + " " + plugin.version() + " (bundle " + plugin.bundleId() + ")";
    }

    /** 5000 as "5 s", 300 as "0.3 s". */
    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + " s";
    }

    @Override
    public String toString() {
        return "stand-in for plugin type '" + type + "'";
    }
}
