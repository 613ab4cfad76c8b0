package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;

/** The handlers' work: each file's tasks in order, files at the same time, a later task interrupting an install. */
public class FileTasksTest {

    private final FileTasks tasks = new FileTasks(Executors.newFixedThreadPool(4));
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final Path a = Path.of("/plugins/a.goplugin");
    private final Path b = Path.of("/plugins/b.goplugin");

    @After
    public void tearDown() {
        tasks.stop(1_000);
    }

    /** Waits at the latch; records whether it was interrupted. */
    private Runnable waiting(String name, CountDownLatch latch) {
        return () -> {
            try {
                latch.await(20, TimeUnit.SECONDS);
                done.add(name);
            } catch (InterruptedException e) {
                done.add(name + " interrupted");
            }
        };
    }

    @Test
    public void aFilesTasksRunInOrderWhileAnotherFilesRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        tasks.execute(a, false, waiting("a1", release));
        tasks.execute(a, false, () -> done.add("a2"));
        tasks.execute(b, false, () -> done.add("b1"));

        assertFalse(tasks.awaitDone(300));
        assertEquals("b ran while a's first task waits; a's second waits behind it", List.of("b1"), done);
        release.countDown();
        assertTrue(tasks.awaitDone(5_000));
        assertEquals(List.of("b1", "a1", "a2"), done);
    }

    @Test
    public void aLaterTaskForTheFileInterruptsItsInstallNotItsUninstall() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        tasks.execute(a, true, waiting("install a", never));
        Thread.sleep(100);
        assertTrue("interrupted", tasks.execute(a, false, waiting("uninstall a", never)));
        Thread.sleep(100);
        assertFalse("an uninstall is not interrupted", tasks.execute(a, true, () -> done.add("install a again")));

        never.countDown();
        assertTrue(tasks.awaitDone(5_000));
        assertEquals(List.of("install a interrupted", "uninstall a", "install a again"), done);
    }
}
