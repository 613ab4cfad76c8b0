package io.plugboard.host.internal.deploy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Version;

/**
 * Turns requirement filters back into what a user wrote in Import-Package:
 * {@code (&(osgi.wiring.package=x)(version>=2.0.0)(!(version>=3.0.0)))} becomes
 * {@code x [2.0.0,3.0.0)}.
 */
final class RequirementFilters {

    private static final Pattern PACKAGE = Pattern.compile("\\(osgi\\.wiring\\.package=([^)(]+)\\)");
    // Negated clauses first: "(!(version>=3))" also contains "(version>=3)".
    private static final Pattern NOT_AT_LEAST = Pattern.compile("\\(!\\(version>=([^)(]+)\\)\\)");
    private static final Pattern NOT_AT_MOST = Pattern.compile("\\(!\\(version<=([^)(]+)\\)\\)");
    private static final Pattern AT_LEAST = Pattern.compile("\\(version>=([^)(]+)\\)");
    private static final Pattern AT_MOST = Pattern.compile("\\(version<=([^)(]+)\\)");
    private static final Pattern EXACTLY = Pattern.compile("\\(version=([^)(*]+)\\)");
    // What is left of a filter once package and version clauses are gone: only "(&" and ")".
    private static final Pattern ONLY_AND = Pattern.compile("[(&)]*");

    private RequirementFilters() {
    }

    /** The package a package requirement's filter names, if it names exactly one. */
    static Optional<String> packageName(String filter) {
        Matcher m = PACKAGE.matcher(filter == null ? "" : filter);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    /**
     * The version range a filter expresses, such as {@code [2.0.0,3.0.0)}; an empty string when
     * it has no version constraint; empty if the filter says more than a package and a range.
     */
    static Optional<String> versionRange(String filter) {
        if (filter == null) {
            return Optional.of("");
        }
        String rest = PACKAGE.matcher(filter).replaceFirst("");
        Bound lower = null;
        Bound upper = null;
        Matcher m;
        if ((m = NOT_AT_LEAST.matcher(rest)).find()) {
            upper = new Bound(m.group(1), false);
            rest = m.replaceFirst("");
        }
        if ((m = NOT_AT_MOST.matcher(rest)).find()) {
            lower = new Bound(m.group(1), false);
            rest = m.replaceFirst("");
        }
        if ((m = AT_LEAST.matcher(rest)).find() && lower == null) {
            lower = new Bound(m.group(1), true);
            rest = m.replaceFirst("");
        }
        if ((m = AT_MOST.matcher(rest)).find() && upper == null) {
            upper = new Bound(m.group(1), true);
            rest = m.replaceFirst("");
        }
        if ((m = EXACTLY.matcher(rest)).find() && lower == null && upper == null) {
            lower = new Bound(m.group(1), true);
            upper = lower;
            rest = m.replaceFirst("");
        }
        if (!ONLY_AND.matcher(rest).matches() || !validVersion(lower) || !validVersion(upper)) {
            return Optional.empty();
        }
        if (lower == null && upper == null) {
            return Optional.of("");
        }
        String from = lower == null ? "[0.0.0" : (lower.inclusive ? "[" : "(") + lower.version;
        String to = upper == null ? "\u221e)" : upper.version + (upper.inclusive ? "]" : ")");
        return Optional.of(from + "," + to);
    }

    /** A package import as a user would write it: {@code x [2.0.0,3.0.0)}, or the raw filter. */
    static String describePackage(String filter) {
        Optional<String> name = packageName(filter);
        Optional<String> range = versionRange(filter);
        if (name.isEmpty() || range.isEmpty()) {
            return filter;
        }
        return range.get().isEmpty() ? name.get() : name.get() + " " + range.get();
    }

    private static boolean validVersion(Bound bound) {
        if (bound == null) {
            return true;
        }
        try {
            Version.parseVersion(bound.version);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record Bound(String version, boolean inclusive) {
        Bound {
            version = version.trim();
        }
    }
}
