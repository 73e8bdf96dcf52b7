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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc project ...}: LXD's projects ({@code /1.0/projects}) with lxc's output and messages; {@code switch}
 * makes a project the remote's current one (the {@code project} of the remote in config.yml).
 */
@Command(name = "project", description = "Manage projects")
public final class ProjectCommand implements Runnable {
    static final String PROJECTS = "/1.0/projects";
    static final List<String> HEADER = List.of("NAME", "IMAGES", "PROFILES", "STORAGE VOLUMES", "NETWORKS", "DESCRIPTION", "USED BY");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ProjectCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    static String path(String name) {
        if (name == null || name.isEmpty()) {
            throw new CliException("Missing project name");
        }
        return PROJECTS + "/" + PathEscape.segment(name);
    }

    @Command(name = "list", aliases = "ls", description = "List projects")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        ctx.remoteArgument(remote);
        String current = ctx.project();
        List<JsonNode> projects = new ArrayList<>();
        ctx.client().get(PROJECTS + "?recursion=1").metadata().forEach(projects::add);
        projects.sort(Comparator.comparing(p -> p.path("name").asText("")));
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode p : projects) {
            String name = p.path("name").asText("");
            JsonNode c = p.path("config");
            rows.add(List.of(name.equals(current) ? name + " (current)" : name, yesNo(c, "features.images"),
                    yesNo(c, "features.profiles"), yesNo(c, "features.storage.volumes"), yesNo(c, "features.networks"),
                    p.path("description").asText(""), Integer.toString(p.path("used_by").size())));
            raw.add(p);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    private static String yesNo(JsonNode config, String key) {
        return config.path(key).asText("false").equals("true") ? "YES" : "NO";
    }

    @Command(name = "show", description = "Show project options")
    int show(@Parameters(paramLabel = "PROJECT") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        Documents.print(ctx, ctx.client().get(path(name)).metadata());
        return 0;
    }

    @Command(name = "create", description = {"Create projects",
        "Without a terminal, a YAML project (config, description) is read from stdin if given."})
    int create(@Parameters(paramLabel = "PROJECT") String rawName,
               @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Config key/value to apply to the new project")
               List<String> config) throws IOException {
        String name = ctx.instance(rawName);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name);
        if (!ctx.interactive()) {
            String text = new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                body.setAll(writable(Instances.stringMaps(Editor.parse(text))));
            }
        }
        if (config != null && !config.isEmpty()) {
            ObjectNode c = Instances.objectOrEmpty(body.get("config"));
            for (String kv : config) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("Bad key=value pair: " + kv);
                }
                c.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            body.set("config", c);
        }
        ctx.client().call("POST", PROJECTS, body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Project " + name + " created");
        }
        return 0;
    }

    /** The writable fields of a project document: description and config. */
    static ObjectNode writable(JsonNode project) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (project.has("description")) {
            out.set("description", project.get("description"));
        }
        out.set("config", Instances.objectOrEmpty(project.get("config")));
        return out;
    }

    @Command(name = "edit", description = {"Edit project configurations as YAML", "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "PROJECT") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        ApiResponse current = ctx.client().get(path(name));
        Editor.edit(ctx, ConfigCommand.EDIT_HEADER, writable(current.metadata()),
                edited -> ctx.client().call("PUT", path(name), writable(Instances.stringMaps(edited)), current.etag()));
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete projects")
    int delete(@Parameters(paramLabel = "PROJECT", arity = "1..*") List<String> names) throws IOException {
        for (String raw : names) {
            String name = ctx.instance(raw);
            ctx.client().call("DELETE", path(name), null, null);
            if (!ctx.quiet()) {
                ctx.out().println("Project " + name + " deleted");
            }
            if (name.equals(ctx.remotes().project(ctx.remote()))) { // lxc: deleting the current project switches to default
                ctx.remotes().setProject(ctx.remote(), "default");
                ctx.remotes().save();
            }
        }
        return 0;
    }

    @Command(name = "rename", aliases = "mv", description = "Rename projects")
    int rename(@Parameters(index = "0", paramLabel = "PROJECT") String rawFrom,
               @Parameters(index = "1", paramLabel = "NEW-NAME") String to) throws IOException {
        String from = ctx.instance(rawFrom);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", to);
        ApiResponse r = ctx.client().call("POST", path(from), body, null);
        if (r.operation() != null && !r.operation().isEmpty()) {
            ctx.client().waitSuccess(r.operation());
        }
        if (from.equals(ctx.remotes().project(ctx.remote()))) {
            ctx.remotes().setProject(ctx.remote(), to);
            ctx.remotes().save();
        }
        if (!ctx.quiet()) {
            ctx.out().println("Project " + from + " renamed to " + to);
        }
        return 0;
    }

    @Command(name = "get", description = "Get values for project configuration keys")
    int get(@Parameters(index = "0", paramLabel = "PROJECT") String rawName,
            @Parameters(index = "1", paramLabel = "KEY") String key) throws IOException {
        String name = ctx.instance(rawName);
        JsonNode value = ctx.client().get(path(name)).metadata().path("config").path(key);
        ctx.out().println(value.isMissingNode() || value.isNull() ? "" : value.asText());
        return 0;
    }

    @Command(name = "set", description = "Set project configuration keys (KEY=VALUE... or KEY VALUE)")
    int set(@Parameters(index = "0", paramLabel = "PROJECT") String rawName,
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*") List<String> args) throws IOException {
        String name = ctx.instance(rawName);
        Map<String, String> keys = ConfigArgs.keyValues(args, null);
        update(name, config -> keys.forEach(config::put));
        return 0;
    }

    @Command(name = "unset", description = "Unset project configuration keys")
    int unset(@Parameters(index = "0", paramLabel = "PROJECT") String rawName,
              @Parameters(index = "1", paramLabel = "KEY") String key) throws IOException {
        String name = ctx.instance(rawName);
        update(name, config -> {
            if (!config.has(key)) {
                throw new CliException("Key \"" + key + "\" is not set on project \"" + name + "\"");
            }
            config.remove(key);
        });
        return 0;
    }

    /** Reads the project, changes its config and PUTs it back with its ETag. */
    private void update(String name, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ApiResponse current = ctx.client().get(path(name));
        ObjectNode put = writable(current.metadata());
        ObjectNode config = Instances.objectOrEmpty(put.get("config")).deepCopy();
        change.accept(config);
        put.set("config", config);
        ctx.client().call("PUT", path(name), put, current.etag());
    }

    @Command(name = "switch", description = "Switch the current project of a remote ([REMOTE:]PROJECT)")
    int switchTo(@Parameters(paramLabel = "PROJECT") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        ctx.client().get(path(name)); // it must exist (404 otherwise)
        ctx.remotes().setProject(ctx.remote(), name);
        ctx.remotes().save();
        return 0;
    }

    @Command(name = "info", description = "Get a summary of resource allocations")
    int info(@Parameters(paramLabel = "PROJECT") String rawName) throws IOException {
        var format = ctx.listFormat();
        String name = ctx.instance(rawName);
        JsonNode resources = ctx.client().get(path(name) + "/state").metadata().path("resources");
        List<String> keys = new ArrayList<>();
        resources.fieldNames().forEachRemaining(keys::add);
        keys.sort(null);
        List<List<String>> rows = new ArrayList<>();
        for (String k : keys) {
            JsonNode r = resources.get(k);
            boolean bytes = k.equals("memory") || k.equals("disk");
            long limit = r.path("limit").asLong(-1);
            long usage = r.path("usage").asLong(0);
            rows.add(List.of(k.toUpperCase(Locale.ROOT), limit < 0 ? "UNLIMITED" : bytes ? Bytes.iec(limit) : Long.toString(limit),
                    bytes ? Bytes.iec(usage) : Long.toString(usage)));
        }
        ctx.out().print(ListOutput.render(format, List.of("RESOURCE", "LIMIT", "USAGE"), rows, resources));
        return 0;
    }
}
