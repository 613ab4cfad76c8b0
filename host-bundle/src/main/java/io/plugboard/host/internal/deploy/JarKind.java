package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * OSGi bundle jars, the kind of file the folder always acts on.
 *
 * @param actions installs, updates and uninstalls the bundles
 */
record JarKind(FolderActions actions) implements FileKind {

    /** The extension of bundle jars; no handler may claim it. */
    static final String EXTENSION = ".jar";

    // Written out, as FileState's are: a record's generated equals and hashCode bootstrap
    // ObjectMethods through invokedynamic on first use, spinning method-handle classes that the
    // class archive cannot keep (a few ms on the way to the first plugin call).
    @Override
    public boolean equals(Object o) {
        return o instanceof JarKind other && Objects.equals(actions, other.actions);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(actions);
    }

    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Complete and valid when every entry's CRC checks and it declares what the installer needs;
     * otherwise says why not (incomplete, damaged, not a bundle).
     */
    @Override
    public FileCheck check(Path file) {
        return checkJar(file);
    }

    /**
     * The fingerprint of {@link #check} alone, without reading every entry: asked for a jar whose
     * bundle a restart keeps, which the installer found to hold the very bytes the bundle was
     * installed from (see {@link FolderActions#isCurrent}), so it is whole.
     */
    @Override
    public Long fingerprint(Path file) {
        try {
            return ZipEnd.read(file).fingerprint();
        } catch (IOException e) {
            return null;
        }
    }

    /** The check of {@link #check}, for a jar anywhere. */
    static FileCheck checkJar(Path file) {
        String name = file.getFileName().toString();
        try {
            // The cheap test first: a jar still being written fails it without being read whole.
            ZipEnd end = ZipEnd.read(file);
            PluginJar jar = PluginJar.read(file, name);
            return FileCheck.valid(end.fingerprint(), jar.symbolicName());
        } catch (ZipException e) {
            return FileCheck.invalid(name + " is incomplete or corrupt: " + e.getMessage());
        } catch (IOException e) {
            return FileCheck.invalid(name + " cannot be read: " + e);
        } catch (PluginInstallException e) {
            return FileCheck.invalid(e.getMessage());
        }
    }
}
