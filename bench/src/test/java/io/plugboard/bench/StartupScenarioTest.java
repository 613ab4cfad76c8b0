package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Where the start-up scenario finds the runtime's jar when --runtime is not given; real files. */
public class StartupScenarioTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path repository;
    private Path elsewhere;
    private Path benchJar;
    private Path copyBesideBench;
    private Path builtRuntime;

    @Before
    public void layOut() throws Exception {
        repository = temp.newFolder("repository").toPath();
        elsewhere = temp.newFolder("elsewhere").toPath();
        Path benchTarget = Files.createDirectories(repository.resolve("bench/target/classes")).getParent();
        benchJar = Files.writeString(benchTarget.resolve("plugboard-bench.jar"), "bench");
        copyBesideBench = Files.writeString(benchTarget.resolve("plugboard.jar"), "copy");
        builtRuntime = Files.writeString(
                Files.createDirectories(repository.resolve("runtime/target")).resolve("plugboard.jar"), "runtime");
    }

    @Test
    public void runFromAnotherFolderTheBenchFindsTheRuntimeOfItsRepository() {
        assertEquals(builtRuntime, StartupScenario.runtimeJar(elsewhere, benchJar));
        // From the test classes (bench/target/classes) just the same.
        assertEquals(builtRuntime, StartupScenario.runtimeJar(elsewhere, benchJar.resolveSibling("classes")));
    }

    @Test
    public void theCurrentFoldersRuntimeComesFirst() throws Exception {
        Path own = Files.writeString(
                Files.createDirectories(elsewhere.resolve("runtime/target")).resolve("plugboard.jar"), "own");
        assertEquals(own, StartupScenario.runtimeJar(elsewhere, benchJar));
    }

    @Test
    public void withoutABuiltRuntimeTheCopyBesideTheBenchIsTaken() throws Exception {
        Files.delete(builtRuntime);
        assertEquals(copyBesideBench, StartupScenario.runtimeJar(elsewhere, benchJar));
        Files.delete(copyBesideBench);
        assertNull(StartupScenario.runtimeJar(elsewhere, benchJar));
        assertNull(StartupScenario.runtimeJar(elsewhere, null));
    }
}
