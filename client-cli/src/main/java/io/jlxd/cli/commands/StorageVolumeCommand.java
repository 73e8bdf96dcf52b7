package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc storage volume ...}: volumes of a pool ({@code /1.0/storage-pools/POOL/volumes}); VOLUME is a custom
 * volume's name, or TYPE/NAME for show and list.
 */
@Command(name = "volume", description = "Manage storage volumes")
public final class StorageVolumeCommand implements Runnable {
    static final List<String> HEADER = List.of("TYPE", "NAME", "DESCRIPTION", "CONTENT-TYPE", "USED BY");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public StorageVolumeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    /** {@code NAME} (custom) or {@code TYPE/NAME}. */
    static String volumePath(String pool, String volume) {
        String type = "custom";
        String name = volume;
        int slash = volume.indexOf('/');
        if (slash > 0) {
            type = volume.substring(0, slash);
            name = volume.substring(slash + 1);
        }
        if (name.isEmpty()) {
            throw new CliException("Storage volume name is required");
        }
        return StorageCommand.poolPath(pool) + "/volumes/" + PathEscape.segment(type) + "/" + PathEscape.segment(name);
    }

    @Command(name = "list", aliases = "ls", description = "List storage volumes")
    int list(@Parameters(paramLabel = "POOL") String rawPool) throws IOException {
        String pool = ctx.instance(rawPool);
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode v : ctx.client().get(StorageCommand.poolPath(pool) + "/volumes?recursion=1").metadata()) {
            rows.add(List.of(v.path("type").asText(), v.path("name").asText(), v.path("description").asText(""),
                    v.path("content_type").asText(""), Integer.toString(v.path("used_by").size())));
            raw.add(v);
        }
        ctx.out().print(ListOutput.render(ctx.listFormat(), HEADER, rows, raw));
        return 0;
    }

    @Command(name = "show", description = "Show storage volume configurations")
    int show(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume)
            throws IOException {
        String pool = ctx.instance(rawPool);
        Documents.print(ctx, ctx.client().get(volumePath(pool, volume)).metadata());
        return 0;
    }

    @Command(name = "create", description = {"Create custom storage volumes", "jlxc storage volume create POOL VOLUME [key=value...]"})
    int create(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> config) throws IOException {
        String pool = ctx.instance(rawPool);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", volume);
        ObjectNode c = body.putObject("config");
        if (config != null) {
            ConfigArgs.keyValues(config, null).forEach(c::put);
        }
        Progress.finish(ctx, ctx.client().call("POST", StorageCommand.poolPath(pool) + "/volumes/custom", body, null), null);
        if (!ctx.quiet()) {
            ctx.out().println("Storage volume " + volume + " created");
        }
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete custom storage volumes (POOL VOLUME, or POOL VOLUME/SNAPSHOT)")
    int delete(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume)
            throws IOException {
        String pool = ctx.instance(rawPool);
        String[] parts = volume.split("/", 2);
        String path = parts.length == 2 ? volumePath(pool, parts[0]) + "/snapshots/" + PathEscape.segment(parts[1]) : volumePath(pool, volume);
        Progress.finish(ctx, ctx.client().call("DELETE", path, null, null), null); // a snapshot's deletion is async (LXD)
        if (!ctx.quiet()) {
            ctx.out().println("Storage volume " + volume + " deleted");
        }
        return 0;
    }

    @Command(name = "rename", aliases = "mv", description = "Rename custom storage volumes")
    int rename(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "NEW-NAME") String to) throws IOException {
        String pool = ctx.instance(rawPool);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", to);
        Progress.finish(ctx, ctx.client().call("POST", volumePath(pool, volume), body, null), null);
        if (!ctx.quiet()) {
            ctx.out().println("Renamed storage volume from \"" + volume + "\" to \"" + to + "\"");
        }
        return 0;
    }

    @Command(name = "get", description = "Get values for storage volume configuration keys")
    int get(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "KEY") String key) throws IOException {
        String pool = ctx.instance(rawPool);
        JsonNode v = ctx.client().get(volumePath(pool, volume)).metadata().path("config").path(key);
        ctx.out().println(v.isMissingNode() || v.isNull() ? "" : v.asText());
        return 0;
    }

    @Command(name = "set", description = "Set storage volume configuration keys (KEY=VALUE... or KEY VALUE)")
    int set(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2..*", paramLabel = "KEY=VALUE", arity = "1..*") List<String> args) throws IOException {
        String pool = ctx.instance(rawPool);
        var keys = ConfigArgs.keyValues(args, null);
        StorageCommand.update(ctx, volumePath(pool, volume), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            keys.forEach(c::put);
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "unset", description = "Unset storage volume configuration keys")
    int unset(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "KEY") String key) throws IOException {
        String pool = ctx.instance(rawPool);
        StorageCommand.update(ctx, volumePath(pool, volume), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            if (c.remove(key) == null) {
                throw new CliException("Key \"" + key + "\" is not set on storage volume \"" + volume + "\"");
            }
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "attach", description = {"Attach custom storage volumes to instances",
        "jlxc storage volume attach POOL VOLUME INSTANCE [DEVICE] PATH"})
    int attach(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "INSTANCE") String instance,
            @Parameters(index = "3..*", paramLabel = "[DEVICE] PATH", arity = "1..2") List<String> rest,
            @Option(names = "--readonly", description = "Attach read-only") boolean readonly) throws IOException {
        String pool = ctx.instance(rawPool);
        String device = rest.size() == 2 ? rest.get(0) : volume;
        String path = rest.getLast();
        Instances.updateInstance(ctx, instance, put -> {
            ObjectNode devices = Instances.objectOrEmpty(put.get("devices"));
            if (devices.has(device)) {
                throw new CliException("The device already exists");
            }
            ObjectNode d = devices.putObject(device);
            d.put("type", "disk");
            d.put("pool", pool);
            d.put("source", volume);
            d.put("path", path);
            if (readonly) {
                d.put("readonly", "true");
            }
            put.set("devices", devices);
        });
        return 0;
    }

    @Command(name = "detach", description = {"Detach custom storage volumes from instances",
        "jlxc storage volume detach POOL VOLUME INSTANCE [DEVICE]"})
    int detach(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "INSTANCE") String instance,
            @Parameters(index = "3", paramLabel = "DEVICE", arity = "0..1") String device) throws IOException {
        String pool = ctx.instance(rawPool);
        Instances.updateInstance(ctx, instance, put -> {
            ObjectNode devices = Instances.objectOrEmpty(put.get("devices"));
            List<String> names = new ArrayList<>();
            devices.properties().forEach(e -> {
                JsonNode d = e.getValue();
                if ((device == null || device.equals(e.getKey())) && "disk".equals(d.path("type").asText())
                        && pool.equals(d.path("pool").asText()) && volume.equals(d.path("source").asText())) {
                    names.add(e.getKey());
                }
            });
            if (names.isEmpty()) {
                throw new CliException("No storage volume with the given name is attached to the instance");
            }
            names.forEach(devices::remove);
            put.set("devices", devices);
        });
        return 0;
    }

    @Command(name = "snapshot", description = {"Snapshot custom storage volumes", "jlxc storage volume snapshot POOL VOLUME [SNAPSHOT]"})
    int snapshot(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "SNAPSHOT", arity = "0..1") String snap) throws IOException {
        String pool = ctx.instance(rawPool);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (snap != null) {
            body.put("name", snap);
        }
        Progress.finish(ctx, ctx.client().call("POST", volumePath(pool, volume) + "/snapshots", body, null), null);
        return 0;
    }

    @Command(name = "restore", description = "Restore custom storage volumes from snapshots")
    int restore(@Parameters(index = "0", paramLabel = "POOL") String rawPool, @Parameters(index = "1", paramLabel = "VOLUME") String volume,
            @Parameters(index = "2", paramLabel = "SNAPSHOT") String snap) throws IOException {
        String pool = ctx.instance(rawPool);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("restore", snap);
        Progress.finish(ctx, ctx.client().call("PUT", volumePath(pool, volume), body, null), null);
        return 0;
    }

    @Command(name = "copy", aliases = "cp", description = {"Copy custom storage volumes",
        "jlxc storage volume copy POOL/VOLUME[/SNAPSHOT] POOL/VOLUME"})
    int copy(@Parameters(index = "0", paramLabel = "SOURCE") String rawSource, @Parameters(index = "1", paramLabel = "TARGET") String target)
            throws IOException {
        String source = ctx.instance(rawSource);
        String[] src = source.split("/", 2);
        String[] dst = (target.contains(":") ? ctx.instance(target) : target).split("/", 2);
        if (src.length != 2 || dst.length != 2 || dst[1].contains("/")) {
            throw new CliException("Use POOL/VOLUME[/SNAPSHOT] POOL/VOLUME");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", dst[1]);
        ObjectNode s = body.putObject("source");
        s.put("type", "copy");
        s.put("pool", src[0]);
        s.put("name", src[1]);
        Progress.finish(ctx, ctx.client().call("POST", StorageCommand.poolPath(dst[0]) + "/volumes/custom", body, null), null);
        if (!ctx.quiet()) {
            ctx.out().println("Storage volume copied successfully!");
        }
        return 0;
    }
}
