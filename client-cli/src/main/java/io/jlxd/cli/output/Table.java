package io.jlxd.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * lxc's boxed ASCII table: {@code +---+} borders, a line between rows, headers centred and cells left-aligned,
 * cells with newlines spread over several lines.
 */
public final class Table {
    private Table() {
    }

    public static String render(List<String> header, List<List<String>> rows, boolean showHeader) {
        int columns = header.size();
        int[] widths = new int[columns];
        if (showHeader) {
            for (int c = 0; c < columns; c++) {
                widths[c] = width(header.get(c));
            }
        }
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                for (String line : lines(cell(row, c))) {
                    widths[c] = Math.max(widths[c], width(line));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        String border = border(widths);
        sb.append(border);
        if (showHeader) {
            sb.append('|');
            for (int c = 0; c < columns; c++) {
                String h = header.get(c);
                int gap = widths[c] - width(h);
                int left = gap / 2;
                sb.append(' ').append(" ".repeat(left)).append(h).append(" ".repeat(gap - left)).append(" |");
            }
            sb.append('\n').append(border);
        }
        for (List<String> row : rows) {
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (int c = 0; c < columns; c++) {
                List<String> l = lines(cell(row, c));
                cells.add(l);
                height = Math.max(height, l.size());
            }
            for (int line = 0; line < height; line++) {
                sb.append('|');
                for (int c = 0; c < columns; c++) {
                    List<String> l = cells.get(c);
                    String text = line < l.size() ? l.get(line) : "";
                    sb.append(' ').append(text).append(" ".repeat(widths[c] - width(text))).append(" |");
                }
                sb.append('\n');
            }
            sb.append(border);
        }
        return sb.toString();
    }

    private static String border(int[] widths) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : widths) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.append('\n').toString();
    }

    private static String cell(List<String> row, int c) {
        return c < row.size() && row.get(c) != null ? row.get(c) : "";
    }

    private static List<String> lines(String cell) {
        return List.of(cell.split("\r?\n", -1));
    }

    /** Display width in code points (tabs and control characters are not expected in cells). */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
