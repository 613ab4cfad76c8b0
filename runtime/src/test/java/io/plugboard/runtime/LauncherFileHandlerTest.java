package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.jar.Attributes;

import org.junit.Test;

/** How the launcher tells, from a boot jar's manifest alone, which bundles to install aside or skip. */
public class LauncherFileHandlerTest {

    private static Attributes manifest(String... namesAndValues) {
        Attributes attributes = new Attributes();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.putValue(namesAndValues[i], namesAndValues[i + 1]);
        }
        return attributes;
    }

    @Test
    public void aBundleDeclaringAPluginFileHandlerServiceIsAFileHandler() {
        assertTrue(Launcher.declaresFileHandler(manifest("Provide-Capability",
                "osgi.service;objectClass:List<String>=\"io.plugboard.api.deploy.PluginFileHandler\";uses:=\"io.plugboard.api.deploy\"")));
        assertTrue(Launcher.declaresFileHandler(manifest("Provide-Capability",
                "osgi.service;objectClass:List<String>=\"io.example.Other\","
                        + "osgi.service;objectClass:List<String>=\"io.plugboard.api.deploy.PluginFileHandler\"")));
    }

    @Test
    public void bundlesDeclaringOtherServicesOrOnlyRequiringAHandlerAreNot() {
        assertFalse(Launcher.declaresFileHandler(manifest()));
        assertFalse(Launcher.declaresFileHandler(manifest("Provide-Capability",
                "osgi.service;objectClass:List<String>=\"io.plugboard.api.greeter.Greeter\"")));
        // The host tracks handlers: it requires the service, it does not provide it.
        assertFalse(Launcher.declaresFileHandler(manifest("Require-Capability",
                "osgi.service;filter:=\"(objectClass=io.plugboard.api.deploy.PluginFileHandler)\"",
                "Provide-Capability", "osgi.service;objectClass:List<String>=\"io.plugboard.host.internal.deploy.FolderWatcher\"")));
    }

    @Test
    public void symbolicNameLeavesItsAttributesOut() {
        assertEquals("org.jline", BootSet.symbolicName(manifest("Bundle-SymbolicName", "org.jline;singleton:=true")));
        assertEquals("io.plugboard.host", BootSet.symbolicName(manifest("Bundle-SymbolicName", " io.plugboard.host ")));
        assertEquals("", BootSet.symbolicName(manifest()));
    }
}
