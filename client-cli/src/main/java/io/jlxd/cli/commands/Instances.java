package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * What the instance and profile commands share: resource paths, the writable parts of instances and profiles
 * (what lxc sends back on PUT), and read-modify-write updates guarded by the ETag.
 */
final class Instances {
    static final String INSTANCES = Paths.API + "/instances";
    static final String PROFILES = Paths.API + "/profiles";
    static final String IMAGES = Paths.API + "/images";

    private Instances() {
    }

    static String path(String name) {
        return INSTANCES + "/" + PathEscape.segment(required(name, "Instance"));
    }

    static String profilePath(String name) {
        return PROFILES + "/" + PathEscape.segment(required(name, "Profile"));
    }

    private static String required(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new CliException(what + " name is required");
        }
        return name;
    }

    /** The fields of an instance that PUT takes (lxc's {@code Instance.Writable()}), in lxc's order. */
    static ObjectNode instanceWritable(JsonNode instance) {
        ObjectNode put = JsonNodeFactory.instance.objectNode();
        put.put("architecture", instance.path("architecture").asText(""));
        put.set("config", objectOrEmpty(instance.get("config")));
        put.set("devices", objectOrEmpty(instance.get("devices")));
        put.put("ephemeral", instance.path("ephemeral").asBoolean(false));
        put.set("profiles", arrayOrEmpty(instance.get("profiles")));
        put.put("description", instance.path("description").asText(""));
        return put;
    }

    /** The fields of a profile that PUT takes. */
    static ObjectNode profileWritable(JsonNode profile) {
        ObjectNode put = JsonNodeFactory.instance.objectNode();
        put.set("config", objectOrEmpty(profile.get("config")));
        put.put("description", profile.path("description").asText(""));
        put.set("devices", objectOrEmpty(profile.get("devices")));
        return put;
    }

    static ObjectNode objectOrEmpty(JsonNode node) {
        return node != null && node.isObject() ? ((ObjectNode) node).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode arrayOrEmpty(JsonNode node) {
        return node != null && node.isArray() ? ((ArrayNode) node).deepCopy() : JsonNodeFactory.instance.arrayNode();
    }

    /**
     * An edited document made fit for the wire: the values of {@code config} and of each device are strings (YAML
     * reads {@code limits.cpu: 2} as a number), as LXD's string maps are.
     */
    static JsonNode stringMaps(JsonNode edited) {
        ObjectNode doc = ((ObjectNode) edited).deepCopy();
        if (doc.get("config") instanceof ObjectNode config) {
            textValues(config);
        }
        if (doc.get("devices") instanceof ObjectNode devices) {
            devices.fields().forEachRemaining(d -> {
                if (d.getValue() instanceof ObjectNode device) {
                    textValues(device);
                }
            });
        }
        return doc;
    }

    private static void textValues(ObjectNode map) {
        map.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull() && !e.getValue().isTextual()) {
                e.setValue(JsonNodeFactory.instance.textNode(e.getValue().asText()));
            }
        });
    }

    /** Reads an instance, lets {@code change} edit its writable part, and PUTs it with the ETag read. */
    static void updateInstance(CliContext ctx, String name, Consumer<ObjectNode> change) throws IOException {
        String path = path(name);
        ApiResponse current = ctx.client().get(path);
        ObjectNode put = instanceWritable(current.metadata());
        change.accept(put);
        Progress.finish(ctx, ctx.client().call("PUT", path, put, current.etag()), null);
    }

    /** Reads a profile, lets {@code change} edit its writable part, and PUTs it with the ETag read. */
    static void updateProfile(CliContext ctx, String name, Consumer<ObjectNode> change) throws IOException {
        String path = profilePath(name);
        ApiResponse current = ctx.client().get(path);
        ObjectNode put = profileWritable(current.metadata());
        change.accept(put);
        Progress.finish(ctx, ctx.client().call("PUT", path, put, current.etag()), null);
    }

    /** {@code PUT .../state} and waits; {@code timeout} null leaves the server's default. */
    static void changeState(CliContext ctx, String name, String action, Integer timeout, boolean force,
            boolean stateful) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", action);
        body.put("timeout", timeout == null ? -1 : timeout);
        body.put("force", force);
        body.put("stateful", stateful);
        Progress.finish(ctx, ctx.client().call("PUT", path(name) + "/state", body, null), null);
    }
}
