package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code describe} shows of a supervised plugin, in display order. */
final class PluginFacts {

    /** Shown for a fact that has no value now (no instance runs). */
    static final String NONE = "-";

    private PluginFacts() {
    }

    /**
     * The facts: state (and reason when failed or stopped by itself), pid (and health when a
     * serving instance failed its last health checks), protocol, socket, uptime, restarts, last exit, command,
     * sha256 (first 12 hex digits), descriptor, type, version. A serving instance that failed its
     * last check is "unhealthy": it still gets calls, and is killed at the limit of misses.
     */
    static Map<String, String> of(Supervisor.Status status, Instant now) {
        Map<String, String> facts = new LinkedHashMap<>();
        PluginInstance instance = status.instance();
        Descriptor descriptor = status.descriptor();
        boolean unhealthy = status.state() == Supervisor.State.SERVING && status.healthMisses() > 0;
        facts.put("state", unhealthy ? "unhealthy" : status.state().name().toLowerCase(Locale.ROOT));
        if (status.reason() != null) {
            facts.put("reason", status.reason());
        }
        // The pid before the health: plugin:list shows the first two facts, and a frozen process's
        // pid is what its user needs (kill -CONT).
        facts.put("pid", instance == null ? NONE : Long.toString(instance.pid()));
        if (unhealthy) {
            facts.put("health", status.healthMisses() + " of " + status.healthMissLimit()
                    + " health checks in a row failed (killed at " + status.healthMissLimit() + ")");
        }
        facts.put("protocol", instance == null ? NONE : instance.protocol());
        facts.put("socket", instance == null ? NONE : instance.address());
        facts.put("uptime", instance == null ? NONE : Durations.uptime(Duration.between(instance.startedAt(), now)));
        facts.put("restarts", Integer.toString(status.restarts()));
        facts.put("last exit", status.lastExit() == null ? "none" : status.lastExit());
        List<String> command = new ArrayList<>();
        command.add(descriptor.command().toString());
        command.addAll(descriptor.args());
        facts.put("command", ShellWords.join(command));
        String sha256 = instance != null ? sha256(instance.binary()) : descriptor.sha256();
        facts.put("sha256", sha256 == null ? NONE : Supervisor.shortHash(sha256));
        facts.put("descriptor", descriptor.file().toString());
        // Also while no service is registered (failed for good, stopped), for plugin:list and plugin:info.
        facts.put("type", descriptor.type());
        facts.put("version", descriptor.version().toString());
        return facts;
    }

    /** The running binary's hash, taken now if it was not before; null if it can no longer be read. */
    private static String sha256(StartedBinary binary) {
        try {
            return binary.sha256();
        } catch (IOException e) {
            return null;
        }
    }
}
