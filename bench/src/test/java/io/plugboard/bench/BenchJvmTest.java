package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

public class BenchJvmTest {

    /** The launcher script, from the bench module's folder (where the build runs the tests). */
    private static final Path LAUNCHER = Path.of("..", "runtime", "src", "main", "bin", "plugboard");

    @Test
    public void theJitOptionsAreTheLaunchersOwn() throws IOException {
        List<String> launcherOptions = new ArrayList<>();
        for (String line : Files.readAllLines(LAUNCHER)) {
            String code = line.strip();
            if (code.startsWith("options=\"$options ")) {
                launcherOptions.addAll(List.of(code.substring("options=\"$options ".length(), code.length() - 1)
                        .split(" ")));
            }
        }
        List<String> jit = launcherOptions.stream().filter(o -> o.startsWith("-XX:Tier")).toList();
        assertEquals("the -XX:Tier options of " + LAUNCHER, jit, BenchJvm.LAUNCHER_JIT_OPTIONS);
    }

    @Test
    public void theRelaunchKeepsThisJvmsOptionsAndArguments() {
        List<String> command = BenchJvm.command(Path.of("/opt/jdk"), List.of("-Xmx2g", "-Dx=y"), "bench.jar",
                "io.plugboard.bench.BenchMain", "--only", "gostart");
        List<String> expected = new ArrayList<>(List.of("/opt/jdk/bin/java", "-Xmx2g", "-Dx=y"));
        expected.addAll(BenchJvm.LAUNCHER_JIT_OPTIONS);
        expected.addAll(List.of("-cp", "bench.jar", "io.plugboard.bench.BenchMain", "--only", "gostart"));
        assertEquals(expected, command);
    }

    @Test
    public void allTheOptionsAreNeeded() {
        assertTrue(BenchJvm.hasLauncherOptions(BenchJvm.LAUNCHER_JIT_OPTIONS));
        assertFalse(BenchJvm.hasLauncherOptions(BenchJvm.LAUNCHER_JIT_OPTIONS.subList(1, 4)));
        assertFalse(BenchJvm.hasLauncherOptions(List.of()));
    }
}
