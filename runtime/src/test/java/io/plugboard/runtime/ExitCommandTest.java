package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.ServiceLoader;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** exit in a real Felix: a script must see it at once, though Felix stops on a thread of its own. */
public class ExitCommandTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aScriptSeesExitAsSoonAsItReturns() throws Exception {
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(Map.of("org.osgi.framework.storage", temp.newFolder("cache").toString()));
        framework.start();
        try {
            ExitCommand exit = ExitCommand.register(framework);
            assertFalse(exit.stopping());

            exit.exit(3);

            // Felix's state changes later, on its FelixShutdown thread: the next line of the
            // script must not run in between.
            assertTrue(exit.stopping());
            assertEquals(3, exit.code());
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }
}
