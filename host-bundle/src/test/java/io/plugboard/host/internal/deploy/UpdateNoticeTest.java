package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevisions;

import io.plugboard.host.internal.registry.ReplacementNotice;
import io.plugboard.testing.RecordingLogger;

/** The installer tells the registry of an update for as long as the update, refresh and start last. */
public class UpdateNoticeTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    /** What the registry was told, with the bundle's version, state and revision count at that moment. */
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private PluginInstallerImpl installer;

    @Before
    public void createInstaller() {
        ReplacementNotice notice = bundle -> {
            notices.add("replacing " + describe(bundle));
            return () -> notices.add("done " + describe(bundle));
        };
        installer = new PluginInstallerImpl(felix.hostContext(), new RecordingLogger().logger(), notice);
    }

    @Test
    public void theNoticeCoversUpdateRefreshAndStart() throws Exception {
        Path jar = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));
        Bundle bundle = installer.install(jar.toString());
        jar("a.jar", TestJars.plugin("io.example.a", "2.0.0"));

        installer.update(bundle, null);

        assertEquals(List.of("replacing 1.0.0 ACTIVE 1 revision(s)", "done 2.0.0 ACTIVE 1 revision(s)"), notices);
    }

    @Test
    public void aFailedUpdateEndsTheNoticeToo() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Path other = jar("b.jar", TestJars.plugin("io.example.b", "1.0.0"));

        assertThrows(PluginInstallException.class, () -> installer.update(bundle, other.toString()));

        assertEquals(List.of("replacing 1.0.0 ACTIVE 1 revision(s)", "done 1.0.0 ACTIVE 1 revision(s)"), notices);
    }

    @Test
    public void aRefusedUpdateEndsTheNoticeOnlyOnceTheRunningVersionIsBack() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Path bad = jar("a-2.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));

        assertThrows(PluginInstallException.class, () -> installer.update(bundle, bad.toString()));

        assertEquals(List.of("replacing 1.0.0 ACTIVE 1 revision(s)", "done 1.0.0 ACTIVE 1 revision(s)"), notices);
    }

    @Test
    public void installAndUninstallGiveNoNotice() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        installer.uninstall(bundle);
        assertEquals(List.of(), notices);
    }

    private static String describe(Bundle bundle) {
        String state = bundle.getState() == Bundle.ACTIVE ? "ACTIVE" : "state " + bundle.getState();
        return bundle.getVersion() + " " + state + " " + bundle.adapt(BundleRevisions.class).getRevisions().size()
                + " revision(s)";
    }

    private Path jar(String name, byte[] content) throws Exception {
        return TestJars.write(temp.getRoot().toPath().resolve(name), content);
    }
}
