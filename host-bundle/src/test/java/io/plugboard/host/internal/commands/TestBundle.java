package io.plugboard.host.internal.commands;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.security.cert.X509Certificate;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/**
 * A bundle outside any framework: identity, state and headers only. It has no revision or
 * wiring, as the framework reports for an uninstalled bundle.
 */
final class TestBundle implements Bundle {

    private final long id;
    private final String symbolicName;
    private final Version version;
    private final String location;
    int state = Bundle.ACTIVE;

    TestBundle(long id, String symbolicName, String version, String location) {
        this.id = id;
        this.symbolicName = symbolicName;
        this.version = Version.parseVersion(version);
        this.location = location;
    }

    @Override
    public int getState() {
        return state;
    }

    @Override
    public long getBundleId() {
        return id;
    }

    @Override
    public String getSymbolicName() {
        return symbolicName;
    }

    @Override
    public Version getVersion() {
        return version;
    }

    @Override
    public String getLocation() {
        return location;
    }

    @Override
    public Dictionary<String, String> getHeaders() {
        return new Hashtable<>(Map.of("Bundle-SymbolicName", symbolicName, "Bundle-Version", version.toString(),
                "Bundle-Name", "Test " + symbolicName));
    }

    @Override
    public Dictionary<String, String> getHeaders(String locale) {
        return getHeaders();
    }

    @Override
    public ServiceReference<?>[] getRegisteredServices() {
        return null;
    }

    @Override
    public <A> A adapt(Class<A> type) {
        return null;
    }

    @Override
    public int compareTo(Bundle other) {
        return Long.compare(id, other.getBundleId());
    }

    @Override
    public String toString() {
        return symbolicName + " " + version + " [" + id + "]";
    }

    // Nothing below is used by the commands.

    @Override
    public void start(int options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stop(int options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void update(InputStream input) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void update() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void uninstall() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ServiceReference<?>[] getServicesInUse() {
        return null;
    }

    @Override
    public boolean hasPermission(Object permission) {
        return true;
    }

    @Override
    public URL getResource(String name) {
        return null;
    }

    @Override
    public Class<?> loadClass(String name) throws ClassNotFoundException {
        throw new ClassNotFoundException(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) {
        return null;
    }

    @Override
    public Enumeration<String> getEntryPaths(String path) {
        return null;
    }

    @Override
    public URL getEntry(String path) {
        return null;
    }

    @Override
    public long getLastModified() {
        return 0;
    }

    @Override
    public Enumeration<URL> findEntries(String path, String filePattern, boolean recurse) {
        return null;
    }

    @Override
    public BundleContext getBundleContext() {
        return null;
    }

    @Override
    public Map<X509Certificate, List<X509Certificate>> getSignerCertificates(int signersType) {
        return Map.of();
    }

    @Override
    public File getDataFile(String filename) {
        return null;
    }
}
