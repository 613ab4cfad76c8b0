package io.plugboard.api.kv;

/** A key-value store could not complete an operation: its storage or its process failed. */
public class KeyValueStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says which store failed and how. */
    public KeyValueStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception with a message that says which store failed and how. */
    public KeyValueStoreException(String message) {
        super(message);
    }
}
