package io.plugboard.host.internal.deploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/** Explains in plain words why a bundle is not active. */
final class BundleDiagnostics {

    private final BundleContext context;

    BundleDiagnostics(BundleContext context) {
        this.context = context;
    }

    /**
     * Empty for an active bundle (or a lazy one waiting for its first class load); otherwise
     * why not, using {@code lastStartFailure} (may be null) when the framework's own reason helps.
     */
    Optional<String> whyNotActive(Bundle bundle, String lastStartFailure) {
        String name = BundleNames.describe(bundle);
        switch (bundle.getState()) {
            case Bundle.ACTIVE:
                return Optional.empty();
            case Bundle.STARTING:
                return isLazy(bundle) ? Optional.empty() : Optional.of(name + " is still starting");
            case Bundle.STOPPING:
                return Optional.of(name + " is stopping");
            case Bundle.UNINSTALLED:
                return Optional.of(name + " has been uninstalled");
            case Bundle.RESOLVED:
                return Optional.of(lastStartFailure == null
                        ? name + " is resolved but not started"
                        : name + " is resolved but failed to start: " + lastStartFailure);
            default:
                return Optional.of(unresolved(bundle, name, lastStartFailure));
        }
    }

    private String unresolved(Bundle bundle, String name, String lastStartFailure) {
        List<String> problems = unsatisfiedRequirements(bundle);
        StringBuilder text = new StringBuilder(name).append(" is not resolved");
        if (!problems.isEmpty()) {
            text.append(": it ").append(String.join("; it ", problems));
        } else if (lastStartFailure != null) {
            text.append(": ").append(lastStartFailure);
        }
        return text.toString();
    }

    /**
     * Each mandatory requirement of the bundle's current revision that nothing can satisfy, in
     * plain words ({@code imports io.plugboard.api.kv [2.0.0,3.0.0), but the framework has ...});
     * empty when none is missing (the resolver may still refuse it, for a uses conflict say).
     */
    List<String> unsatisfiedRequirements(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        List<String> problems = new ArrayList<>();
        if (revision != null) {
            List<BundleRequirement> requirements = new ArrayList<>(revision.getDeclaredRequirements(null));
            // Packages first: they are what plugin authors get wrong most often.
            requirements.sort(Comparator.comparing(r -> !PackageNamespace.PACKAGE_NAMESPACE.equals(r.getNamespace())));
            for (BundleRequirement requirement : requirements) {
                if (isMandatory(requirement)) {
                    unsatisfied(bundle, requirement).ifPresent(problems::add);
                }
            }
        }
        return problems;
    }

    private Optional<String> unsatisfied(Bundle bundle, BundleRequirement requirement) {
        String namespace = requirement.getNamespace();
        String filterText = requirement.getDirectives().get(Constants.FILTER_DIRECTIVE);
        Filter filter;
        try {
            filter = filterText == null ? null : FrameworkUtil.createFilter(filterText);
        } catch (InvalidSyntaxException e) {
            return Optional.of("has an invalid " + namespace + " requirement " + filterText);
        }
        List<BundleCapability> inNamespace = capabilities(namespace);
        List<BundleCapability> matching = inNamespace.stream()
                .filter(c -> filter == null || filter.matches(c.getAttributes()))
                .collect(Collectors.toList());
        boolean isPackage = PackageNamespace.PACKAGE_NAMESPACE.equals(namespace);
        String wanted = isPackage ? "imports " + RequirementFilters.describePackage(filterText)
                : "requires " + namespace + " " + filterText;
        if (matching.stream().anyMatch(c -> isUsable(c, bundle))) {
            return Optional.empty();
        }
        if (!matching.isEmpty()) {
            return Optional.of(wanted + ", which only " + providers(matching) + " provide"
                    + (matching.size() == 1 ? "s" : "") + ", and it is not resolved either");
        }
        if (isPackage) {
            String pkg = RequirementFilters.packageName(filterText).orElse("");
            List<BundleCapability> samePackage = inNamespace.stream()
                    .filter(c -> pkg.equals(c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)))
                    .collect(Collectors.toList());
            if (!samePackage.isEmpty()) {
                return Optional.of(wanted + ", but the framework has " + samePackage.stream()
                        .map(c -> pkg + " " + c.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE)
                                + " (from " + BundleNames.describe(c.getRevision().getBundle()) + ")")
                        .collect(Collectors.joining(" and ")));
            }
            return Optional.of(wanted + ", which no bundle exports");
        }
        return Optional.of(wanted + ", which no bundle provides");
    }

    private List<BundleCapability> capabilities(String namespace) {
        List<BundleCapability> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            if (revision != null) {
                result.addAll(revision.getDeclaredCapabilities(namespace));
            }
        }
        return result;
    }

    // A capability helps if its bundle is resolved, or it is the bundle's own (it can import
    // what it exports), or a bundle that will resolve together with it is unknowable: be lenient.
    private static boolean isUsable(BundleCapability capability, Bundle requirer) {
        Bundle provider = capability.getRevision().getBundle();
        return provider.equals(requirer) || (provider.getState() & (Bundle.INSTALLED | Bundle.UNINSTALLED)) == 0;
    }

    private static String providers(List<BundleCapability> capabilities) {
        return capabilities.stream().map(c -> BundleNames.describe(c.getRevision().getBundle()))
                .distinct().collect(Collectors.joining(" and "));
    }

    private static boolean isMandatory(BundleRequirement requirement) {
        Map<String, String> directives = requirement.getDirectives();
        String resolution = directives.get(Constants.RESOLUTION_DIRECTIVE);
        // Dynamic imports and optional requirements never keep a bundle from resolving.
        return !Constants.RESOLUTION_OPTIONAL.equals(resolution)
                && !PackageNamespace.RESOLUTION_DYNAMIC.equals(resolution)
                && !"active".equals(directives.getOrDefault(Constants.EFFECTIVE_DIRECTIVE, "resolve"));
    }

    private static boolean isLazy(Bundle bundle) {
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }
}
