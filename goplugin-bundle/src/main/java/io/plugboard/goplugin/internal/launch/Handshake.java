package io.plugboard.goplugin.internal.launch;

/**
 * The plugin's handshake line, checked: {@code CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT}.
 *
 * @param coreVersion go-plugin's core protocol version (always 1)
 * @param appVersion the app protocol version the plugin chose from the host's list
 * @param network {@code unix} or {@code tcp}
 * @param address the socket path or host:port
 * @param protocol always {@code grpc} (netrpc is refused during the check)
 * @param serverCert the base64 certificate for automatic mTLS, or empty
 */
public record Handshake(int coreVersion, int appVersion, String network, String address, String protocol,
        String serverCert) {
}
