package io.plugboard.greetingfiles;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.osgi.framework.Version;

import io.plugboard.api.deploy.PluginFileException;

/**
 * What a {@code *.greeting} file says: a properties file (UTF-8) with {@code name},
 * {@code version} and {@code greeting}. It is complete when it ends with a line break, so a file
 * still being written is told apart from a finished one.
 *
 * @param name the plugin's name
 * @param version the plugin's version
 * @param greeting what it says before the name, such as {@code Hello}
 * @param fingerprint a checksum of the whole file
 */
record GreetingFile(String name, Version version, String greeting, long fingerprint) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Reads and checks the file; the exception says what is wrong with it. */
    static GreetingFile read(Path file) throws PluginFileException {
        String fileName = String.valueOf(file.getFileName());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PluginFileException(fileName + " does not exist");
        } catch (IOException e) {
            throw new PluginFileException(fileName + " cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            throw new PluginFileException(fileName + " is incomplete: it does not end with a line break");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PluginFileException(fileName + " is not UTF-8 text");
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new PluginFileException(fileName + " is not a properties file: " + e.getMessage(), e);
        }
        String name = required(properties, "name", fileName);
        if (!NAME.matcher(name).matches()) {
            throw new PluginFileException(fileName + ": name '" + name
                    + "' must be letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String versionText = required(properties, "version", fileName);
        Version version;
        try {
            version = Version.parseVersion(versionText);
        } catch (IllegalArgumentException e) {
            throw new PluginFileException(fileName + ": version '" + versionText + "' is not a version such as 1.0.0");
        }
        String greeting = required(properties, "greeting", fileName);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new GreetingFile(name, version, greeting, crc.getValue());
    }

    private static String required(Properties properties, String key, String fileName) throws PluginFileException {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new PluginFileException(fileName + " has no " + key + " (a line " + key + "=...)");
        }
        return value.strip();
    }
}
