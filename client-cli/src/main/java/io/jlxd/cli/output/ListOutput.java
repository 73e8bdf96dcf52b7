package io.jlxd.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Prints a list the way lxc's list commands do: table and csv show the rows, json and yaml show the raw objects
 * ({@code raw}) as returned by the server.
 */
public final class ListOutput {
    private ListOutput() {
    }

    public static String render(OutputFormat format, List<String> header, List<List<String>> rows, JsonNode raw) {
        return switch (format.kind()) {
            case TABLE -> Table.render(header, rows, format.header());
            case CSV -> Csv.render(header, rows, format.header());
            case JSON -> JsonText.compact(raw) + "\n";
            case YAML -> Yaml.render(raw);
        };
    }
}
