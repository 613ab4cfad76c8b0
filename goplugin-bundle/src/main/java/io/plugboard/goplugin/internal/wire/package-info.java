/**
 * The gRPC side of a go-plugin plugin: the channel over its Unix socket (or TCP), the health
 * service used for readiness and liveness, the controller's Shutdown, the broker stream, and the
 * KV service's calls with deadlines.
 */
package io.plugboard.goplugin.internal.wire;
