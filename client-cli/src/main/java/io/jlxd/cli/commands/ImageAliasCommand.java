package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc image alias ...}: image aliases ({@code /1.0/images/aliases}). */
@Command(name = "alias", description = "Manage image aliases")
public final class ImageAliasCommand implements Runnable {
    static final List<String> HEADER = List.of("ALIAS", "FINGERPRINT", "TYPE", "DESCRIPTION");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ImageAliasCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    static String path(String name) {
        return ImageCommand.ALIASES + "/" + PathEscape.segment(name);
    }

    @Command(name = "create", description = "Create aliases for existing images")
    int create(@Parameters(index = "0", paramLabel = "ALIAS") String name,
               @Parameters(index = "1", paramLabel = "FINGERPRINT") String fingerprint,
               @Option(names = "--description", paramLabel = "TEXT") String description) throws IOException {
        name = ctx.instance(name);
        String fp = new ImageCommand(ctx).resolve(fingerprint);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("target", fp);
        body.put("description", description == null ? "" : description);
        ctx.client().call("POST", ImageCommand.ALIASES, body, null);
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete image aliases")
    int delete(@Parameters(paramLabel = "ALIAS") String name) throws IOException {
        String path = path(ctx.instance(name));
        ctx.client().call("DELETE", path, null, null);
        return 0;
    }

    @Command(name = "rename", aliases = "mv", description = "Rename aliases")
    int rename(@Parameters(index = "0", paramLabel = "ALIAS") String name,
               @Parameters(index = "1", paramLabel = "NEW_NAME") String newName) throws IOException {
        String path = path(ctx.instance(name));
        String to = newName.contains(":") ? ctx.instance(newName) : newName;
        ctx.client().call("POST", path, Map.of("name", to), null);
        return 0;
    }

    @Command(name = "list", aliases = "ls", description = "List image aliases")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        ctx.remoteArgument(remote);
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode a : ctx.client().get(ImageCommand.ALIASES + "?recursion=1").metadata()) {
            rows.add(List.of(a.path("name").asText(), a.path("target").asText().substring(0, 12),
                    a.path("type").asText("container").toUpperCase(java.util.Locale.ROOT), a.path("description").asText("")));
            raw.add(a);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }
}
