package io.plugboard.host.internal.commands;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;

import io.plugboard.host.internal.deploy.PluginInstallException;
import io.plugboard.host.internal.deploy.PluginInstaller;

/**
 * An installer over {@link TestBundle}s: {@code install} takes locations of the form
 * {@code <symbolic-name>-<version>.jar} and records every call.
 */
final class TestInstaller implements PluginInstaller {

    final List<Bundle> bundles = new ArrayList<>();
    final Map<Long, String> notActiveBecause = new HashMap<>();
    final Map<Long, String> startFailures = new HashMap<>();
    final Map<Long, String> startHangs = new HashMap<>();
    final Set<Long> libraries = new HashSet<>();
    final Set<Long> fragments = new HashSet<>();
    final Map<Long, String> notResolvedBecause = new HashMap<>();
    final Map<Long, Map<String, String>> declared = new HashMap<>();
    final Map<Long, java.nio.file.Path> movedFiles = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    private long nextId = 20;

    TestBundle add(long id, String symbolicName, String version) {
        TestBundle bundle = new TestBundle(id, symbolicName, version, "file:/plugins/" + symbolicName + ".jar");
        bundles.add(bundle);
        bundles.sort(Comparator.comparingLong(Bundle::getBundleId));
        return bundle;
    }

    @Override
    public java.util.Optional<java.nio.file.Path> movedFile(Bundle bundle) {
        return java.util.Optional.ofNullable(movedFiles.get(bundle.getBundleId()));
    }

    @Override
    public Bundle install(String pathOrUrl) {
        calls.add("install " + pathOrUrl);
        if (!pathOrUrl.endsWith(".jar")) {
            throw new PluginInstallException(pathOrUrl + " is not a jar");
        }
        String base = pathOrUrl.substring(pathOrUrl.lastIndexOf('/') + 1, pathOrUrl.length() - ".jar".length());
        int dash = base.lastIndexOf('-');
        return add(nextId++, base.substring(0, dash), base.substring(dash + 1));
    }

    @Override
    public Bundle update(Bundle bundle, String pathOrUrl) {
        calls.add("update " + bundle.getBundleId() + " " + pathOrUrl);
        bundles.remove(bundle);
        String version = pathOrUrl == null ? bundle.getVersion().toString()
                : pathOrUrl.substring(pathOrUrl.lastIndexOf('-') + 1, pathOrUrl.length() - ".jar".length());
        return add(bundle.getBundleId(), bundle.getSymbolicName(), version);
    }

    @Override
    public void uninstall(Bundle bundle) {
        calls.add("uninstall " + bundle.getBundleId());
        bundles.remove(bundle);
    }

    @Override
    public List<Bundle> pluginBundles() {
        return List.copyOf(bundles);
    }

    @Override
    public boolean isLibrary(Bundle bundle) {
        return libraries.contains(bundle.getBundleId());
    }

    @Override
    public boolean isFragment(Bundle bundle) {
        return fragments.contains(bundle.getBundleId());
    }

    @Override
    public Optional<String> startFailure(Bundle bundle) {
        return Optional.ofNullable(startFailures.get(bundle.getBundleId()));
    }

    @Override
    public Optional<String> whyNotResolved(Bundle bundle) {
        return Optional.ofNullable(notResolvedBecause.get(bundle.getBundleId()));
    }

    @Override
    public Map<String, String> declaredPlugins(Bundle bundle) {
        return declared.getOrDefault(bundle.getBundleId(), Map.of());
    }

    @Override
    public Optional<String> startHang(Bundle bundle) {
        return Optional.ofNullable(startHangs.get(bundle.getBundleId()));
    }

    @Override
    public Optional<String> whyNotActive(Bundle bundle) {
        return Optional.ofNullable(notActiveBecause.get(bundle.getBundleId()));
    }
}
