package io.plugboard.host.internal.deploy;

import org.osgi.service.log.Logger;

import io.plugboard.host.internal.text.ThrowableText;

/** Where the plugins folder reports what a user should know: problems, and files it leaves alone. */
interface FolderLog {

    /** Reports a problem a user should see, such as a file that is not valid. */
    void warn(String message);

    /**
     * Reports a failure of the folder's own handling, with the exception for the log's stack
     * trace (where a plain report would hide where it failed). Without a logger, the message alone.
     */
    default void warn(String message, Throwable failure) {
        warn(message);
    }

    /** Reports something a user may wonder about, such as a file whose handler is not there. */
    void info(String message);

    /** The reports as WARN and INFO entries of the logger (the host's, in the runtime). */
    static FolderLog of(Logger logger) {
        return new FolderLog() {
            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void warn(String message, Throwable failure) {
                logger.warn(message, ThrowableText.printable(failure));
            }

            @Override
            public void info(String message) {
                logger.info(message);
            }
        };
    }
}
