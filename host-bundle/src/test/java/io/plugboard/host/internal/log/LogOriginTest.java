package io.plugboard.host.internal.log;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/** Which plugin a log line is attributed to: the bundle that logged it, or the plugin its logger names. */
public class LogOriginTest {

    /** The bundle that runs out-of-process plugins and logs on their behalf. */
    private static final Bundle HANDLER = bundle("io.plugboard.goplugin", "1.0.0");

    @Test
    public void aLineIsTheLoggingBundlesByDefault() {
        assertEquals("io.plugboard.goplugin 1.0.0", LogPrinter.origin("io.plugboard.goplugin.Launcher", HANDLER));
        assertEquals("io.plugboard.goplugin 1.0.0", LogPrinter.origin(null, HANDLER));
    }

    @Test
    public void aPluginLoggerNamesThePluginTheLineBelongsTo() {
        assertEquals("kv.go 1.0.0", LogPrinter.origin("plugin:kv.go 1.0.0", HANDLER));
        assertEquals("kv.go 1.0.0", LogPrinter.origin("plugin: kv.go 1.0.0 ", HANDLER));
    }

    @Test
    public void aPluginLoggerWithoutANameFallsBackToTheBundle() {
        assertEquals("io.plugboard.goplugin 1.0.0", LogPrinter.origin("plugin:", HANDLER));
        assertEquals("io.plugboard.goplugin 1.0.0", LogPrinter.origin("plugin:  ", HANDLER));
    }

    @Test
    public void thePrefixMustStartTheName() {
        assertEquals("io.plugboard.goplugin 1.0.0", LogPrinter.origin("my.plugin:kv.go", HANDLER));
        assertEquals("unknown", LogPrinter.origin("Plugin-x", null));
    }

    /** A bundle as far as a log line needs one: its symbolic name and version. */
    private static Bundle bundle(String symbolicName, String version) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> Version.parseVersion(version);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
