package io.plugboard.kv.file;

/**
 * Configuration of {@link FileKeyValueStore}, Config Admin PID {@value FileKeyValueStore#PID}.
 * Without it the store keeps its files in {@code <plugboard.data.dir>/kv-file}, or in the
 * bundle's own data area when that framework property is unset.
 */
public @interface FileKeyValueStoreConfiguration {

    /** Directory for the store's files; created if missing. Empty means the default above. */
    String directory() default "";
}
