package io.plugboard.goplugin.internal.wire;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quiets grpc-java's java.util.logging logger {@value #NAME} while any {@link PluginChannels} is
 * open, and gives it back its level when the last one closes: the level of a logger holds for the
 * whole JVM (another bundle's gRPC, the next activation of this one), so it is this bundle's only
 * while this bundle uses gRPC.
 *
 * <p>That logger says "Received data on closed stream" at INFO (standard error, by default) for
 * each frame of an answer that comes after grpc-java refused that answer as too large: dozens of
 * lines for one Get of a 4.5 MB value, whose caller is told already
 * ({@link KvCallException.Kind#TOO_LARGE}). Warnings still show. A logger that has a level of its
 * own, or that logs nothing at INFO anyway, is left as it is: someone chose that.
 */
final class ClosedStreamLog {

    static final String NAME = "io.grpc.internal.AbstractClientStream";

    /** How many PluginChannels are open. */
    private static int users;
    /**
     * The logger while it is quieted, else null: held, as java.util.logging holds its loggers
     * weakly, and a collected logger would forget the level.
     */
    private static Logger quieted;

    private ClosedStreamLog() {
    }

    /** A PluginChannels opens: the first quiets the logger. */
    static synchronized void open() {
        if (users++ > 0) {
            return;
        }
        Logger logger = Logger.getLogger(NAME);
        if (logger.getLevel() == null && logger.isLoggable(Level.INFO)) {
            logger.setLevel(Level.WARNING);
            quieted = logger;
        }
    }

    /** A PluginChannels closed: after the last, the logger takes its level from its parents again. */
    static synchronized void close() {
        if (--users > 0 || quieted == null) {
            return;
        }
        // A level someone set since is theirs: it stays.
        if (quieted.getLevel() == Level.WARNING) {
            quieted.setLevel(null);
        }
        quieted = null;
    }
}
