package io.jlxd.cli.output;

import java.util.List;

/**
 * CSV records with RFC 4180 quoting: a field is quoted when it holds a comma, a double quote, CR or LF (or starts
 * with a space, as Go's encoding/csv does), and quotes inside are doubled. Records end with LF, like lxc.
 */
public final class Csv {
    private Csv() {
    }

    public static String render(List<String> header, List<List<String>> rows, boolean showHeader) {
        StringBuilder sb = new StringBuilder();
        if (showHeader) {
            record(sb, header);
        }
        for (List<String> row : rows) {
            record(sb, row);
        }
        return sb.toString();
    }

    static void record(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            field(sb, fields.get(i) == null ? "" : fields.get(i));
        }
        sb.append('\n');
    }

    static void field(StringBuilder sb, String value) {
        if (!needsQuotes(value)) {
            sb.append(value);
            return;
        }
        sb.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (Character.isWhitespace(value.charAt(0))) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }
}
