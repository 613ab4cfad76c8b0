package io.plugboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A table with one column per watcher and, beside each anchor, how many times its figure is
 * Plugboard's (×10 = Plugboard is ten times faster or smaller).
 */
final class WatcherTable {

    private final Report.Section section;
    private final List<Watcher> watchers;

    WatcherTable(Report report, String title, List<Watcher> watchers) {
        this.watchers = watchers;
        List<String> header = new ArrayList<>();
        header.add("measure");
        for (Watcher watcher : watchers) {
            header.add(watcher.label);
            if (watcher != Watcher.PLUGBOARD && watchers.contains(Watcher.PLUGBOARD)) {
                header.add("÷ Plugboard");
            }
        }
        header.add("target");
        this.section = report.section(title, header.toArray(String[]::new));
    }

    /** A row of figures; a watcher without a figure shows "-"; {@code ratio} adds the ratio columns. */
    void row(String measure, String target, Map<Watcher, Long> values, LongFunction<String> format, boolean ratio) {
        List<String> cells = new ArrayList<>();
        cells.add(measure);
        Long own = values.get(Watcher.PLUGBOARD);
        for (Watcher watcher : watchers) {
            Long value = values.get(watcher);
            cells.add(value == null ? "-" : format.apply(value));
            if (watcher != Watcher.PLUGBOARD && watchers.contains(Watcher.PLUGBOARD)) {
                cells.add(!ratio || value == null || own == null ? "-" : Report.ratio(value, own));
            }
        }
        cells.add(target);
        section.row(cells.toArray(String[]::new));
    }

    /** A line under the table. */
    void note(String text) {
        section.note(text);
    }
}
