package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.output.JsonText;
import io.jlxd.cli.output.OutputFormat;
import io.jlxd.cli.output.Yaml;

/** Prints one object for "show"-like commands: YAML by default (like lxc), JSON with {@code --format json}. */
final class Documents {
    private Documents() {
    }

    static void print(CliContext ctx, JsonNode node) {
        if (ctx.documentFormat() == OutputFormat.Kind.JSON) {
            ctx.out().println(JsonText.compact(node));
        } else {
            ctx.out().print(Yaml.render(node));
        }
    }
}
