package io.plugboard.bench;

/**
 * What one round of one host measured on the kv-go plugin, in nanoseconds.
 *
 * @param startFirstCall from starting the plugin to the answer of the first Put
 * @param handshake the part of {@code startFirstCall} up to the checked handshake line; 0 when the
 *        host does not tell it apart (the descriptor host: its install takes the whole start)
 * @param ping the Health/Check calls, or null when this host was not asked for them
 * @param putGet the Put+Get round trips
 * @param phases how the wire host's start divides up, or null when the host does not tell
 * @param install how the registry host's start divides up, or null when the host does not tell
 */
record HostFigures(long startFirstCall, long handshake, Stats ping, Stats putGet, StartPhases phases,
        InstallPhases install) {

    /**
     * The steps of a start after its handshake ({@link HostFigures#handshake}), in nanoseconds each.
     *
     * @param connect the address handed to the prepared channel (no wait: it starts the connection)
     * @param serving the health check that carries the connection and reports SERVING
     * @param firstPut the first Put
     */
    record StartPhases(long connect, long serving, long firstPut) {
    }

    /**
     * The steps of a start through a descriptor, in nanoseconds each.
     *
     * @param install the handler's install: the plugin started, serving and its service registered
     * @param firstPut the first Put through the registry's stand-in
     */
    record InstallPhases(long install, long firstPut) {
    }

    /** These figures with the wire start's handshake and the phases after it. */
    HostFigures withPhases(long handshakeNanos, StartPhases startPhases) {
        return new HostFigures(startFirstCall, handshakeNanos, ping, putGet, startPhases, install);
    }

    /** These figures with the install's phases. */
    HostFigures withInstallPhases(InstallPhases installPhases) {
        return new HostFigures(startFirstCall, handshake, ping, putGet, phases, installPhases);
    }
}
