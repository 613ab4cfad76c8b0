package io.plugboard.host.internal.commands;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/** Describes a bundle for {@code plugin:info}: headers, state, services, imports and their wires. */
final class BundleDescriber {

    // Negative look-behinds keep the bounds apart from their negations: (!(version>=2.0.0)).
    private static final Pattern PACKAGE = Pattern.compile("\\(osgi\\.wiring\\.package=([^)]*)\\)");
    private static final Pattern AT_LEAST = Pattern.compile("(?<!!)\\(version>=([^)]*)\\)");
    private static final Pattern ABOVE = Pattern.compile("\\(!\\(version<=([^)]*)\\)\\)");
    private static final Pattern BELOW = Pattern.compile("\\(!\\(version>=([^)]*)\\)\\)");
    private static final Pattern AT_MOST = Pattern.compile("(?<!!)\\(version<=([^)]*)\\)");

    private BundleDescriber() {
    }

    /** Returns the bundle's state as a word, e.g. {@code INSTALLED} for an unresolved bundle. */
    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    /** Returns the description; {@code whyNotActive} is appended when present. */
    static String describe(Bundle bundle, Optional<String> whyNotActive) {
        return describe(bundle, whyNotActive, Optional.empty());
    }

    /**
     * Returns the description; {@code movedFile}, the file its jar was renamed to in the plugins
     * folder, follows the location, which the framework never changes and so names the old file.
     */
    static String describe(Bundle bundle, Optional<String> whyNotActive, Optional<java.nio.file.Path> movedFile) {
        List<String> lines = new ArrayList<>();
        // The headers come from the jar and the location is what the user typed: one line each.
        lines.add(TerminalText.value(bundle.getSymbolicName()) + " " + bundle.getVersion() + " (bundle "
                + bundle.getBundleId() + ")");
        lines.add("  name:      "
                + TerminalText.value(Optional.ofNullable(bundle.getHeaders().get(Constants.BUNDLE_NAME)).orElse("-")));
        lines.add("  location:  " + TerminalText.value(bundle.getLocation()));
        movedFile.ifPresent(file -> lines.add("  file:      " + TerminalText.value(file.toString())
                + " (its jar was renamed in the plugins folder)"));
        lines.add("  state:     " + stateName(bundle.getState()));
        lines.add("  services:");
        ServiceReference<?>[] services = bundle.getState() == Bundle.UNINSTALLED ? null : bundle.getRegisteredServices();
        if (services == null || services.length == 0) {
            lines.add("    none");
        } else {
            for (ServiceReference<?> service : services) {
                lines.add("    " + properties(service));
            }
        }
        lines.add("  imports:");
        lines.addAll(imports(bundle));
        whyNotActive.ifPresent(why -> lines.add("  not active: " + why));
        return String.join("\n", lines);
    }

    private static String properties(ServiceReference<?> service) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String key : service.getPropertyKeys()) {
            Object value = service.getProperty(key);
            sorted.put(key, value instanceof Object[] array ? Arrays.toString(array) : String.valueOf(value));
        }
        String objectClass = sorted.remove(Constants.OBJECTCLASS);
        return objectClass + " " + sorted;
    }

    /** One line per imported package: its range, and the bundle that wires it or that nothing does. */
    private static List<String> imports(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return List.of("    unknown (the bundle is uninstalled)");
        }
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        List<BundleWire> wires = wiring == null ? List.of() : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        List<String> lines = new ArrayList<>();
        for (BundleRequirement requirement : revision.getDeclaredRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            String filter = requirement.getDirectives().getOrDefault(Constants.FILTER_DIRECTIVE, "");
            // java.* always comes from the JVM through the system bundle: listing it only hides the rest.
            if (packageName(filter).startsWith("java.")) {
                continue;
            }
            String optional = PackageNamespace.RESOLUTION_OPTIONAL.equals(
                    requirement.getDirectives().get(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE)) ? " optional" : "";
            String provider = wires.stream().filter(w -> requirement.equals(w.getRequirement())).findFirst()
                    .map(BundleDescriber::provider)
                    .orElse(wiring == null ? "not wired: the bundle is not resolved" : "not wired");
            lines.add("    " + packageName(filter) + " " + range(filter) + optional + " <- " + provider);
        }
        if (lines.isEmpty()) {
            lines.add("    none");
        }
        return lines;
    }

    private static String provider(BundleWire wire) {
        Bundle exporter = wire.getProvider().getBundle();
        Object version = wire.getCapability().getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
        return "version " + version + " from " + exporter.getSymbolicName() + " " + exporter.getVersion()
                + " (bundle " + exporter.getBundleId() + ")";
    }

    private static String packageName(String filter) {
        Matcher matcher = PACKAGE.matcher(filter);
        return matcher.find() ? matcher.group(1) : filter;
    }

    /**
     * Returns the version range an import filter expresses, e.g. {@code [1.0.0,2.0.0)}, in the
     * forms frameworks generate from {@code Import-Package}; {@code any version} when it has none.
     */
    static String range(String filter) {
        String low = "0.0.0";
        char open = '[';
        String high = null;
        char close = ')';
        Matcher m;
        if ((m = AT_LEAST.matcher(filter)).find()) {
            low = m.group(1);
        } else if ((m = ABOVE.matcher(filter)).find()) {
            low = m.group(1);
            open = '(';
        }
        if ((m = BELOW.matcher(filter)).find()) {
            high = m.group(1);
        } else if ((m = AT_MOST.matcher(filter)).find()) {
            high = m.group(1);
            close = ']';
        }
        if (high == null) {
            return "0.0.0".equals(low) ? "any version" : low + " or later";
        }
        return open + low + "," + high + close;
    }
}
