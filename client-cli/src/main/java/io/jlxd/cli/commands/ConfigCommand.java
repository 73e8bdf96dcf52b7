package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Paths;
import io.jlxd.api.ServerPut;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc config get|set|unset|show} for the server configuration, like lxc. Changes are sent as
 * {@code PATCH /1.0} with only the changed keys ("" unsets) and the {@code If-Match} ETag read just before, so a
 * concurrent change is refused (412) rather than overwritten. Instance configuration arrives with instances: the
 * argument parsing already tells an instance target apart.
 */
@Command(name = "config", description = "Manage server configuration options")
public final class ConfigCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ConfigCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "get", description = "Get values for server configuration keys")
    int get(@Parameters(paramLabel = "KEY", arity = "1..2", description = "[INSTANCE] KEY") List<String> args)
            throws IOException {
        serverOnly(args.size() == 2 ? args.getFirst() : null);
        JsonNode value = ctx.client().get(Paths.API).metadata().path("config").path(args.getLast());
        ctx.out().println(value.isMissingNode() || value.isNull() ? "" : value.asText());
        return 0;
    }

    @Command(name = "set", description = {"Set server configuration keys",
        "For backward compatibility, a single key may also be set with: jlxc config set KEY VALUE"})
    int set(@Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "KEY=VALUE... or KEY VALUE")
            List<String> args) throws IOException {
        ConfigArgs parsed = ConfigArgs.parse(args, stdin());
        serverOnly(parsed.target());
        patch(parsed.keys());
        return 0;
    }

    @Command(name = "unset", description = "Unset server configuration keys")
    int unset(@Parameters(paramLabel = "KEY", arity = "1..2", description = "[INSTANCE] KEY") List<String> args)
            throws IOException {
        serverOnly(args.size() == 2 ? args.getFirst() : null);
        patch(Map.of(args.getLast(), ""));
        return 0;
    }

    @Command(name = "show", description = "Show the server configuration")
    int show(@Parameters(paramLabel = "INSTANCE", arity = "0..1") String target) throws IOException {
        serverOnly(target);
        JsonNode config = ctx.client().get(Paths.API).metadata().path("config");
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        config.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ObjectNode out = doc.putObject("config");
        sorted.forEach(out::set);
        Documents.print(ctx, doc);
        return 0;
    }

    private void patch(Map<String, String> keys) throws IOException {
        ApiResponse current = ctx.client().get(Paths.API);
        ctx.client().call("PATCH", Paths.API, new ServerPut(keys), current.etag());
    }

    private static void serverOnly(String target) {
        if (target != null) {
            throw new CliException("Instance configuration is not supported yet (instance \"" + target + "\")");
        }
    }

    private Supplier<String> stdin() {
        if (ctx.interactive()) {
            return null;
        }
        return () -> {
            try {
                return new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Can't read from stdin", e);
            }
        };
    }
}
