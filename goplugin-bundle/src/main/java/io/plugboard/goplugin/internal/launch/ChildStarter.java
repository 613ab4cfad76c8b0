package io.plugboard.goplugin.internal.launch;

import java.io.IOException;

/** Starts child processes that cannot outlive the host JVM, and delivers their output and end. */
interface ChildStarter extends AutoCloseable {

    /**
     * Starts the program; its events begin after this returns or during the call, never before.
     *
     * @throws IOException with the system's reason when the program cannot be executed
     */
    Child start(ChildCommand command, ChildEvents events) throws IOException;

    /** Whether it can start more children (a starter whose helper process died cannot). */
    boolean usable();

    /** Ends the starter; children still running are killed. */
    @Override
    void close();
}
