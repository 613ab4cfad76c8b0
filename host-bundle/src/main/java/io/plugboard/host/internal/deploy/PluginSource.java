package io.plugboard.host.internal.deploy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a plugin jar comes from: a file (relative paths resolve against the working directory)
 * or a URL. The bundle location is the file's URI or the URL, so the same jar always maps to the
 * same bundle whether the watched folder or a command installs it.
 */
final class PluginSource {

    // Two or more letters before the colon, so a Windows drive ("C:\x.jar") stays a path.
    private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    // Without timeouts, a server that takes the connection and never answers (or stops sending)
    // blocks plugin:install, or plugin:update of a plugin installed from a URL, for ever.
    /** How long a download may wait for the server to take the connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a download may wait for the answer, and then between bytes. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The most a download may bring: far more than any plugin jar, and a bound on what a server
     * that sends without end (or a wrong URL to a huge file) can write to the disk.
     */
    static final long MAX_DOWNLOAD_BYTES = 256L * 1024 * 1024;

    private final String location;
    private final Path file;
    private final URL url;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxDownloadBytes;

    private PluginSource(String location, Path file, URL url, Duration connectTimeout, Duration readTimeout,
            long maxDownloadBytes) {
        this.location = location;
        this.file = file;
        this.url = url;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxDownloadBytes = maxDownloadBytes;
    }

    private PluginSource(String location, Path file, URL url) {
        this(location, file, url, CONNECT_TIMEOUT, READ_TIMEOUT, MAX_DOWNLOAD_BYTES);
    }

    /** This source with other download timeouts, for tests that cannot wait 30 s. */
    PluginSource withTimeouts(Duration connect, Duration read) {
        return new PluginSource(location, file, url, connect, read, maxDownloadBytes);
    }

    /** This source with another download limit, for tests that cannot send 256 MiB. */
    PluginSource withMaxDownload(long bytes) {
        return new PluginSource(location, file, url, connectTimeout, readTimeout, bytes);
    }

    /** Parses a path or URL as typed by a user; throws with a plain message if it is neither. */
    static PluginSource parse(String pathOrUrl) {
        if (pathOrUrl == null || pathOrUrl.isBlank()) {
            throw new PluginInstallException("No plugin path or URL given");
        }
        String text = pathOrUrl.trim();
        if (URL_SCHEME.matcher(text).matches()) {
            return fromUrl(text);
        }
        try {
            return ofFile(Path.of(text));
        } catch (InvalidPathException e) {
            throw new PluginInstallException("'" + text + "' is not a valid file path: " + e.getReason());
        }
    }

    /** The source for a file; the path is made absolute and normalized. */
    static PluginSource ofFile(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return new PluginSource(locationOf(absolute), absolute, null);
    }

    private static PluginSource fromUrl(String text) {
        try {
            URI uri = new URI(text);
            if ("file".equalsIgnoreCase(uri.getScheme())) {
                return ofFile(Path.of(uri));
            }
            return new PluginSource(text, null, uri.toURL());
        } catch (Exception e) {
            throw new PluginInstallException("'" + text + "' is not a valid URL: " + e.getMessage());
        }
    }

    /** The bundle location used for a jar file. */
    static String locationOf(Path file) {
        return file.toAbsolutePath().normalize().toUri().toString();
    }

    /** The file a bundle location points to, if it is a {@code file:} location. */
    static Optional<Path> fileOf(String location) {
        try {
            URI uri = new URI(location);
            return "file".equalsIgnoreCase(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    String location() {
        return location;
    }

    /** The file name or URL, for messages. */
    String displayName() {
        return file != null ? file.toString() : location;
    }

    /**
     * Fetches the jar once: a download is never repeated, so a single-use URL works whatever the
     * jar's size. Up to {@link JarBytes#MAX_IN_MEMORY} it is held in memory; a larger download
     * is spilled to a temporary file, which {@link Fetched#close} deletes. A larger local file is
     * left where it is and copied when asked.
     */
    Fetched fetch() {
        if (file != null) {
            checkReadableFile();
            try (InputStream in = Files.newInputStream(file)) {
                return new Fetched(JarBytes.readAll(in).orElse(null), null);
            } catch (IOException e) {
                throw new PluginInstallException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        Path spill = null;
        try (InputStream in = download()) {
            byte[] head = in.readNBytes(JarBytes.MAX_IN_MEMORY + 1);
            if (head.length <= JarBytes.MAX_IN_MEMORY) {
                return new Fetched(head, null);
            }
            spill = Files.createTempFile("plugboard-download-", ".jar");
            try (OutputStream out = Files.newOutputStream(spill)) {
                out.write(head);
                in.transferTo(out);
            }
            return new Fetched(null, spill);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(spill);
            if (e instanceof PluginInstallException install) {
                throw install;
            }
            if (e instanceof MalformedURLException) {
                throw new PluginInstallException("'" + location + "' is not a valid URL: " + e.getMessage(), e);
            }
            if (e instanceof IOException io) {
                throw new PluginInstallException("Cannot download " + location + ": " + describeDownload(io), e);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * A jar fetched once by {@link #fetch}: its bytes, or (when too large to hold) a file that
     * {@link #copyTo} copies from. Closing it deletes a spilled download.
     */
    final class Fetched implements AutoCloseable {

        private final byte[] bytes;
        private final Path spill;

        private Fetched(byte[] bytes, Path spill) {
            this.bytes = bytes;
            this.spill = spill;
        }

        /** The whole jar in memory; empty when it is larger than {@link JarBytes#MAX_IN_MEMORY}. */
        Optional<byte[]> bytes() {
            return Optional.ofNullable(bytes);
        }

        /**
         * Copies the jar to {@code target}. Installing from a private copy that was validated
         * means the framework gets exactly the bytes that were checked, even if the original is
         * being rewritten at that moment.
         */
        void copyTo(Path target) {
            try {
                if (bytes != null) {
                    Files.write(target, bytes);
                } else {
                    Files.copy(spill != null ? spill : file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                String what = spill != null ? "the download of " + location : file.toString();
                throw new PluginInstallException("Cannot read " + what + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            deleteQuietly(spill);
        }
    }

    /** The whole jar in memory, fetched once; empty when it is larger than {@link JarBytes#MAX_IN_MEMORY}. */
    Optional<byte[]> readBytes() {
        try (Fetched fetched = fetch()) {
            return fetched.bytes();
        }
    }

    /** Fetches the jar and copies it to {@code target}. */
    void copyTo(Path target) {
        try (Fetched fetched = fetch()) {
            fetched.copyTo(target);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // A file in the temporary folder; nothing better to do.
            }
        }
    }

    /**
     * Opens the URL with the timeouts. A connect that times out fails here, with its own message;
     * the wait for the answer and for each read after it fail with a SocketTimeoutException.
     */
    private InputStream download() throws IOException {
        URLConnection connection = url.openConnection();
        connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        try {
            connection.connect();
        } catch (SocketTimeoutException e) {
            // For https this includes the TLS handshake, whose reads wait up to the read timeout.
            throw new PluginInstallException("Cannot download " + location + ": could not connect within "
                    + seconds(connectTimeout), e);
        }
        if (connection instanceof HttpURLConnection http) {
            int code = http.getResponseCode();
            // Redirects within http (or within https) are followed already; one left is to the
            // other protocol, which the JDK does not follow: its empty body is no jar to judge.
            if (code >= 300 && code < 400) {
                String target = http.getHeaderField("Location");
                throw new PluginInstallException("Cannot download " + location + ": the server redirects ("
                        + code + ") to " + (target == null ? "another address" : target)
                        + ", which is not followed from one protocol to another; install from that URL");
            }
        }
        return new BoundedDownload(connection.getInputStream(), connection.getContentLengthLong(), maxDownloadBytes);
    }

    /**
     * A download's body, read to at most {@code max} bytes, that says so when it ends short of
     * the length the server announced (the connection closed mid-way), instead of leaving the
     * jar check to report a truncated zip.
     */
    private static final class BoundedDownload extends FilterInputStream {

        private final long announced;
        private final long max;
        private long count;

        BoundedDownload(InputStream in, long announced, long max) {
            super(in);
            this.announced = announced;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                throw e; // said as "no answer within"
            } catch (IOException e) {
                if (announced >= 0 && count < announced) {
                    throw new IOException(endedShort(), e);
                }
                throw e;
            }
            if (n < 0) {
                if (announced >= 0 && count < announced) {
                    throw new IOException(endedShort());
                }
                return n;
            }
            count += n;
            if (count > max) {
                throw new IOException("it is larger than " + (max >= 1024 * 1024 ? max / (1024 * 1024) + " MiB"
                        : max + " bytes") + ", more than a plugin jar can be; not downloaded further");
            }
            return n;
        }

        private String endedShort() {
            return "the download ended after " + count + " of the " + announced + " bytes the server announced";
        }
    }

    /** Why a download failed, for the user: the timeouts and an unknown host in words. */
    private String describeDownload(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + seconds(readTimeout);
        }
        if (e instanceof UnknownHostException) {
            // Its message is the bare host name.
            return "unknown host " + (e.getMessage() == null ? url.getHost() : e.getMessage());
        }
        return describe(e);
    }

    /** "10 s", or "250 ms" when not whole seconds (tests). */
    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void checkReadableFile() {
        if (!Files.exists(file)) {
            throw new PluginInstallException(file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new PluginInstallException(file + " is a directory, not a plugin jar");
        }
        if (!Files.isReadable(file)) {
            throw new PluginInstallException(file + " cannot be read (permission denied)");
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return "not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
