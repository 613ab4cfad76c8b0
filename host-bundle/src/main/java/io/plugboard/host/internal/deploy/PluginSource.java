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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /**
     * The framework property that bounds a whole download, in milliseconds. The read timeout is
     * per read, so a server that trickles a byte now and then would otherwise hold the shell.
     */
    static final String DOWNLOAD_TIMEOUT_PROPERTY = "plugboard.download.timeout.ms";
    /** How long a whole download may take, from the connect to the last byte, by default. */
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(120);

    private final String location;
    private final Path file;
    private final URL url;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration downloadTimeout;
    private final long maxDownloadBytes;

    private PluginSource(String location, Path file, URL url, Duration connectTimeout, Duration readTimeout,
            Duration downloadTimeout, long maxDownloadBytes) {
        this.location = location;
        this.file = file;
        this.url = url;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.downloadTimeout = downloadTimeout;
        this.maxDownloadBytes = maxDownloadBytes;
    }

    private PluginSource(String location, Path file, URL url) {
        this(location, file, url, CONNECT_TIMEOUT, READ_TIMEOUT, DOWNLOAD_TIMEOUT, MAX_DOWNLOAD_BYTES);
    }

    /** This source with other download timeouts, for tests that cannot wait 30 s. */
    PluginSource withTimeouts(Duration connect, Duration read) {
        return new PluginSource(location, file, url, connect, read, downloadTimeout, maxDownloadBytes);
    }

    /** This source with another bound on a whole download ({@link #DOWNLOAD_TIMEOUT_PROPERTY}). */
    PluginSource withDownloadTimeout(Duration whole) {
        return new PluginSource(location, file, url, connectTimeout, readTimeout, whole, maxDownloadBytes);
    }

    /** This source with another download limit, for tests that cannot send 256 MiB. */
    PluginSource withMaxDownload(long bytes) {
        return new PluginSource(location, file, url, connectTimeout, readTimeout, downloadTimeout, bytes);
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
     * the wait for the answer and for each read after it fail with a SocketTimeoutException; the
     * whole download, from here to the last byte, fails once it takes longer than the download
     * timeout.
     */
    private InputStream download() throws IOException {
        URLConnection connection = url.openConnection();
        connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        Deadline deadline = new Deadline(connection, downloadTimeout);
        try {
            InputStream body = open(connection, deadline);
            return new BoundedDownload(body, connection.getContentLengthLong(), maxDownloadBytes, deadline);
        } catch (IOException | RuntimeException e) {
            deadline.close();
            if (deadline.passed()) {
                throw new DownloadTooLong(downloadTimeout, 0, -1);
            }
            throw e;
        }
    }

    private InputStream open(URLConnection connection, Deadline deadline) throws IOException {
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
        return connection.getInputStream();
    }

    /**
     * The end of a download's time: checked before each read, and for http a watch that
     * disconnects at the end, which also ends a read or a header that trickles in meanwhile.
     * A thread of its own per download, ended by {@link #close}: downloads are few, and no
     * shared timer keeps this bundle's classes after it stops.
     */
    private static final class Deadline implements AutoCloseable {

        private final long endNanos;
        private final CountDownLatch done = new CountDownLatch(1);

        Deadline(URLConnection connection, Duration timeout) {
            this.endNanos = System.nanoTime() + timeout.toNanos();
            if (connection instanceof HttpURLConnection http) {
                Thread watch = new Thread(() -> {
                    try {
                        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                            http.disconnect();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "plugboard-download-deadline");
                watch.setDaemon(true);
                watch.start();
            }
        }

        boolean passed() {
            return System.nanoTime() - endNanos >= 0;
        }

        @Override
        public void close() {
            done.countDown();
        }
    }

    /** A download stopped at its deadline; its message says how far it got. */
    private static final class DownloadTooLong extends IOException {

        private static final long serialVersionUID = 1L;

        DownloadTooLong(Duration timeout, long got, long announced) {
            super("it took longer than " + seconds(timeout) + " (" + DOWNLOAD_TIMEOUT_PROPERTY + "); got " + got
                    + (announced >= 0 ? " of " + announced + " bytes" : " bytes"));
        }
    }

    /**
     * A download's body, read to at most {@code max} bytes and until its deadline, that says so
     * when it ends short of the length the server announced (the connection closed mid-way),
     * instead of leaving the jar check to report a truncated zip.
     */
    private final class BoundedDownload extends FilterInputStream {

        private final long announced;
        private final long max;
        private final Deadline deadline;
        private long count;

        BoundedDownload(InputStream in, long announced, long max, Deadline deadline) {
            super(in);
            this.announced = announced;
            this.max = max;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (deadline.passed()) {
                throw new DownloadTooLong(downloadTimeout, count, announced);
            }
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                if (deadline.passed()) {
                    // The watch disconnected: that is the cause, not the socket closed under the read.
                    throw new DownloadTooLong(downloadTimeout, count, announced);
                }
                if (!(e instanceof SocketTimeoutException) && announced >= 0 && count < announced) {
                    throw new IOException(endedShort(), e);
                }
                throw e; // a SocketTimeoutException is said as "no answer within"
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

        @Override
        public void close() throws IOException {
            deadline.close();
            super.close();
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
