package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
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

    private final String location;
    private final Path file;
    private final URL url;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private PluginSource(String location, Path file, URL url, Duration connectTimeout, Duration readTimeout) {
        this.location = location;
        this.file = file;
        this.url = url;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    private PluginSource(String location, Path file, URL url) {
        this(location, file, url, CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    /** This source with other download timeouts, for tests that cannot wait 30 s. */
    PluginSource withTimeouts(Duration connect, Duration read) {
        return new PluginSource(location, file, url, connect, read);
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
     * Reads the whole jar into memory, the bytes then checked and installed being the same;
     * empty when it is larger than {@link JarBytes#MAX_IN_MEMORY}.
     */
    Optional<byte[]> readBytes() {
        if (file != null) {
            checkReadableFile();
            try (InputStream in = Files.newInputStream(file)) {
                return JarBytes.readAll(in);
            } catch (IOException e) {
                throw new PluginInstallException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = download()) {
            return JarBytes.readAll(in);
        } catch (MalformedURLException e) {
            throw new PluginInstallException("'" + location + "' is not a valid URL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginInstallException("Cannot download " + location + ": " + describeDownload(e), e);
        }
    }

    /**
     * Copies the jar to {@code target}. Installing from a private copy that was validated means
     * the framework gets exactly the bytes that were checked, even if the original is being
     * rewritten at that moment.
     */
    void copyTo(Path target) {
        if (file != null) {
            checkReadableFile();
            try {
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new PluginInstallException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            try (InputStream in = download()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (MalformedURLException e) {
                throw new PluginInstallException("'" + location + "' is not a valid URL: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new PluginInstallException("Cannot download " + location + ": " + describeDownload(e), e);
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
        return connection.getInputStream();
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
