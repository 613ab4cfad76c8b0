package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import org.osgi.framework.Version;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.goplugin.internal.launch.LaunchSpec;

/**
 * A {@code <name>.goplugin} file: a Java properties file that says how to run one go-plugin
 * plugin. Every key is checked when the file is read, so a descriptor that parses can be started
 * (only the binary's hash, see {@link #requireBinaryHash}, is checked at each start). Each
 * problem gets a message that names the file and the key. Immutable.
 */
final class Descriptor {

    /** The file name extension of descriptors. */
    static final String EXTENSION = ".goplugin";

    /** Every key a descriptor may have, in the order the README documents them. */
    static final List<String> KEYS = List.of("name", "type", "version", "command", "args", "cookie",
            "protocol-versions", "sha256", "env", "restart", "workdir", "start-timeout-ms", "call-timeout-ms",
            "health-interval-ms");

    /** Variables the host sets for the handshake; {@code env} must not change them. */
    static final Set<String> HOST_VARIABLES = Set.of("PLUGIN_PROTOCOL_VERSIONS", "PLUGIN_MIN_PORT",
            "PLUGIN_MAX_PORT", "TMPDIR", "PLUGIN_UNIX_SOCKET_DIR");

    // A descriptor is a few lines; anything this large is not one.
    static final int MAX_BYTES = 64 * 1024;
    private static final long MAX_MILLIS = 3_600_000;
    // The name becomes a folder name and part of thread and logger names: keep it plain.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Path file;
    private final long contentHash;
    private final String name;
    private final String type;
    private final Version version;
    private final Path command;
    private final List<String> args;
    private final String cookieKey;
    private final String cookieValue;
    private final List<Integer> protocolVersions;
    private final String sha256;
    private final Map<String, String> env;
    private final RestartPolicy.Mode restart;
    private final Path workDir;
    private final Duration startTimeout;
    private final Duration callTimeout;
    private final Duration healthInterval;

    private Descriptor(Path file, long contentHash, Keys r, Path defaultWorkRoot) throws PluginFileException {
        this.file = file;
        this.contentHash = contentHash;
        this.name = r.name();
        this.type = r.type();
        this.version = r.version();
        this.command = r.command();
        this.args = r.words("args");
        String[] cookie = r.cookie();
        this.cookieKey = cookie[0];
        this.cookieValue = cookie[1];
        this.protocolVersions = r.protocolVersions();
        this.sha256 = r.sha256();
        this.env = r.env(cookieKey);
        this.restart = r.restart();
        this.workDir = r.workDir(defaultWorkRoot, name);
        this.startTimeout = r.millis("start-timeout-ms", 5000);
        this.callTimeout = r.millis("call-timeout-ms", 5000);
        this.healthInterval = r.millis("health-interval-ms", 5000);
    }

    /**
     * Reads and checks the descriptor file.
     *
     * @param defaultWorkRoot the folder under which plugins without {@code workdir} get {@code <name>}
     * @throws PluginFileException naming the file, the key and what is wrong
     */
    static Descriptor read(Path file, Path defaultWorkRoot) throws PluginFileException {
        Path absolute = file.toAbsolutePath().normalize();
        byte[] content;
        try {
            if (!Files.isRegularFile(absolute)) {
                throw new PluginFileException(absolute + " is not a file");
            }
            long size = Files.size(absolute);
            if (size > MAX_BYTES) {
                throw new PluginFileException(absolute + " is " + size + " bytes long; a descriptor is at most "
                        + MAX_BYTES + " bytes");
            }
            content = Files.readAllBytes(absolute);
        } catch (IOException e) {
            throw new PluginFileException("Cannot read " + absolute + ": " + IoFailures.reason(e, absolute), e);
        }
        return parse(absolute, content, defaultWorkRoot);
    }

    /** Checks the content as the descriptor at {@code file} (which must be absolute). */
    static Descriptor parse(Path file, byte[] content, Path defaultWorkRoot) throws PluginFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new PluginFileException(shown(file) + " is not UTF-8 text: is it a descriptor (a properties file)?");
        }
        // Some Windows editors start a UTF-8 file with a byte order mark; it is invisible, so reading it as part
        // of the first key would refuse a descriptor that looks right. Only a leading one is a BOM: elsewhere
        // U+FEFF is a character in a key or value, and checked as such.
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new Descriptor(file, contentHash(content), new Keys(file, text), defaultWorkRoot);
    }

    /**
     * Checks the binary's hash against {@code sha256}, if the descriptor pins one (go-plugin's SecureConfig).
     *
     * @param actual the binary's SHA-256 as hex
     * @throws PluginFileException saying both hashes when they differ
     */
    void requireBinaryHash(String actual) throws PluginFileException {
        if (sha256 != null && !sha256.equalsIgnoreCase(actual)) {
            throw new PluginFileException(name + ": " + shown(command) + " has SHA-256 " + actual + ", but "
                    + shown(file) + " requires " + sha256 + " (key \"sha256\"); refusing to run it");
        }
    }

    /**
     * A fingerprint of the descriptor's bytes and the binary's size and modification time, so a
     * changed descriptor or a replaced binary gives a different value; cheap (no hashing of the binary).
     */
    long fingerprint() throws PluginFileException {
        BasicFileAttributes binary;
        try {
            binary = Files.readAttributes(command, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new PluginFileException(shown(file) + ": key \"command\": cannot read " + shown(command) + ": "
                    + Quoted.escaped(e.toString()), e);
        }
        long hash = contentHash;
        hash = 31 * hash + binary.size();
        return 31 * hash + binary.lastModifiedTime().toMillis();
    }

    /**
     * 64 bits of the descriptor's bytes for {@link #fingerprint}, which only has to tell a changed
     * descriptor from the same one: CRC32C and the array hash, each 32 bits. Not SHA-256, whose
     * set-up costs a tenth of a millisecond on each install (that code is run too seldom to be compiled).
     */
    static long contentHash(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return crc.getValue() << 32 | Integer.toUnsignedLong(Arrays.hashCode(content));
    }

    /** The launch layer's spec of one start of this plugin, its socket in {@code socketDir}. */
    LaunchSpec launchSpec(Path socketDir) {
        return new LaunchSpec(name, version.toString(), command, args, workDir, env, cookieKey, cookieValue,
                protocolVersions, socketDir, startTimeout);
    }

    /** The descriptor file, absolute. */
    Path file() {
        return file;
    }

    /** {@code name}: the plugin's name ({@code plugin.name}). */
    String name() {
        return name;
    }

    /** {@code type}: the plugin type ({@code plugin.type}); {@code kv} for now. */
    String type() {
        return type;
    }

    /** {@code version}: the plugin's version ({@code plugin.version}); 0.0.0 when not given. */
    Version version() {
        return version;
    }

    /** {@code command}: the program, absolute. */
    Path command() {
        return command;
    }

    /** {@code args}: the program's arguments. */
    List<String> args() {
        return args;
    }

    /** The magic cookie's variable name. */
    String cookieKey() {
        return cookieKey;
    }

    /** The magic cookie's value. */
    String cookieValue() {
        return cookieValue;
    }

    /** {@code protocol-versions}: the app protocol versions the host offers. */
    List<Integer> protocolVersions() {
        return protocolVersions;
    }

    /** {@code sha256}: the hash the binary must have, lowercase hex, or null when not pinned. */
    String sha256() {
        return sha256;
    }

    /** {@code env}: extra variables, in the file's order. */
    Map<String, String> env() {
        return env;
    }

    /** {@code restart}. */
    RestartPolicy.Mode restart() {
        return restart;
    }

    /** {@code workdir}: the process's working directory, absolute (created at start). */
    Path workDir() {
        return workDir;
    }

    /** {@code start-timeout-ms}: how long a start may take until the plugin serves. */
    Duration startTimeout() {
        return startTimeout;
    }

    /** {@code call-timeout-ms}: the deadline of each call, and how long a call waits for a restarting plugin. */
    Duration callTimeout() {
        return callTimeout;
    }

    /** {@code health-interval-ms}: the time between liveness checks. */
    Duration healthInterval() {
        return healthInterval;
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + shown(file) + ")";
    }

    /** A path for a message: a file name may hold a line break (see {@link Quoted}). */
    private static String shown(Path path) {
        return Quoted.escaped(path.toString());
    }

    /** Reads the keys of one descriptor, each with a message naming the file and the key. */
    private static final class Keys {

        private final Path file;
        private final Map<String, String> values = new LinkedHashMap<>();

        Keys(Path file, String text) throws PluginFileException {
            this.file = file;
            List<String> twice = new ArrayList<>();
            Properties properties = new Properties() {
                private static final long serialVersionUID = 1L;

                // Properties keeps the last of two equal keys without a word; a descriptor must not.
                @Override
                public synchronized Object put(Object key, Object value) {
                    Object before = super.put(key, value);
                    if (before != null) {
                        twice.add((String) key);
                    }
                    return before;
                }
            };
            try {
                properties.load(new StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                // IllegalArgumentException: a malformed \\uXXXX escape.
                throw new PluginFileException(shown(file) + " is not a valid properties file: " + e.getMessage(), e);
            }
            if (!twice.isEmpty()) {
                throw new PluginFileException(shown(file) + ": key " + Quoted.of(twice.get(0))
                        + " is given more than once");
            }
            Set<String> unknown = new TreeSet<>();
            for (String key : properties.stringPropertyNames()) {
                if (!KEYS.contains(key)) {
                    unknown.add(key);
                }
                values.put(key, properties.getProperty(key).strip());
            }
            if (!unknown.isEmpty()) {
                throw new PluginFileException(shown(file) + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown.stream().map(Quoted::of).toList())
                        + "; the keys are " + String.join(", ", KEYS));
            }
        }

        private PluginFileException error(String key, String problem) {
            return new PluginFileException(shown(file) + ": key \"" + key + "\" " + problem);
        }

        private String required(String key, String what) throws PluginFileException {
            String value = values.get(key);
            if (value == null) {
                throw error(key, "is missing (" + what + ")");
            }
            if (value.isEmpty()) {
                throw error(key, "is empty (" + what + ")");
            }
            return value;
        }

        /** The value, or null when the key is absent or empty (an empty optional key means its default). */
        private String optional(String key) {
            String value = values.get(key);
            return value == null || value.isEmpty() ? null : value;
        }

        String name() throws PluginFileException {
            String name = required("name", "the plugin's name, e.g. kv.go");
            if (!NAME.matcher(name).matches()) {
                throw error("name", "is " + Quoted.of(name) + "; a name is 1 to 64 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit");
            }
            return name;
        }

        String type() throws PluginFileException {
            String type = required("type", "the plugin type; only kv is supported");
            if (!type.equals(KeyValueStore.TYPE)) {
                throw error("type", "is " + Quoted.of(type) + "; go-plugin plugins can only be of type "
                        + KeyValueStore.TYPE + " (a key-value store) for now");
            }
            return type;
        }

        Version version() throws PluginFileException {
            String text = optional("version");
            if (text == null) {
                return Version.emptyVersion;
            }
            try {
                return Version.parseVersion(text);
            } catch (IllegalArgumentException e) {
                throw error("version", "is " + Quoted.of(text) + ", not an OSGi version such as 1.2.0 or 1.2.0.beta1 ("
                        + Quoted.escaped(e.getMessage()) + ")");
            }
        }

        Path command() throws PluginFileException {
            String text = required("command", "the program to run, relative to the descriptor's folder or absolute");
            Path command;
            try {
                command = file.getParent().resolve(text).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw error("command", "is " + Quoted.of(text) + ", not a path: " + e.getReason());
            }
            if (!Files.exists(command)) {
                throw error("command", "names " + shown(command) + ", which does not exist");
            }
            if (!Files.isRegularFile(command)) {
                throw error("command", "names " + shown(command) + ", which is not a regular file");
            }
            if (!Files.isExecutable(command)) {
                throw error("command", "names " + shown(command) + ", which is not executable (chmod +x it)");
            }
            return command;
        }

        List<String> words(String key) throws PluginFileException {
            String text = optional(key);
            if (text == null) {
                return List.of();
            }
            try {
                return ShellWords.split(text);
            } catch (IllegalArgumentException e) {
                throw error(key, "cannot be split into words: " + e.getMessage());
            }
        }

        String[] cookie() throws PluginFileException {
            String text = required("cookie", "the plugin's magic cookie as KEY=VALUE, from its HandshakeConfig");
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw error("cookie", "is " + Quoted.of(text) + "; write it as KEY=VALUE (go-plugin's"
                        + " MagicCookieKey and MagicCookieValue)");
            }
            String key = text.substring(0, eq).strip();
            String value = text.substring(eq + 1).strip();
            if (!ENV_NAME.matcher(key).matches()) {
                throw error("cookie", "has " + Quoted.of(key) + " as its KEY, which is not a valid environment"
                        + " variable name (letters, digits and '_', not starting with a digit)");
            }
            if (HOST_VARIABLES.contains(key)) {
                throw error("cookie", "has " + key + " as its KEY, a variable the host sets itself");
            }
            if (value.isEmpty()) {
                throw error("cookie", "has an empty VALUE; go-plugin's MagicCookieValue is never empty");
            }
            return new String[] {key, value};
        }

        List<Integer> protocolVersions() throws PluginFileException {
            String text = optional("protocol-versions");
            if (text == null) {
                return List.of(1);
            }
            List<Integer> versions = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                String word = part.strip();
                int version;
                try {
                    version = Integer.parseInt(word);
                } catch (NumberFormatException e) {
                    version = 0;
                }
                if (version <= 0) {
                    throw error("protocol-versions", "is " + Quoted.of(text) + "; " + Quoted.of(word)
                            + " is not a positive whole number (write a comma list such as 1,2)");
                }
                if (versions.contains(version)) {
                    throw error("protocol-versions", "is " + Quoted.of(text) + "; " + version + " is listed twice");
                }
                versions.add(version);
            }
            return List.copyOf(versions);
        }

        String sha256() throws PluginFileException {
            String text = optional("sha256");
            if (text == null) {
                return null;
            }
            if (!SHA256.matcher(text).matches()) {
                throw error("sha256", "is " + Quoted.of(text) + "; it must be 64 hex digits, as sha256sum prints them");
            }
            return text.toLowerCase(java.util.Locale.ROOT);
        }

        Map<String, String> env(String cookieKey) throws PluginFileException {
            Map<String, String> env = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (String word : words("env")) {
                int eq = word.indexOf('=');
                String key = eq < 0 ? word : word.substring(0, eq);
                if (eq < 0) {
                    throw error("env", "has " + Quoted.of(word) + "; write each variable as NAME=value");
                }
                if (!ENV_NAME.matcher(key).matches()) {
                    throw error("env", "has " + Quoted.of(key) + ", which is not a valid environment variable name"
                            + " (letters, digits and '_', not starting with a digit)");
                }
                if (HOST_VARIABLES.contains(key) || key.equals(cookieKey)) {
                    throw error("env", "sets " + key + ", which the host sets itself for the handshake");
                }
                if (!seen.add(key)) {
                    throw error("env", "sets " + key + " twice");
                }
                env.put(key, word.substring(eq + 1));
            }
            return env;
        }

        RestartPolicy.Mode restart() throws PluginFileException {
            String text = optional("restart");
            if (text == null) {
                return RestartPolicy.Mode.ON_FAILURE;
            }
            RestartPolicy.Mode mode = RestartPolicy.Mode.of(text);
            if (mode == null) {
                throw error("restart", "is " + Quoted.of(text) + "; it must be always, on-failure or never");
            }
            return mode;
        }

        Path workDir(Path defaultWorkRoot, String name) throws PluginFileException {
            String text = optional("workdir");
            if (text == null) {
                return defaultWorkRoot.resolve(name).toAbsolutePath().normalize();
            }
            Path dir;
            try {
                dir = file.getParent().resolve(text).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw error("workdir", "is " + Quoted.of(text) + ", not a path: " + e.getReason());
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw error("workdir", "names " + shown(dir) + ", which is not a directory");
            }
            return dir;
        }

        Duration millis(String key, long defaultMillis) throws PluginFileException {
            String text = optional(key);
            if (text == null) {
                return Duration.ofMillis(defaultMillis);
            }
            long millis;
            try {
                millis = Long.parseLong(text);
            } catch (NumberFormatException e) {
                millis = -1;
            }
            if (millis <= 0 || millis > MAX_MILLIS) {
                throw error(key, "is " + Quoted.of(text) + "; it must be a whole number of milliseconds from 1 to "
                        + MAX_MILLIS);
            }
            return Duration.ofMillis(millis);
        }
    }
}
