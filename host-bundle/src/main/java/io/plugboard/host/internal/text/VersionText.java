package io.plugboard.host.internal.text;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Version;

/**
 * A version a user typed in a command ({@code plugin:use}, {@code plugin:info}, {@code plugin:uninstall}),
 * read as OSGi reads it, with a hint for the near misses people make: a Maven version as jar
 * names show it ({@code 0.1.0-SNAPSHOT}, which OSGi writes {@code 0.1.0.SNAPSHOT}), and a
 * qualifier in the wrong case (OSGi compares qualifiers case by case).
 */
public final class VersionText {

    // major[.minor[.micro]]-qualifier: Maven's form, which OSGi's parser refuses.
    private static final Pattern MAVEN = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?-([0-9A-Za-z_-]+)");

    private VersionText() {
    }

    /**
     * The version the text names.
     *
     * @throws IllegalArgumentException saying it is no version, with the OSGi form of a Maven one
     */
    public static Version parse(String text) {
        String trimmed = text.trim();
        try {
            return Version.parseVersion(trimmed);
        } catch (IllegalArgumentException e) {
            Optional<String> osgi = osgiFormOfMaven(trimmed);
            if (osgi.isPresent()) {
                throw new IllegalArgumentException("'" + text + "' is a Maven version, not an OSGi one: OSGi writes it "
                        + osgi.get() + ", as plugin:list shows it");
            }
            throw new IllegalArgumentException("'" + text + "' is not a version; give one as plugin:list shows it,"
                    + " e.g. 2.0.0");
        }
    }

    /** The OSGi form of a Maven version such as {@code 1.0-SNAPSHOT} ({@code 1.0.0.SNAPSHOT}), if it is one. */
    static Optional<String> osgiFormOfMaven(String text) {
        Matcher m = MAVEN.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String minor = m.group(2) == null ? "0" : m.group(2);
        String micro = m.group(3) == null ? "0" : m.group(3);
        return Optional.of(m.group(1) + "." + minor + "." + micro + "." + m.group(4));
    }

    /**
     * The message for a version of a plugin that is not installed, listing those that are; when
     * one differs from the version given only in its letters' case, it says so.
     */
    public static String notInstalled(String version, String name, Collection<String> installed) {
        String text = "version " + version + " of " + name + " is not installed; installed versions: "
                + String.join(", ", installed);
        String lower = version.trim().toLowerCase(Locale.ROOT);
        Optional<String> sameButCase = installed.stream().filter(v -> v.toLowerCase(Locale.ROOT).equals(lower))
                .findFirst();
        return sameButCase.map(v -> text + " (a version's qualifier is case-sensitive: " + v + ")").orElse(text);
    }
}
