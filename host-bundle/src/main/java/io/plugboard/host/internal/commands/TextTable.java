package io.plugboard.host.internal.commands;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with left-aligned columns two spaces apart, for terminal output. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    /** Creates a table whose first row is the header. */
    TextTable(String... header) {
        rows.add(header);
    }

    /**
     * Adds a row; it must have as many cells as the header. A cell's control characters are
     * escaped, line feeds and tabs too: a name from a plugin's descriptor cannot break its row
     * or shift a column.
     */
    TextTable row(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException("a row needs " + rows.get(0).length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(TerminalText::value).toArray(String[]::new));
        return this;
    }

    /** Returns the table, one line per row, without trailing spaces. */
    @Override
    public String toString() {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString().stripTrailing();
    }
}
