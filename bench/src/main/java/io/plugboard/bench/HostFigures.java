package io.plugboard.bench;

/**
 * What one round of one host measured on the kv-go plugin, in nanoseconds.
 *
 * @param startFirstCall from starting the plugin to the answer of the first Put
 * @param ping the Health/Check calls, or null when this host was not asked for them
 * @param putGet the Put+Get round trips
 */
record HostFigures(long startFirstCall, Stats ping, Stats putGet) {
}
