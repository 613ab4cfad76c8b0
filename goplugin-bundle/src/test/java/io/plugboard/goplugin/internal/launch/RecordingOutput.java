package io.plugboard.goplugin.internal.launch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.osgi.service.log.LogLevel;

/** A {@link PluginOutput} that records every line, for tests; lines arrive from the drain threads. */
final class RecordingOutput implements PluginOutput {

    /** One recorded line. */
    record Line(LogLevel level, String message, Map<String, Object> fields) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public void line(LogLevel level, String message, Map<String, Object> fields) {
        lines.add(new Line(level, message, fields));
    }

    /** Every line so far, oldest first. */
    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Waits (bounded) for the first line that matches; fails with all lines seen if none comes. */
    Line await(Predicate<Line> match) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (Line line : lines) {
                if (match.test(line)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no matching line among " + lines);
    }

    /** Waits (bounded) for a line with exactly this message. */
    Line await(String message) throws InterruptedException {
        return await(line -> line.message().equals(message));
    }
}
