package io.plugboard.goplugin.internal.launch;

/** A child process started by a {@link ChildStarter}; its output and end arrive as {@link ChildEvents}. */
interface Child {

    /** The process id. */
    long pid();

    /** Sends SIGKILL; its end arrives as {@link ChildEvents#exited}. A no-op once it ended. */
    void kill();
}
