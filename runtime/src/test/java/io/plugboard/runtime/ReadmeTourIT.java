package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Runs the README's five-minute tour as docs/tour.sh pipes it (commands on standard input, the
 * second terminal's file moves in between) against the built jar, so the README stays true.
 */
public class ReadmeTourIT {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void tourRunsAsTheReadmeShowsIt() throws Exception {
        Path work = temp.newFolder("tour").toPath();
        Path out = temp.getRoot().toPath().resolve("tour-stdout.txt");
        Path err = temp.getRoot().toPath().resolve("tour-stderr.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", requiredFile("plugboard.tour.script"), work.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PLUGBOARD_JAR", requiredFile("plugboard.jar"));
        builder.environment().put("GREETER_V2_JAR", requiredFile("plugboard.tour.greeter-v2"));
        builder.environment().remove(Options.PLUGINS_ENV);
        Process tour = builder.start();
        if (!tour.waitFor(120, TimeUnit.SECONDS)) {
            tour.destroyForcibly();
            fail("the tour did not finish within 120 s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals("tour exit code; stdout:\n" + stdout + "\nstderr:\n" + stderr, 0, tour.exitValue());

        // Each answer the README shows, in the README's order.
        List<String> expected = List.of(
                "greeter.en  greeter  0.1.0.SNAPSHOT  ACTIVE  *",
                "stored color in kv.file",
                "blue",
                "Hello, Bob!",
                "greeter is now served by greeter.zh",
                "你好，Bob！",
                "你好，Bob！",
                "greeter is now served by greeter.en 2.0.0",
                "Hello, Bob! (v2)",
                "io.plugboard.greeter-en 2.0.0",
                "io.plugboard.api.greeter [1.0.0,2.0.0) <- version 1.0.0 from io.plugboard.api",
                "uninstalled io.plugboard.greeter-en 2.0.0");
        int from = 0;
        for (String answer : expected) {
            int at = stdout.indexOf(answer, from);
            assertTrue("expected '" + answer + "' after position " + from + " in:\n" + stdout, at >= 0);
            from = at + answer.length();
        }
        // The listing after greeter-zh.jar was moved out has no greeter.zh; the last one no greeter.en.
        String[] listings = stdout.split("ID  NAME");
        assertEquals("three plugin:list outputs in:\n" + stdout, 4, listings.length);
        assertTrue(listings[1].contains("greeter.zh"));
        assertTrue("greeter.zh gone after its jar was moved out:\n" + listings[2],
                !listings[2].contains("greeter.zh  greeter"));
        // Selected, it is waited for (its jar may come back) rather than replaced by greeter.en.
        assertTrue(listings[2], listings[2].contains("greeter waits for greeter.zh, selected for it and not registered"));
        assertTrue(listings[2], !listings[2].contains("greeter.en  greeter  0.1.0.SNAPSHOT  ACTIVE  *"));
        assertTrue("greeter.en gone after uninstall:\n" + listings[3], !listings[3].contains("greeter.en"));
        assertTrue(listings[3].contains("greeter.zh"));
    }

    private static String requiredFile(String property) {
        String value = System.getProperty(property);
        assertTrue("system property " + property + " must name an existing file, is " + value,
                value != null && Files.isRegularFile(Path.of(value)));
        return value;
    }
}
