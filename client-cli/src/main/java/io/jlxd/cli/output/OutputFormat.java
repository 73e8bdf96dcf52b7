package io.jlxd.cli.output;

import io.jlxd.cli.CliException;
import java.util.Locale;

/**
 * A list format as given to {@code --format}: {@code table}, {@code csv}, {@code json} or {@code yaml}, with
 * lxc's optional {@code ,header} / {@code ,noheader} suffix for table and csv (tables show the header by default,
 * csv does not, like lxc).
 */
public record OutputFormat(Kind kind, boolean header) {

    /** The kinds of output. */
    public enum Kind { TABLE, CSV, JSON, YAML }

    public static final OutputFormat TABLE = new OutputFormat(Kind.TABLE, true);

    public static OutputFormat parse(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split(",", -1);
        Kind kind = switch (parts[0]) {
            case "table" -> Kind.TABLE;
            case "csv" -> Kind.CSV;
            case "json" -> Kind.JSON;
            case "yaml" -> Kind.YAML;
            default -> throw new CliException("Invalid format \"" + text + "\" (table, csv, json or yaml)");
        };
        boolean header = kind == Kind.TABLE;
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i]) {
                case "header" -> header = true;
                case "noheader" -> header = false;
                default -> throw new CliException(
                        "Invalid format \"" + text + "\": unknown option \"" + parts[i] + "\"");
            }
        }
        if (parts.length > 1 && (kind == Kind.JSON || kind == Kind.YAML)) {
            throw new CliException("Invalid format \"" + text + "\": header options only apply to table and csv");
        }
        return new OutputFormat(kind, header);
    }
}
