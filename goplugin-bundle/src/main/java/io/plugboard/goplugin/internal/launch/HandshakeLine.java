package io.plugboard.goplugin.internal.launch;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

import io.plugboard.goplugin.internal.launch.HandshakeException.Reason;

/**
 * Reads and checks go-plugin's handshake line {@code CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT} the
 * way go-plugin 1.0.1's {@code Client.Start} does, with Plugboard's limits: gRPC only.
 */
final class HandshakeLine {

    /** go-plugin's core protocol version; a plugin built with go-plugin 1.x prints it first. */
    static final int CORE_PROTOCOL_VERSION = 1;

    /** go-plugin ignores a shorter last part: older servers wrote unrelated data there. */
    private static final int MIN_CERT_LENGTH = 51;

    private static final int MAX_SHOWN = 200;

    private HandshakeLine() {
    }

    /** The checked handshake, or why the line is not one the host can use. */
    static Handshake check(LaunchSpec spec, String rawLine) throws HandshakeException {
        String line = rawLine.strip();
        String[] parts = line.split("\\|", 6);
        String name = spec.pluginName();
        if (parts.length < 4) {
            throw new HandshakeException(Reason.NOT_A_HANDSHAKE, name + ": the first line on stdout is not a go-plugin"
                    + " handshake: '" + shown(line) + "'. The plugin must not write to stdout before the handshake"
                    + " (log to stderr instead).");
        }
        int core = number(spec, parts[0], "core protocol version", line);
        if (core != CORE_PROTOCOL_VERSION) {
            throw new HandshakeException(Reason.CORE_VERSION, name + ": the plugin speaks go-plugin core protocol"
                    + " version " + core + ", the host speaks " + CORE_PROTOCOL_VERSION + " (handshake '" + shown(line)
                    + "'): build the plugin with hashicorp/go-plugin 1.x.");
        }
        int app = number(spec, parts[1], "app protocol version", line);
        if (!spec.protocolVersions().contains(app)) {
            throw new HandshakeException(Reason.APP_VERSION, name + ": the plugin chose app protocol version " + app
                    + ", but the host speaks only " + spec.protocolVersions().stream().map(String::valueOf)
                            .collect(Collectors.joining(", "))
                    + " (sent in PLUGIN_PROTOCOL_VERSIONS): the descriptor's protocol versions and the plugin's"
                    + " VersionedPlugins must share a version.");
        }
        String network = parts[2];
        String address = parts[3];
        if (!network.equals("unix") && !network.equals("tcp")) {
            throw new HandshakeException(Reason.NOT_A_HANDSHAKE, name + ": the handshake '" + shown(line)
                    + "' names the network '" + network + "'; go-plugin uses unix or tcp.");
        }
        if (address.isEmpty()) {
            throw new HandshakeException(Reason.NOT_A_HANDSHAKE, name + ": the handshake '" + shown(line)
                    + "' has an empty " + network + " address.");
        }
        // go-plugin reads a handshake without a protocol part as net/rpc, for old plugins.
        String protocol = parts.length >= 5 ? parts[4] : "netrpc";
        if (protocol.equals("netrpc")) {
            throw new HandshakeException(Reason.NETRPC, name + ": the plugin speaks net/rpc; Plugboard supports only"
                    + " gRPC plugins (serve it with GRPCServer: plugin.DefaultGRPCServer and a GRPCPlugin).");
        }
        if (!protocol.equals("grpc")) {
            throw new HandshakeException(Reason.NOT_A_HANDSHAKE, name + ": the handshake '" + shown(line)
                    + "' names the protocol '" + protocol + "'; Plugboard supports only grpc.");
        }
        String cert = parts.length == 6 && parts[5].length() >= MIN_CERT_LENGTH ? parts[5] : "";
        return new Handshake(core, app, network, address, protocol, cert);
    }

    /**
     * The Unix socket a line names, even one that fails the check (the plugin made it all the same),
     * so that it can be removed when the process is gone.
     */
    static Optional<Path> socketPath(String rawLine) {
        String[] parts = rawLine.strip().split("\\|", 6);
        if (parts.length < 4 || !parts[2].equals("unix") || parts[3].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(parts[3]));
        } catch (RuntimeException invalidPath) {
            return Optional.empty();
        }
    }

    private static int number(LaunchSpec spec, String part, String what, String line) throws HandshakeException {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            throw new HandshakeException(Reason.NOT_A_HANDSHAKE, spec.pluginName() + ": the first line on stdout is"
                    + " not a go-plugin handshake: '" + shown(line) + "' (its " + what + " '" + shown(part)
                    + "' is not a number). The plugin must not write to stdout before the handshake (log to stderr"
                    + " instead).");
        }
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }
}
