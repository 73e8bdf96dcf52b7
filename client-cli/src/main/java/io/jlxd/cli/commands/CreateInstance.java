package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The arguments and the work shared by {@code jlxc init} and {@code jlxc launch}: resolve the image (an alias,
 * else a fingerprint or a unique prefix of one), {@code POST /1.0/instances} and wait ("Creating NAME"). Without a
 * name the server picks one (as LXD does); a server that insists on a name gets a random one.
 */
final class CreateInstance {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image alias or fingerprint (prefix)")
    String image;

    @Parameters(index = "1", paramLabel = "NAME", arity = "0..1", description = "Instance name")
    String name;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", description = "Profile to apply (repeatable)")
    List<String> profiles;

    @Option(names = "--no-profiles", description = "Create the instance with no profiles applied")
    boolean noProfiles;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Config key/value (repeatable)")
    List<String> config;

    @Option(names = {"-e", "--ephemeral"}, description = "Ephemeral instance")
    boolean ephemeral;

    @Option(names = "--description", paramLabel = "TEXT", description = "Instance description")
    String description;

    @Option(names = {"-s", "--storage"}, paramLabel = "POOL", description = "Storage pool of the instance's root disk")
    String storage;

    @Option(names = {"-n", "--network"}, paramLabel = "NETWORK", description = "Network of the instance's eth0 NIC")
    String network;

    /** The eth0 device of --network, once resolved. */
    ObjectNode networkDevice;

    /** Creates the instance and returns its name. */
    String create(CliContext ctx) throws IOException {
        // The instance goes to NAME's remote; the image must be on that same remote (no image copy between remotes).
        String destination = name == null ? ctx.remote() : io.jlxd.cli.remote.Remotes.parse(ctx.remotes(), name).remote();
        io.jlxd.cli.remote.Remotes.Ref img = io.jlxd.cli.remote.Remotes.parse(ctx.remotes(), image);
        if (image.contains(":") && !img.remote().equals(destination)) {
            throw new io.jlxd.cli.CliException("The image \"" + image + "\" is on remote \"" + img.remote()
                    + "\" but the instance goes to \"" + destination + "\": copying images between remotes is not supported yet");
        }
        if (name != null) {
            name = ctx.target(name);
        } else {
            ctx.useRemote(destination);
        }
        if (image.contains(":")) {
            image = img.name();
        }
        ObjectNode source = resolveImage(ctx);
        if (network != null && !network.isEmpty()) {
            networkDevice = networkDevice(ctx, network);
        }
        ObjectNode body = body(source);
        String label = name == null || name.isEmpty() ? "Creating the instance" : "Creating " + name;
        ApiResponse answer;
        boolean named = name != null && !name.isEmpty();
        try {
            answer = ctx.client().call("POST", Instances.INSTANCES, body, null);
        } catch (ApiException e) {
            if (e.errorCode() != 400 || (name != null && !name.isEmpty())
                    || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("name")) {
                throw e;
            }
            name = NameGenerator.generate(new SecureRandom());
            body.put("name", name);
            label = "Creating " + name;
            answer = ctx.client().call("POST", Instances.INSTANCES, body, null);
        }
        JsonNode op = Progress.finish(ctx, answer, label);
        if (!named) {
            if (name == null || name.isEmpty()) {
                name = createdName(op);
            }
            if (!ctx.quiet()) {
                ctx.out().println("Instance name is: " + name);
            }
        }
        return name;
    }

    ObjectNode body(ObjectNode source) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (name != null && !name.isEmpty()) {
            body.put("name", name);
        }
        body.put("type", "container");
        body.set("source", source);
        ObjectNode cfg = body.putObject("config");
        if (config != null) {
            for (String kv : config) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("Bad key=value pair: " + kv);
                }
                cfg.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        if (noProfiles && profiles != null && !profiles.isEmpty()) {
            throw new CliException("--no-profiles cannot be used with --profile");
        }
        if (noProfiles || profiles != null) {
            var list = body.putArray("profiles");
            new ArrayList<>(noProfiles ? List.<String>of() : profiles).forEach(list::add);
        }
        if (storage != null && !storage.isEmpty()) {
            ObjectNode root = devices(body).putObject("root");
            root.put("type", "disk");
            root.put("path", "/");
            root.put("pool", storage);
        }
        if (networkDevice != null) {
            devices(body).set("eth0", networkDevice);
        }
        body.put("ephemeral", ephemeral);
        if (description != null) {
            body.put("description", description);
        }
        return body;
    }

    private static ObjectNode devices(ObjectNode body) {
        return body.has("devices") ? (ObjectNode) body.get("devices") : body.putObject("devices");
    }

    /**
     * lxc's rule for {@code --network NAME}: an {@code eth0} NIC on the managed network NAME, or bridged to NAME when
     * the server lists it as an unmanaged bridge. (A server without the network answers the create with a 400.)
     */
    static ObjectNode networkDevice(CliContext ctx, String name) throws IOException {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("type", "nic");
        try {
            JsonNode n = ctx.client().get("/1.0/networks/" + PathEscape.segment(name)).metadata();
            if (!n.path("managed").asBoolean(true) && "bridge".equals(n.path("type").asText())) {
                d.put("nictype", "bridged");
                d.put("parent", name);
                return d;
            }
        } catch (ApiException e) {
            if (e.errorCode() != 404) {
                throw e;
            }
        }
        d.put("network", name);
        return d;
    }

    /** lxc's rule: an alias if one is named so, else a fingerprint (a unique prefix is enough). */
    private ObjectNode resolveImage(CliContext ctx) throws IOException {
        ObjectNode source = JsonNodeFactory.instance.objectNode();
        source.put("type", "image");
        if (image == null || image.isEmpty()) {
            throw new CliException("Image name is required");
        }
        try {
            ctx.client().get(Instances.IMAGES + "/aliases/" + PathEscape.segment(image));
            source.put("alias", image);
            return source;
        } catch (ApiException e) {
            if (e.errorCode() != 404) {
                throw e;
            }
        }
        source.put("fingerprint", fingerprint(ctx.client().get(Instances.IMAGES).metadata(), image));
        return source;
    }

    /** The one image whose fingerprint starts with {@code prefix}, from the list of image URLs. */
    static String fingerprint(JsonNode urls, String prefix) {
        List<String> matches = new ArrayList<>();
        for (JsonNode url : urls) {
            String text = url.asText();
            String fp = text.substring(text.lastIndexOf('/') + 1);
            if (fp.startsWith(prefix)) {
                matches.add(fp);
            }
        }
        if (matches.isEmpty()) {
            throw new CliException("Image not found: " + prefix);
        }
        if (matches.size() > 1) {
            throw new CliException("The image fingerprint prefix \"" + prefix + "\" is ambiguous");
        }
        return matches.getFirst();
    }

    /** The name of the created instance, from the operation's resources (as lxc reads it). */
    static String createdName(JsonNode op) {
        for (JsonNode url : op.path("resources").path("instances")) {
            String text = url.asText();
            int q = text.indexOf('?');
            text = q < 0 ? text : text.substring(0, q);
            return java.net.URLDecoder.decode(text.substring(text.lastIndexOf('/') + 1),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new CliException("The server did not say which instance it created");
    }
}
