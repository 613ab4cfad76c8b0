package io.plugboard.goplugin.internal.launch;

/**
 * Receives what a plugin sends on go-plugin's {@code plugin.GRPCStdio} stream: go-plugin 1.4 and
 * later swap the plugin's {@code os.Stdout} and {@code os.Stderr} for pipes that only this stream
 * drains. Fed by one thread at a time, in order.
 */
public interface StdioOutput {

    /** A chunk the plugin wrote to its {@code os.Stdout}; the array is the caller's no longer. */
    void stdout(byte[] chunk);

    /** A chunk the plugin wrote to its {@code os.Stderr}; the array is the caller's no longer. */
    void stderr(byte[] chunk);

    /** The stream ended (or the plugin does not serve it): an unfinished last line goes out. */
    void ended();
}
