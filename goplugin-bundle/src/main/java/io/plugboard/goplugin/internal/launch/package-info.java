/**
 * Starting a go-plugin plugin process and reading its handshake: environment (magic cookie,
 * protocol versions, ports), the {@code CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT} line with a named
 * error for each way it can be wrong, its stdout and stderr forwarded line by line (hclog JSON
 * parsed), and its end (exit code or signal, socket file removed).
 */
package io.plugboard.goplugin.internal.launch;
