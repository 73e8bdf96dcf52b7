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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc config get|set|unset|show} for the server configuration, like lxc. Changes are sent as
 * {@code PATCH /1.0} with only the changed keys ("" unsets) and the {@code If-Match} ETag read just before, so a
 * concurrent change is refused (412) rather than overwritten. With an instance name first (lxc's rule: a first
 * argument that is not a key), the instance's local configuration is read and PUT back with its ETag.
 */
@Command(name = "config", description = "Manage instance and server configuration options", addMethodSubcommands = false)
public final class ConfigCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ConfigCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** The command with its {@code device} subcommands. */
    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new ConfigCommand(ctx), ctx.subcommand(),
                () -> List.of(new ConfigDeviceCommand(ctx), new ConfigTrustCommand(ctx)));
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "get", description = "Get values for instance or server configuration keys")
    int get(@Parameters(paramLabel = "KEY", arity = "1..2", description = "[INSTANCE] KEY") List<String> args,
            @Option(names = {"-e", "--expanded"}, description = "Include the keys from profiles") boolean expanded)
            throws IOException {
        JsonNode config;
        if (args.size() == 2 && !ctx.remoteOnly(args.getFirst())) {
            String path = Instances.path(ctx.instance(args.getFirst()));
            JsonNode inst = ctx.client().get(path).metadata();
            config = inst.path(expanded ? "expanded_config" : "config");
        } else {
            config = ctx.client().get(Paths.API).metadata().path("config");
        }
        JsonNode value = config.path(args.getLast());
        ctx.out().println(value.isMissingNode() || value.isNull() ? "" : value.asText());
        return 0;
    }

    @Command(name = "set", description = {"Set instance or server configuration keys",
        "For backward compatibility, a single key may also be set with: jlxc config set [INSTANCE] KEY VALUE"})
    int set(@Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "[INSTANCE] KEY=VALUE... or KEY VALUE")
            List<String> args) throws IOException {
        if (args.size() > 1 && ctx.remoteOnly(args.getFirst())) {
            patch(ConfigArgs.keyValues(args.subList(1, args.size()), stdin()));
            return 0;
        }
        ConfigArgs parsed = ConfigArgs.parse(args, stdin());
        if (parsed.target() != null) {
            Instances.updateInstance(ctx, ctx.instance(parsed.target()), put -> {
                ObjectNode config = Instances.objectOrEmpty(put.get("config"));
                parsed.keys().forEach(config::put);
                put.set("config", config);
            });
            return 0;
        }
        patch(parsed.keys());
        return 0;
    }

    @Command(name = "unset", description = "Unset instance or server configuration keys")
    int unset(@Parameters(paramLabel = "KEY", arity = "1..2", description = "[INSTANCE] KEY") List<String> args)
            throws IOException {
        if (args.size() == 2 && !ctx.remoteOnly(args.getFirst())) {
            String key = args.getLast();
            String instance = ctx.instance(args.getFirst());
            Instances.updateInstance(ctx, instance, put -> {
                ObjectNode config = Instances.objectOrEmpty(put.get("config"));
                if (!config.has(key)) {
                    throw new CliException("Key \"" + key + "\" is not set on instance \"" + instance + "\"");
                }
                config.remove(key);
                put.set("config", config);
            });
            return 0;
        }
        patch(Map.of(args.getLast(), ""));
        return 0;
    }

    @Command(name = "show", description = "Show instance or server configuration")
    int show(@Parameters(paramLabel = "INSTANCE", arity = "0..1") String target,
            @Option(names = {"-e", "--expanded"}, description = "Show the expanded configuration") boolean expanded)
            throws IOException {
        if (target != null && ctx.remoteOnly(target)) {
            target = null;
        }
        if (target != null) {
            String path = Instances.path(ctx.instance(target));
            JsonNode inst = ctx.client().get(path).metadata();
            ObjectNode doc = Instances.instanceWritable(inst);
            if (expanded) {
                doc.set("config", Instances.objectOrEmpty(inst.get("expanded_config")));
                doc.set("devices", Instances.objectOrEmpty(inst.get("expanded_devices")));
            }
            doc.set("config", sorted(doc.get("config")));
            Documents.print(ctx, doc);
            return 0;
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("config", sorted(ctx.client().get(Paths.API).metadata().path("config")));
        Documents.print(ctx, doc);
        return 0;
    }

    @Command(name = "edit", description = {"Edit instance or server configurations as YAML",
        "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "INSTANCE", arity = "0..1") String target) throws IOException {
        if (target != null && ctx.remoteOnly(target)) {
            target = null;
        }
        if (target != null) {
            String path = Instances.path(ctx.instance(target));
            ApiResponse current = ctx.client().get(path);
            Editor.edit(ctx, EDIT_HEADER, Instances.instanceWritable(current.metadata()), edited ->
                    Progress.finish(ctx, ctx.client().call("PUT", path, Instances.stringMaps(edited),
                            current.etag()), null));
            return 0;
        }
        ApiResponse current = ctx.client().get(Paths.API);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("config", sorted(current.metadata().path("config")));
        Editor.edit(ctx, "", doc, edited ->
                ctx.client().call("PUT", Paths.API, Instances.stringMaps(edited), current.etag()));
        return 0;
    }

    static final String EDIT_HEADER = """
            ### This is a YAML representation of the configuration.
            ### Any line starting with a '#' will be ignored.

            """;

    private static ObjectNode sorted(JsonNode config) {
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        config.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        sorted.forEach(out::set);
        return out;
    }

    private void patch(Map<String, String> keys) throws IOException {
        ApiResponse current = ctx.client().get(Paths.API);
        ctx.client().call("PATCH", Paths.API, new ServerPut(keys), current.etag());
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
