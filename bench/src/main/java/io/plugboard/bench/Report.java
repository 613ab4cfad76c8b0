package io.plugboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The printed result: one table per scenario, columns padded to their widest cell. */
final class Report {

    private final List<Section> sections = new ArrayList<>();

    /** One table. */
    static final class Section {
        private final String title;
        private final List<String[]> rows = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Section(String title, String[] header) {
            this.title = title;
            rows.add(header);
        }

        /** Adds a row; cells beyond the header's are dropped, missing ones are blank. */
        Section row(String... cells) {
            rows.add(cells);
            return this;
        }

        /** Adds a line printed under the table. */
        Section note(String text) {
            notes.add(text);
            return this;
        }

        String render() {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] row : rows) {
                for (int c = 0; c < columns && c < row.length; c++) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            StringBuilder out = new StringBuilder("## ").append(title).append('\n');
            for (int r = 0; r < rows.size(); r++) {
                line(out, rows.get(r), width);
                if (r == 0) {
                    String[] rule = new String[columns];
                    for (int c = 0; c < columns; c++) {
                        rule[c] = "-".repeat(width[c]);
                    }
                    line(out, rule, width);
                }
            }
            for (String note : notes) {
                out.append("  ").append(note).append('\n');
            }
            return out.toString();
        }

        private static void line(StringBuilder out, String[] cells, int[] width) {
            out.append('|');
            for (int c = 0; c < width.length; c++) {
                String cell = c < cells.length && cells[c] != null ? cells[c] : "";
                out.append(' ').append(cell).append(" ".repeat(width[c] - cell.length())).append(" |");
            }
            out.append('\n');
        }
    }

    /** Starts a new table. */
    synchronized Section section(String title, String... header) {
        Section section = new Section(title, header);
        sections.add(section);
        return section;
    }

    /** All tables, in the order they were started. */
    synchronized String render() {
        StringBuilder out = new StringBuilder();
        for (Section section : sections) {
            out.append(section.render()).append('\n');
        }
        return out.toString();
    }

    /** Milliseconds with one decimal from nanoseconds, e.g. {@code 12.3 ms}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** Microseconds with one decimal from nanoseconds. */
    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }

    /** Kibibytes with one decimal from bytes (may be negative). */
    static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
    }

    /** Mebibytes with one decimal from bytes (may be negative). */
    static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
    }

    /** How many times the anchor's figure is the measured one's, e.g. {@code ×12.5}; "-" when undefined. */
    static String ratio(double anchor, double measured) {
        if (measured <= 0 || anchor <= 0 || Double.isNaN(anchor) || Double.isNaN(measured)) {
            return "-";
        }
        return String.format(Locale.ROOT, "×%.1f", anchor / measured);
    }
}
