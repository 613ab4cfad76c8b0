package io.plugboard.goplugin.internal.launch;

/**
 * What a started child process does, as its {@link ChildStarter} learns it: its output in pieces,
 * the end of each stream and its exit. Each stream's calls come from one thread at a time, in order.
 */
interface ChildEvents {

    int STDOUT = 1;
    int STDERR = 2;

    /** Bytes the child wrote to the stream ({@link #STDOUT} or {@link #STDERR}); only valid during the call. */
    void output(int stream, byte[] bytes, int offset, int length);

    /** The stream ended: every byte of it was handed over before. */
    void ended(int stream);

    /** The child ended, with Java's exit value: the exit code, or 128 + n for a death by signal n. */
    void exited(int exitValue);
}
