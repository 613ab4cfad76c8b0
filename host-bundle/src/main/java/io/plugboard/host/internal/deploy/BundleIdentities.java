package io.plugboard.host.internal.deploy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/**
 * The installed bundles by symbolic name and version, listed once for a batch of installs so
 * that the duplicate check of each jar does not walk every bundle again. Not thread-safe: one
 * batch at a time; the framework itself still refuses a duplicate installed meanwhile by others.
 */
final class BundleIdentities {

    private record Identity(String symbolicName, Version version) {
    }

    private final Map<Identity, Bundle> bundles = new HashMap<>();

    private BundleIdentities() {
    }

    /** The bundles installed now. */
    static BundleIdentities of(BundleContext context) {
        BundleIdentities identities = new BundleIdentities();
        for (Bundle bundle : context.getBundles()) {
            identities.add(bundle);
        }
        return identities;
    }

    /** Notes a bundle just installed; the first one of a name and version stays the one found. */
    void add(Bundle bundle) {
        if (bundle.getSymbolicName() != null) {
            bundles.putIfAbsent(new Identity(bundle.getSymbolicName(), bundle.getVersion()), bundle);
        }
    }

    /** The installed bundle with the jar's symbolic name and version, if any. */
    Optional<Bundle> find(PluginJar jar) {
        return Optional.ofNullable(bundles.get(new Identity(jar.symbolicName(), jar.version())));
    }
}
