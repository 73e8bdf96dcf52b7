package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc storage ...}: storage pools ({@code /1.0/storage-pools}); volumes are {@link StorageVolumeCommand}. */
@Command(name = "storage", description = "Manage storage pools and volumes", addMethodSubcommands = false)
public final class StorageCommand implements Runnable {
    static final String POOLS = io.jlxd.api.Paths.API + "/storage-pools";
    static final List<String> HEADER = List.of("NAME", "DRIVER", "SOURCE", "DESCRIPTION", "USED BY", "STATE");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public StorageCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new StorageCommand(ctx), ctx.subcommand(), () -> List.of(new StorageVolumeCommand(ctx)));
    }

    static String poolPath(String pool) {
        if (pool == null || pool.isEmpty()) {
            throw new CliException("Storage pool name is required");
        }
        return POOLS + "/" + PathEscape.segment(pool);
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List storage pools")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        ctx.remoteArgument(remote);
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode p : ctx.client().get(POOLS + "?recursion=1").metadata()) {
            String source = p.path("config").path("source").asText("");
            if (source.isEmpty() && p.path("driver").asText().equals("btrfs")) {
                source = "loop (" + p.path("config").path("size").asText("") + ")";
            }
            rows.add(List.of(p.path("name").asText(), p.path("driver").asText(), source, p.path("description").asText(""),
                    Integer.toString(p.path("used_by").size()), p.path("status").asText("").toUpperCase(java.util.Locale.ROOT)));
            raw.add(p);
        }
        ctx.out().print(ListOutput.render(ctx.listFormat(), HEADER, rows, raw));
        return 0;
    }

    @Command(name = "show", description = "Show storage pool configurations")
    int show(@Parameters(paramLabel = "POOL") String rawPool) throws IOException {
        String pool = ctx.instance(rawPool);
        Documents.print(ctx, ctx.client().get(poolPath(pool)).metadata());
        return 0;
    }

    @Command(name = "info", description = "Show storage pool space and users")
    int info(@Parameters(paramLabel = "POOL") String rawPool) throws IOException {
        String pool = ctx.instance(rawPool);
        JsonNode p = ctx.client().get(poolPath(pool)).metadata();
        JsonNode space = ctx.client().get(poolPath(pool) + "/resources").metadata().path("space");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode info = out.putObject("info");
        info.put("name", p.path("name").asText());
        info.put("driver", p.path("driver").asText());
        info.put("description", p.path("description").asText(""));
        info.put("space used", Bytes.iec(space.path("used").asLong()));
        info.put("total space", Bytes.iec(space.path("total").asLong()));
        out.set("used by", p.path("used_by"));
        Documents.print(ctx, out);
        return 0;
    }

    @Command(name = "create", description = {"Create storage pools", "jlxc storage create POOL DRIVER [key=value...]"})
    int create(@Parameters(index = "0", paramLabel = "POOL") String rawPool,
            @Parameters(index = "1", paramLabel = "DRIVER") String driver,
            @Parameters(index = "2..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> config) throws IOException {
        String pool = ctx.instance(rawPool);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", pool);
        body.put("driver", driver);
        ObjectNode c = body.putObject("config");
        if (config != null) {
            ConfigArgs.keyValues(config, null).forEach(c::put);
        }
        ctx.client().call("POST", POOLS, body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Storage pool " + pool + " created");
        }
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete storage pools")
    int delete(@Parameters(paramLabel = "POOL") String rawPool) throws IOException {
        String pool = ctx.instance(rawPool);
        ctx.client().call("DELETE", poolPath(pool), null, null);
        if (!ctx.quiet()) {
            ctx.out().println("Storage pool " + pool + " deleted");
        }
        return 0;
    }

    @Command(name = "get", description = "Get values for storage pool configuration keys")
    int get(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "KEY") String key)
            throws IOException {
        String pool = ctx.instance(rawPool);
        JsonNode v = ctx.client().get(poolPath(pool)).metadata().path("config").path(key);
        ctx.out().println(v.isMissingNode() || v.isNull() ? "" : v.asText());
        return 0;
    }

    @Command(name = "set", description = "Set storage pool configuration keys (KEY=VALUE... or KEY VALUE)")
    int set(@Parameters(index = "0", paramLabel = "POOL") String rawPool,
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*") List<String> args) throws IOException {
        String pool = ctx.instance(rawPool);
        var keys = ConfigArgs.keyValues(args, null);
        update(ctx, poolPath(pool), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            keys.forEach(c::put);
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "unset", description = "Unset storage pool configuration keys")
    int unset(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "KEY") String key)
            throws IOException {
        String pool = ctx.instance(rawPool);
        update(ctx, poolPath(pool), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            if (c.remove(key) == null) {
                throw new CliException("Key \"" + key + "\" is not set on storage pool \"" + pool + "\"");
            }
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "edit", description = {"Edit storage pool configurations as YAML", "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "POOL") String rawPool) throws IOException {
        String pool = ctx.instance(rawPool);
        String path = poolPath(pool);
        ApiResponse current = ctx.client().get(path);
        Editor.edit(ctx, ConfigCommand.EDIT_HEADER, writable(current.metadata()),
                edited -> ctx.client().call("PUT", path, writable(Instances.stringMaps(edited)), current.etag()));
        return 0;
    }

    /** description and config: what PUT takes on pools and volumes. */
    static ObjectNode writable(JsonNode n) {
        ObjectNode put = JsonNodeFactory.instance.objectNode();
        put.put("description", n.path("description").asText(""));
        put.set("config", Instances.objectOrEmpty(n.get("config")).deepCopy());
        return put;
    }

    /** Reads a pool or volume, lets {@code change} edit description/config, and PUTs it with the ETag read. */
    static void update(CliContext ctx, String path, Consumer<ObjectNode> change) throws IOException {
        ApiResponse current = ctx.client().get(path);
        ObjectNode put = writable(current.metadata());
        change.accept(put);
        Progress.finish(ctx, ctx.client().call("PUT", path, put, current.etag()), null);
    }
}
