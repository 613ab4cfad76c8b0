package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;

/** The plugin names an installed bundle declares, read from its entries as from a jar's. */
public class DeclaredPluginNamesOfBundleTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    @Test
    public void everyComponentTheHeaderNamesWildcardsTooWithoutResolvingTheBundle() throws Exception {
        byte[] jar = TestJars.withEntries(Map.of(
                "OSGI-INF/a.xml", TestJars.component("A", "kv.a"),
                "OSGI-INF/b.xml", TestJars.component("B", "kv.b"),
                "OSGI-INF/sub/c.xml", TestJars.component("C", "kv.c"),
                "other/d.xml", TestJars.component("D", "kv.d"),
                "e.xml", TestJars.component("E", "kv.e")),
                "Bundle-SymbolicName", "io.example.kv", "Service-Component", "OSGI-INF/*.xml, /other/d.xml;x=y, *.xml",
                "Import-Package", "io.example.missing");
        Bundle bundle = install(jar);

        assertEquals(Set.of("kv.a", "kv.b", "kv.d", "kv.e"), DeclaredPluginNames.of(bundle));
        assertEquals("not resolved by being read", Bundle.INSTALLED, bundle.getState());
    }

    @Test
    public void aBundleWithoutComponentsOrUninstalledDeclaresNothing() throws Exception {
        assertEquals(Set.of(), DeclaredPluginNames.of(install(TestJars.plugin("io.example.kv", "1.0.0"))));
        Bundle gone = install(TestJars.pluginNamed("io.example.gone", "1.0.0", "kv.gone"));
        assertEquals(Set.of("kv.gone"), DeclaredPluginNames.of(gone));
        gone.uninstall();
        assertEquals(Set.of(), DeclaredPluginNames.of(gone));
    }

    private Bundle install(byte[] jar) throws Exception {
        Path file = TestJars.write(temp.newFile().toPath(), jar);
        return felix.hostContext().installBundle(file.toUri().toString());
    }
}
