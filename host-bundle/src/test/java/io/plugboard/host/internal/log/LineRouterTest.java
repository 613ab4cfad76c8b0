package io.plugboard.host.internal.log;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

public class LineRouterTest {

    private final List<String> lines = new ArrayList<>();
    private final LineRouter<String> router = new LineRouter<>(StandardCharsets.UTF_8,
            (source, line) -> lines.add(source + ": " + line));

    private void write(long thread, String source, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        router.write(thread, source, bytes, 0, bytes.length);
    }

    @Test
    public void aLineWrittenInPartsIsOneLine() {
        write(1, "a", "hello ");
        write(1, "a", "world");
        assertEquals(List.of(), lines);

        write(1, "a", "\n");

        assertEquals(List.of("a: hello world"), lines);
    }

    @Test
    public void oneWriteOfSeveralLinesGivesEachAndKeepsTheRest() {
        write(1, "a", "one\r\ntwo\n\nthree");

        assertEquals(List.of("a: one", "a: two", "a: "), lines);
        router.flushAll();
        assertEquals(List.of("a: one", "a: two", "a: ", "a: three"), lines);
    }

    @Test
    public void threadsWritingAtOnceDoNotMixTheirLines() {
        write(1, "a", "from one, ");
        write(2, "b", "from two, ");
        write(1, "a", "still one\n");
        write(2, "b", "still two\n");

        assertEquals(List.of("a: from one, still one", "b: from two, still two"), lines);
    }

    @Test
    public void anUnfinishedLineIsHandedOnWhenItsThreadWritesForAnotherSource() {
        write(1, "a", "prompt> ");
        write(1, "b", "b's line\n");

        assertEquals(List.of("a: prompt> ", "b: b's line"), lines);
    }

    @Test
    public void aCharacterSplitAcrossWritesStaysWhole() {
        byte[] bytes = "你好\n".getBytes(StandardCharsets.UTF_8);
        router.write(1, "a", bytes, 0, 2);
        router.write(1, "a", bytes, 2, bytes.length - 2);

        assertEquals(List.of("a: 你好"), lines);
    }

    @Test
    public void aLineWithoutEndIsHandedOnInPiecesOfTheLimit() {
        write(1, "a", "x".repeat(LineRouter.MAX_LINE - 1));
        write(1, "a", "yy");

        assertEquals(List.of("a: " + "x".repeat(LineRouter.MAX_LINE - 1) + "y"), lines);
        router.flushAll();
        assertEquals("a: y", lines.get(1));
    }

    @Test
    public void flushAllHandsOnEveryThreadsUnfinishedLineOnce() {
        write(1, "a", "a's");
        write(2, "b", "b's");

        router.flushAll();
        router.flushAll();

        assertEquals(List.of("a: a's", "b: b's"), lines.stream().sorted().toList());
    }
}
