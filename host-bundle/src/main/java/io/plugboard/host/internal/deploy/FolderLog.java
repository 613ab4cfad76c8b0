package io.plugboard.host.internal.deploy;

/** Where the plugins folder reports what a user should know: problems, and files it leaves alone. */
interface FolderLog {

    /** Reports a problem a user should see, such as a file that is not valid. */
    void warn(String message);

    /** Reports something a user may wonder about, such as a file whose handler is not there. */
    void info(String message);
}
