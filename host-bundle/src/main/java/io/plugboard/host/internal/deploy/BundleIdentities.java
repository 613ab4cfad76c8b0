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
 * batch at a time (a batch on several threads uses it under the lock of its {@link InstallTurns});
 * the framework itself still refuses a duplicate installed meanwhile by others.
 */
final class BundleIdentities {

    private record Identity(String symbolicName, Version version) {

        // Written out, as FileState's are: a record's generated equals and hashCode bootstrap
        // ObjectMethods through invokedynamic on first use, spinning method-handle classes that
        // the class archive cannot keep; a first start's scan installs the example plugins here.
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && symbolicName.equals(other.symbolicName)
                    && version.equals(other.version);
        }

        @Override
        public int hashCode() {
            return symbolicName.hashCode() * 31 + version.hashCode();
        }
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
