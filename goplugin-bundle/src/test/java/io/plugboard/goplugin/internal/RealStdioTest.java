package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;

import io.plugboard.api.kv.KeyValueStore;

/**
 * A plugin that prints to os.Stdout and os.Stderr after Serve, as go-plugin 1.4 and later forward
 * it (kv-misbehave's print-on-call serves plugin.GRPCStdio the way they do): its lines reach its
 * logger, and it keeps serving however much it prints.
 */
public class RealStdioTest {

    /** Calls that print 1 KiB each: five times what the plugin's stdout pipe (64 KiB) holds unread. */
    private static final int PUTS = 320;

    @Rule
    public final RealHost host = new RealHost();

    @Test
    public void whatAGoPlugin14PrintsIsLoggedAndNeverBlocksIt() throws Exception {
        host.install("kv.chatty", bin("kv-misbehave"), "env=MISBEHAVE=print-on-call", "version=1.4",
                "call-timeout-ms=5000");
        KeyValueStore store = host.store("kv.chatty");
        for (int i = 1; i <= PUTS; i++) {
            // Without the stream read, these time out once the pipe is full (after about 65).
            store.put("k" + i, bytes("v" + i));
        }
        assertArrayEquals(bytes("v" + PUTS), store.get("k" + PUTS).orElseThrow());
        String lastOut = "info: put k" + PUTS + " " + "x".repeat(1000);
        await("the last stdout line is logged", () -> lines().contains(lastOut));
        await("the last stderr line is logged", () -> lines().contains("warn: stderr: put k" + PUTS));
        List<String> lines = lines();
        // Every line once, in the order printed: stdout and stderr each keep theirs.
        List<String> stdout = lines.stream().filter(line -> line.startsWith("info: put k")).toList();
        assertEquals(PUTS, stdout.size());
        for (int i = 0; i < PUTS; i++) {
            assertTrue(stdout.get(i), stdout.get(i).startsWith("info: put k" + (i + 1) + " xxx"));
        }
        assertEquals(PUTS, lines.stream().filter(line -> line.startsWith("warn: stderr: put k")).count());
        assertEquals("serving", host.describe("kv.chatty").get("state"));
    }

    private List<String> lines() {
        return host.loggers.pluginLines("kv.chatty", "1.4.0");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
