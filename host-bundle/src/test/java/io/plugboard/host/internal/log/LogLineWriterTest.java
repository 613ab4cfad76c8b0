package io.plugboard.host.internal.log;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.log.LogLevel;

public class LogLineWriterTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /** 2026-11-23T01:02:03.456Z: the time every test entry is logged at. */
    private static final long TIME = 1_795_395_723_456L;
    private static final String STAMP = "2026-11-23T01:02:03.456Z";

    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);

    private List<String> consoleLines() {
        return consoleBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    public void formatsLevelOriginAndMessage() {
        assertEquals("WARN [io.plugboard.kv-file 1.0.0] disk is full",
                LogLineWriter.format(LogLevel.WARN, "io.plugboard.kv-file 1.0.0", "disk is full", null));
    }

    @Test
    public void anEntryThatComesAfterCloseIsNotAnErrorAndStillReachesTheConsole() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file);
        writer.write(TIME, LogLevel.INFO, "a 1.0.0", "before", null);
        writer.close();
        writer.write(TIME, LogLevel.INFO, "a 1.0.0", "late", null);
        writer.write(TIME, LogLevel.WARN, "a 1.0.0", "late warning", null);

        assertEquals(List.of(STAMP + " INFO [a 1.0.0] before"), Files.readAllLines(file));
        assertEquals(List.of("WARN [a 1.0.0] late warning"), consoleLines());
    }

    @Test
    public void aPluginsOutputLineReachesTheConsoleBelowTheLevelAndEachTime() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            writer.write(TIME, LogLevel.INFO, "a 1.0.0", "tick", null, false, true);
            writer.write(TIME, LogLevel.INFO, "a 1.0.0", "tick", null, false, true);
            writer.write(TIME, LogLevel.INFO, "a 1.0.0", "logged", null, false, false);
        }

        assertEquals(List.of("INFO [a 1.0.0] tick", "INFO [a 1.0.0] tick"), consoleLines());
        assertEquals(3, Files.readAllLines(file).size());
    }

    @Test
    public void appendsTheStackTraceOfAnException() {
        String line = LogLineWriter.format(LogLevel.ERROR, "b 1.0.0", "failed", new IllegalStateException("boom"));
        List<String> lines = line.lines().toList();
        assertEquals("ERROR [b 1.0.0] failed", lines.get(0));
        assertEquals("  java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2), lines.get(2).trim().startsWith("at io.plugboard.host.internal.log.LogLineWriterTest"));
    }

    @Test
    public void anExceptionThatCannotPrintItselfIsPrintedAsWhatCanBeRead() {
        RuntimeException thrown = new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                throw new IllegalStateException("getMessage throws");
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString throws");
            }
        };

        List<String> lines = LogLineWriter.format(LogLevel.WARN, "t.badmsg 1.0.0", "failed", thrown).lines().toList();

        assertEquals("WARN [t.badmsg 1.0.0] failed", lines.get(0));
        assertEquals("  " + thrown.getClass().getName() + " (its message cannot be read: java.lang.IllegalStateException:"
                + " toString throws)", lines.get(1));
        assertTrue(lines.get(2), lines.get(2).trim().startsWith("at io.plugboard.host.internal.log.LogLineWriterTest"));
    }

    @Test
    public void aCauseCycleIsPrintedOnce() {
        RuntimeException b = new RuntimeException("b");
        RuntimeException a = new RuntimeException("a", b);
        b.initCause(a);

        String entry = LogLineWriter.format(LogLevel.WARN, "t.cycle 1.0.0", "failed", a);

        assertTrue(entry, entry.contains("Caused by: java.lang.RuntimeException: b"));
        assertTrue(entry, entry.contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: a]"));
    }

    @Test
    public void aLineBreakInAMessageCannotForgeAnEntry() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.INFO, file)) {
            // A file named so, dropped into the watched folder, or a plugin's log message.
            writer.write(TIME, LogLevel.WARN, "a 1.0.0", "Not installing x.jar\n" + STAMP + " INFO [b 1.0.0] forged\r\n"
                    + "panic: boom", null);
        }
        List<String> expected = List.of(STAMP + " WARN [a 1.0.0] Not installing x.jar", "  " + STAMP
                + " INFO [b 1.0.0] forged", "  panic: boom");
        assertEquals(expected, Files.readAllLines(file));
        // The console shows the first line; the forged one stays in the file, indented.
        assertEquals(List.of("WARN [a 1.0.0] Not installing x.jar (2 more lines in " + file + ")"), consoleLines());
    }

    @Test
    public void theConsoleShowsTheFirstLineOfAnEntryWithAStackTraceAndTheFileAllOfIt() throws IOException {
        Path file = temp.getRoot().toPath().resolve("data/plugboard.log");
        // What Felix SCR logs for a component that throws in activate, less its 80 frames of SCR.
        Exception thrown = new InvocationTargetException(new IllegalStateException("kv.memory 3.0.0 fails"));
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            writer.write(TIME, LogLevel.ERROR, "io.plugboard.kv-memory 3.0.0", "bundle io.plugboard.kv-memory:3.0.0 (18)"
                    + "[io.plugboard.kv.broken.BrokenKeyValueStore(14)] : Error during instantiation of the"
                    + " implementation object", thrown);
        }
        List<String> inFile = Files.readAllLines(file);
        assertEquals(STAMP + " ERROR [io.plugboard.kv-memory 3.0.0] bundle io.plugboard.kv-memory:3.0.0 (18)"
                + "[io.plugboard.kv.broken.BrokenKeyValueStore(14)] : Error during instantiation of the implementation"
                + " object", inFile.get(0));
        assertEquals("  java.lang.reflect.InvocationTargetException", inFile.get(1));
        assertTrue(inFile.toString(), inFile.contains("  Caused by: java.lang.IllegalStateException: kv.memory 3.0.0 fails"));
        assertTrue(inFile.toString(), inFile.stream().anyMatch(l -> l.startsWith("  \tat ")));
        assertEquals(List.of("ERROR [io.plugboard.kv-memory 3.0.0] bundle io.plugboard.kv-memory:3.0.0 (18)"
                + "[io.plugboard.kv.broken.BrokenKeyValueStore(14)] : Error during instantiation of the implementation"
                + " object (stack trace: " + (inFile.size() - 1) + " more lines in " + file + ")"), consoleLines());
    }

    @Test
    public void aGoPanicShowsItsPanicLineOnTheConsole() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        // As goplugin's StderrLines hands a panic on: ONE ERROR message, the goroutine dump in it.
        String panic = String.join("\n", "panic: runtime error: index out of range [3] with length 3", "",
                "goroutine 7 [running]:", "main.(*store).Get(...)", "\t/src/kv-go/main.go:42 +0x1d", "exit status 2");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            writer.write(TIME, LogLevel.ERROR, "kv.go 1.0.0", panic, null);
            writer.write(TIME, LogLevel.WARN, "kv.go 1.0.0", "one line stays as it is", null);
            writer.write(TIME, LogLevel.WARN, "kv.go 1.0.0", "a line and a trace", new IllegalStateException("x"));
        }
        assertEquals(List.of(STAMP + " ERROR [kv.go 1.0.0] panic: runtime error: index out of range [3] with length 3",
                "  ", "  goroutine 7 [running]:", "  main.(*store).Get(...)", "  \t/src/kv-go/main.go:42 +0x1d",
                "  exit status 2", STAMP + " WARN [kv.go 1.0.0] one line stays as it is"),
                Files.readAllLines(file).subList(0, 7));
        List<String> shown = consoleLines();
        assertEquals(List.of("ERROR [kv.go 1.0.0] panic: runtime error: index out of range [3] with length 3 (5 more"
                + " lines in " + file + ")", "WARN [kv.go 1.0.0] one line stays as it is"), shown.subList(0, 2));
        assertTrue(shown.get(2), shown.get(2).startsWith("WARN [kv.go 1.0.0] a line and a trace (stack trace: "));
        assertEquals(3, shown.size());
    }

    @Test
    public void theConsoleShowsALineOnceWhileItRepeatsAndTheFileKeepsEveryEntry() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        String failed = "bundle k:3.0.0 (18)[k.Broken(14)] : Error during instantiation of the implementation object";
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            // SCR tries the component at its start, and again when the registry asks for its service.
            writer.write(TIME, LogLevel.ERROR, "k 3.0.0", failed, new IllegalStateException("first try"));
            writer.write(TIME + 5, LogLevel.WARN, "h 1.0.0", "Could not get service from ref [Store]", null);
            writer.write(TIME + 7, LogLevel.ERROR, "k 3.0.0", failed, new IllegalStateException("second try"));
            // Another level or origin is another line.
            writer.write(TIME + 8, LogLevel.WARN, "k 3.0.0", failed, null);
            writer.write(TIME + 9, LogLevel.ERROR, "j 3.0.0", failed, null);
            // Once the time has passed, the line is shown again.
            writer.write(TIME + LogLineWriter.REPEAT_MILLIS, LogLevel.ERROR, "k 3.0.0", failed, null);
        }
        assertEquals(List.of(
                "ERROR [k 3.0.0] " + failed + " (stack trace: 2 more lines in " + file + ")",
                "WARN [h 1.0.0] Could not get service from ref [Store]",
                "WARN [k 3.0.0] " + failed,
                "ERROR [j 3.0.0] " + failed,
                "ERROR [k 3.0.0] " + failed), consoleLines().stream()
                        .map(l -> l.replaceAll("\\(stack trace: \\d+ ", "(stack trace: 2 ")).toList());
        List<String> inFile = Files.readAllLines(file);
        assertEquals(inFile.toString(), 6, inFile.stream().filter(l -> l.startsWith(STAMP.substring(0, 11))).count());
        assertTrue(inFile.toString(), inFile.contains("  java.lang.IllegalStateException: second try"));
    }

    @Test
    public void anEntryThatRepeatsAnotherGoesToTheFileOnlyUnlessThereIsNoFile() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            writer.write(TIME, LogLevel.WARN, "h 1.0.0", "Could not get service from ref [Store]", null, false);
            writer.write(TIME, LogLevel.WARN, "h 1.0.0", "Service not available for [Store]", null, true);
        }
        assertEquals(List.of("WARN [h 1.0.0] Could not get service from ref [Store]"), consoleLines());
        assertEquals(List.of(STAMP + " WARN [h 1.0.0] Could not get service from ref [Store]",
                STAMP + " WARN [h 1.0.0] Service not available for [Store]"), Files.readAllLines(file));

        consoleBytes.reset();
        // Without a file the console is the only place an entry goes: it gets them all.
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN)) {
            writer.write(TIME, LogLevel.WARN, "h 1.0.0", "Service not available for [Store]", null, true);
            writer.write(TIME, LogLevel.WARN, "h 1.0.0", "Service not available for [Store]", null, false);
        }
        assertEquals(List.of("WARN [h 1.0.0] Service not available for [Store]",
                "WARN [h 1.0.0] Service not available for [Store]"), consoleLines());
    }

    @Test
    public void withoutTheFileTheConsoleGetsTheWholeEntry() throws IOException {
        // A data folder that cannot be written leaves the console the only place the trace goes.
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN)) {
            writer.write(TIME, LogLevel.ERROR, "a 1.0.0", "failed", new IllegalStateException("boom"));
        }
        assertEquals("ERROR [a 1.0.0] failed", consoleLines().get(0));
        assertEquals("  java.lang.IllegalStateException: boom", consoleLines().get(1));
        assertTrue(consoleLines().toString(), consoleLines().size() > 2);

        consoleBytes.reset();
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        LogLineWriter closed = new LogLineWriter(console, LogLevel.WARN, file);
        closed.close();
        // An entry the log service delivers after close.
        closed.write(TIME, LogLevel.WARN, "a 1.0.0", "late\nsecond line", null);
        assertEquals(List.of("WARN [a 1.0.0] late", "  second line"), consoleLines());
    }

    @Test
    public void controlCharactersAreWrittenAsEscapes() {
        assertEquals("WARN [a\\n 1.0.0] a\\u001b[2Jb\\rc\tde\\u0000\\u2028",
                LogLineWriter.format(LogLevel.WARN, "a\n 1.0.0", "a\u001b[2Jb\rc\tde\u0000\u2028", null));
    }

    @Test
    public void aTraceWhoseMessageHasALineBreakStaysIndented() {
        String line = LogLineWriter.format(LogLevel.ERROR, "b 1.0.0", "failed",
                new IllegalStateException("boom\n" + STAMP + " INFO [c 1.0.0] forged"));
        List<String> lines = line.lines().toList();
        assertEquals("ERROR [b 1.0.0] failed", lines.get(0));
        assertTrue(line, lines.stream().skip(1).allMatch(l -> l.startsWith(LogLineWriter.CONTINUATION)));
        assertEquals("  " + STAMP + " INFO [c 1.0.0] forged", lines.get(2));
    }

    @Test
    public void theConsoleGetsOnlyEntriesAtOrAboveItsLevelAndTheFileGetsAll() throws IOException {
        Path file = temp.getRoot().toPath().resolve("data/plugboard.log");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.WARN, file)) {
            writer.write(TIME, LogLevel.INFO, "a 1.0.0", "started", null);
            writer.write(TIME, LogLevel.WARN, "a 1.0.0", "slow", null);
            writer.write(TIME, LogLevel.ERROR, "a 1.0.0", "broken", null);
            writer.write(TIME, LogLevel.AUDIT, "a 1.0.0", "audited", null);
            writer.write(TIME, LogLevel.DEBUG, "a 1.0.0", "detail", null);
            // Flushed per line: readable before close.
            assertEquals(5, Files.readAllLines(file).size());
        }
        assertEquals(List.of("WARN [a 1.0.0] slow", "ERROR [a 1.0.0] broken", "AUDIT [a 1.0.0] audited"), consoleLines());
        assertEquals(List.of(STAMP + " INFO [a 1.0.0] started", STAMP + " WARN [a 1.0.0] slow",
                STAMP + " ERROR [a 1.0.0] broken", STAMP + " AUDIT [a 1.0.0] audited", STAMP + " DEBUG [a 1.0.0] detail"),
                Files.readAllLines(file));
    }

    @Test
    public void theFileIsAppendedToNotReplaced() throws IOException {
        Path file = temp.getRoot().toPath().resolve("plugboard.log");
        Files.writeString(file, "INFO [old 1.0.0] from last run\n");
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.ERROR, file)) {
            writer.write(TIME, LogLevel.INFO, "new 1.0.0", "this run", null);
        }
        assertEquals(List.of("INFO [old 1.0.0] from last run", STAMP + " INFO [new 1.0.0] this run"), Files.readAllLines(file));
        assertEquals(List.of(), consoleLines());
    }

    @Test
    public void aConsoleOnlyWriterWritesNoFile() throws IOException {
        try (LogLineWriter writer = new LogLineWriter(console, LogLevel.DEBUG)) {
            writer.write(TIME, LogLevel.DEBUG, "a 1.0.0", "detail", null);
            writer.write(TIME, LogLevel.TRACE, "a 1.0.0", "finer", null);
        }
        assertEquals(List.of("DEBUG [a 1.0.0] detail"), consoleLines());
        assertEquals(0, temp.getRoot().list().length);
    }

    @Test
    public void parsesLevelsInAnyCaseAndFallsBackOnNonsense() {
        assertEquals(LogLevel.INFO, LogLineWriter.parseLevel("info", LogLevel.WARN));
        assertEquals(LogLevel.ERROR, LogLineWriter.parseLevel(" Error ", LogLevel.WARN));
        assertEquals(LogLevel.WARN, LogLineWriter.parseLevel("loud", LogLevel.WARN));
        assertEquals(LogLevel.WARN, LogLineWriter.parseLevel(null, LogLevel.WARN));
        assertEquals(null, LogLineWriter.parseLevel("loud", null));
    }
}
