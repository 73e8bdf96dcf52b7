package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc profile ...}: profiles ({@code /1.0/profiles}) and which instances use them, with lxc's messages.
 * Changes read the profile (or instance) and PUT it back with its ETag.
 */
@Command(name = "profile", description = "Manage profiles", addMethodSubcommands = false)
public final class ProfileCommand implements Runnable {
    static final List<String> HEADER = List.of("NAME", "DESCRIPTION", "USED BY");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ProfileCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** The command with its {@code device} subcommands. */
    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new ProfileCommand(ctx), ctx.subcommand(), () -> List.of(new ProfileDeviceCommand(ctx)));
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List profiles")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        ctx.remoteArgument(remote);
        List<JsonNode> profiles = new ArrayList<>();
        ctx.client().get(Instances.PROFILES + "?recursion=1").metadata().forEach(profiles::add);
        profiles.sort(Comparator.comparing(p -> p.path("name").asText("")));
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode p : profiles) {
            rows.add(row(p));
            raw.add(p);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    static List<String> row(JsonNode profile) {
        return List.of(profile.path("name").asText(""), profile.path("description").asText(""),
                Integer.toString(profile.path("used_by").size()));
    }

    @Command(name = "show", description = "Show profile configurations")
    int show(@Parameters(paramLabel = "PROFILE") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        Documents.print(ctx, ctx.client().get(Instances.profilePath(name)).metadata());
        return 0;
    }

    @Command(name = "create", description = {"Create profiles",
        "Without a terminal, a YAML profile (config, description, devices) is read from stdin if given."})
    int create(@Parameters(paramLabel = "PROFILE") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name);
        if (!ctx.interactive()) {
            String text = new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                JsonNode doc = Instances.stringMaps(Editor.parse(text));
                body.setAll(Instances.profileWritable(doc));
            }
        }
        ctx.client().call("POST", Instances.PROFILES, body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Profile " + name + " created");
        }
        return 0;
    }

    @Command(name = "edit", description = {"Edit profile configurations as YAML",
        "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "PROFILE") String rawName) throws IOException {
        String name = ctx.instance(rawName);
        String path = Instances.profilePath(name);
        ApiResponse current = ctx.client().get(path);
        Editor.edit(ctx, ConfigCommand.EDIT_HEADER, Instances.profileWritable(current.metadata()),
                edited -> ctx.client().call("PUT", path,
                        Instances.profileWritable(Instances.stringMaps(edited)), current.etag()));
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete profiles")
    int delete(@Parameters(paramLabel = "PROFILE", arity = "1..*") List<String> names) throws IOException {
        for (String raw : names) {
            String name = ctx.instance(raw);
            ctx.client().call("DELETE", Instances.profilePath(name), null, null);
            if (!ctx.quiet()) {
                ctx.out().println("Profile " + name + " deleted");
            }
        }
        return 0;
    }

    @Command(name = "copy", aliases = "cp", description = "Copy profiles")
    int copy(@Parameters(index = "0", paramLabel = "PROFILE") String rawFrom,
            @Parameters(index = "1", paramLabel = "NEW-PROFILE") String to) throws IOException {
        String from = ctx.instance(rawFrom);
        ObjectNode body = Instances.profileWritable(ctx.client().get(Instances.profilePath(from)).metadata());
        body.put("name", to.contains(":") ? ctx.instance(to) : to);
        ctx.client().call("POST", Instances.PROFILES, body, null);
        return 0;
    }

    @Command(name = "rename", aliases = "mv", description = "Rename profiles")
    int rename(@Parameters(index = "0", paramLabel = "PROFILE") String rawFrom,
            @Parameters(index = "1", paramLabel = "NEW-NAME") String to) throws IOException {
        String from = ctx.instance(rawFrom);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", to);
        ctx.client().call("POST", Instances.profilePath(from), body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Profile " + from + " renamed to " + to);
        }
        return 0;
    }

    @Command(name = "get", description = "Get values for profile configuration keys")
    int get(@Parameters(index = "0", paramLabel = "PROFILE") String rawName,
            @Parameters(index = "1", paramLabel = "KEY") String key) throws IOException {
        String name = ctx.instance(rawName);
        JsonNode value = ctx.client().get(Instances.profilePath(name)).metadata().path("config").path(key);
        ctx.out().println(value.isMissingNode() || value.isNull() ? "" : value.asText());
        return 0;
    }

    @Command(name = "set", description = "Set profile configuration keys (KEY=VALUE... or KEY VALUE)")
    int set(@Parameters(index = "0", paramLabel = "PROFILE") String rawName,
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*") List<String> args)
            throws IOException {
        String name = ctx.instance(rawName);
        var keys = ConfigArgs.keyValues(args, null);
        Instances.updateProfile(ctx, name, put -> {
            ObjectNode config = Instances.objectOrEmpty(put.get("config"));
            keys.forEach(config::put);
            put.set("config", config);
        });
        return 0;
    }

    @Command(name = "unset", description = "Unset profile configuration keys")
    int unset(@Parameters(index = "0", paramLabel = "PROFILE") String rawName,
            @Parameters(index = "1", paramLabel = "KEY") String key) throws IOException {
        String name = ctx.instance(rawName);
        Instances.updateProfile(ctx, name, put -> {
            ObjectNode config = Instances.objectOrEmpty(put.get("config"));
            if (!config.has(key)) {
                throw new CliException("Key \"" + key + "\" is not set on profile \"" + name + "\"");
            }
            config.remove(key);
            put.set("config", config);
        });
        return 0;
    }

    @Command(name = "assign", aliases = "apply",
            description = "Assign sets of profiles to instances (comma-separated, \"\" for none)")
    int assign(@Parameters(index = "0", paramLabel = "INSTANCE") String rawInstance,
            @Parameters(index = "1", paramLabel = "PROFILES") String profiles) throws IOException {
        String instance = ctx.instance(rawInstance);
        List<String> names = profiles.isEmpty() ? List.of() : List.of(profiles.split(","));
        Instances.updateInstance(ctx, instance, put -> put.set("profiles", array(names)));
        if (!ctx.quiet()) {
            ctx.out().println(names.isEmpty() ? "Profiles removed from " + instance
                    : "Profiles " + String.join(",", names) + " applied to " + instance);
        }
        return 0;
    }

    @Command(name = "add", description = "Add profiles to instances")
    int add(@Parameters(index = "0", paramLabel = "INSTANCE") String rawInstance,
            @Parameters(index = "1", paramLabel = "PROFILE") String profile) throws IOException {
        String instance = ctx.instance(rawInstance);
        Instances.updateInstance(ctx, instance, put -> {
            List<String> names = new ArrayList<>(InstanceColumns.strings(put.path("profiles")));
            if (names.contains(profile)) {
                throw new CliException("Profile " + profile + " is already applied to " + instance);
            }
            names.add(profile);
            put.set("profiles", array(names));
        });
        if (!ctx.quiet()) {
            ctx.out().println("Profile " + profile + " added to " + instance);
        }
        return 0;
    }

    @Command(name = "remove", description = "Remove profiles from instances")
    int remove(@Parameters(index = "0", paramLabel = "INSTANCE") String rawInstance,
            @Parameters(index = "1", paramLabel = "PROFILE") String profile) throws IOException {
        String instance = ctx.instance(rawInstance);
        Instances.updateInstance(ctx, instance, put -> {
            List<String> names = new ArrayList<>(InstanceColumns.strings(put.path("profiles")));
            if (!names.remove(profile)) {
                throw new CliException("Profile " + profile + " isn't currently applied to " + instance);
            }
            put.set("profiles", array(names));
        });
        if (!ctx.quiet()) {
            ctx.out().println("Profile " + profile + " removed from " + instance);
        }
        return 0;
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
