package io.plugboard.host.internal.deploy;

/**
 * Holds back the writes of the record of what the plugins were installed from (see
 * {@link InstalledContents#hold}) until closed: the changes of a batch, a thousand jars landing
 * at once say, are then written once rather than once each.
 */
interface WriteBatch extends AutoCloseable {

    /** A batch that holds nothing back, for installers that keep no record. */
    WriteBatch NONE = () -> { };

    /** Ends the batch; the last one open writes the record if it changed. Never throws. */
    @Override
    void close();
}
