package io.plugboard.bench;

/**
 * What one round of one host measured on the kv-go plugin, in nanoseconds.
 *
 * @param startFirstCall from starting the plugin to the answer of the first Put
 * @param ping the Health/Check calls, or null when this host was not asked for them
 * @param putGet the Put+Get round trips
 * @param phases how the start divides up, or null when the host does not tell
 */
record HostFigures(long startFirstCall, Stats ping, Stats putGet, StartPhases phases) {

    /**
     * The steps of a start, in nanoseconds each.
     *
     * @param handshake from the spawn to the checked handshake line
     * @param connect the gRPC channel built and the broker stream opened (no wait: they start the connection)
     * @param serving the health check that carries the connection and reports SERVING
     * @param firstPut the first Put
     */
    record StartPhases(long handshake, long connect, long serving, long firstPut) {
    }

    /** These figures with the start's phases. */
    HostFigures withPhases(StartPhases startPhases) {
        return new HostFigures(startFirstCall, ping, putGet, startPhases);
    }
}
