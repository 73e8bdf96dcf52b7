package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One migration of an instance (or a snapshot, into a new instance) from one daemon to another with LXD's protocol,
 * as lxc's {@code CopyInstance} does it:
 * <ul>
 * <li>pull: {@code POST source/1.0/instances/NAME {migration: true, live, instance_only}} gives an operation whose
 * metadata are the channel secrets; {@code POST target/1.0/instances {source: {type: migration, mode: pull,
 * operation: <source URL>, secrets, certificate: <source's>}}} and the target dials the source;</li>
 * <li>push: the target's operation first ({@code mode: push}), then the source's with {@code target: {operation,
 * secrets, certificate: <target's>}}: the source dials the target;</li>
 * <li>relay: both operations as listeners, and the client copies the frames ({@link MigrationRelay}).</li>
 * </ul>
 * The certificates come from the client's pinned remotes ({@link Peer#certificate}). Both operations are followed to
 * their end; a failure of either is reported with the other's error.
 */
public final class InstanceTransfer {
    private final TransferRequest request;
    private final Peer source;
    private final Peer target;
    private final ProgressView view;

    public InstanceTransfer(TransferRequest request, Peer source, Peer target, ProgressView view) {
        this.request = request;
        this.source = source;
        this.target = target;
        this.view = view;
    }

    /** A migration that failed: the messages of both sides. */
    public static final class TransferFailed extends CliException {
        private final OperationPair.Result result;

        TransferFailed(String message, OperationPair.Result result) {
            super(message);
            this.result = result;
        }

        public OperationPair.Result result() {
            return result;
        }
    }

    /** {@code /1.0/instances/NAME}. */
    public static String instancePath(String name) {
        return "/1.0/instances/" + PathEscape.segment(name);
    }

    /**
     * Runs the transfer of {@code instance} (the source's {@code GET} answer, or the snapshot's). {@code live}: a
     * CRIU move of a running instance; {@code keepVolatile}: a move keeps the volatile keys (MAC addresses...);
     * {@code refresh}: an incremental copy onto an existing target instance.
     */
    public OperationPair.Result run(JsonNode instance, boolean live, boolean keepVolatile, boolean refresh) throws IOException {
        checkExtensions(refresh);
        ObjectNode create = targetRequest(instance, keepVolatile);
        ObjectNode src = (ObjectNode) create.get("source");
        src.put("type", "migration");
        src.put("live", live);
        src.put("instance_only", request.instanceOnly());
        src.put("container_only", request.instanceOnly());
        src.put("refresh", refresh);
        ObjectNode migrate = sourceRequest(live);
        String sourcePath = request.snapshot() == null ? instancePath(request.sourceName())
                : instancePath(request.sourceName()) + "/snapshots/" + PathEscape.segment(request.snapshot());
        return switch (request.mode()) {
            case PULL -> pull(sourcePath, migrate, create);
            case PUSH -> push(sourcePath, migrate, create);
            case RELAY -> relay(sourcePath, migrate, create);
        };
    }

    private void checkExtensions(boolean refresh) throws IOException {
        if (request.instanceOnly()) {
            target.requireExtension("container_only_migration", "target");
            source.requireExtension("container_only_migration", "source");
        }
        if (request.mode() != TransferRequest.Mode.PULL) {
            target.requireExtension("container_push", "target");
            source.requireExtension("container_push", "source");
        }
        if (request.mode() == TransferRequest.Mode.PUSH) {
            source.requireExtension("container_push_target", "source");
        }
        if (refresh) {
            target.requireExtension("container_incremental_copy", "target");
            source.requireExtension("container_incremental_copy", "source");
        }
    }

    /** The body of the source's {@code POST}: {@code migration: true} and what moves. */
    private ObjectNode sourceRequest(boolean live) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("migration", true);
        body.put("live", live);
        if (request.snapshot() != null) {
            body.put("name", request.destName());
        } else {
            body.put("instance_only", request.instanceOnly());
            body.put("container_only", request.instanceOnly());
        }
        return body;
    }

    /**
     * The body of the target's {@code POST /1.0/instances}: the source's writable fields with the overrides laid over
     * them (lxc's order: profiles, devices, config), without {@code volatile.last_state.power}, and for a copy
     * without the volatile keys that make an instance itself (MAC addresses, host names, UUID).
     */
    public ObjectNode targetRequest(JsonNode instance, boolean keepVolatile) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", request.destName());
        body.put("type", "container");
        body.put("architecture", instance.path("architecture").asText(""));
        ObjectNode config = object(instance.get("config"));
        config.remove("volatile.last_state.power");
        if (!keepVolatile) {
            List<String> drop = new java.util.ArrayList<>();
            config.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("volatile.") && !k.equals("volatile.base_image")) {
                    drop.add(k);
                }
            });
            config.remove(drop);
        }
        request.config().forEach(config::put);
        body.set("config", config);
        body.set("devices", devices(instance));
        body.put("ephemeral", instance.path("ephemeral").asBoolean(false));
        if (request.profiles() != null) {
            request.profiles().forEach(body.putArray("profiles")::add);
        } else {
            body.set("profiles", instance.has("profiles") ? instance.get("profiles").deepCopy() : JsonNodeFactory.instance.arrayNode());
        }
        body.put("description", instance.path("description").asText(""));
        ObjectNode src = body.putObject("source");
        String base = instance.path("config").path("volatile.base_image").asText("");
        if (!base.isEmpty()) {
            src.put("base-image", base);
        }
        return body;
    }

    /** The instance's own devices with the {@code -d} overrides; an override of a profile device copies it first. */
    private ObjectNode devices(JsonNode instance) throws IOException {
        ObjectNode devices = object(instance.get("devices"));
        Map<String, JsonNode> profileDevices = null;
        for (Map.Entry<String, Map<String, String>> o : request.devices().entrySet()) {
            ObjectNode dev;
            if (devices.get(o.getKey()) instanceof ObjectNode local) {
                dev = local;
            } else {
                if (profileDevices == null) {
                    profileDevices = profileDevices(request.profiles() != null ? request.profiles()
                            : names(instance.path("profiles")));
                }
                JsonNode p = profileDevices.get(o.getKey());
                if (p == null) {
                    throw new CliException("Cannot override config for device \"" + o.getKey()
                            + "\": Device not found in profile devices");
                }
                dev = (ObjectNode) p.deepCopy();
                devices.set(o.getKey(), dev);
            }
            o.getValue().forEach(dev::put);
        }
        return devices;
    }

    /** The devices the target's profiles give, later profiles winning (as the target will expand them). */
    private Map<String, JsonNode> profileDevices(List<String> profiles) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String p : profiles) {
            JsonNode prof = target.client().get("/1.0/profiles/" + PathEscape.segment(p)).metadata();
            for (Iterator<Map.Entry<String, JsonNode>> it = prof.path("devices").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private OperationPair.Result pull(String sourcePath, ObjectNode migrate, ObjectNode create) throws IOException {
        List<String> urls = source.urls();
        if (urls.isEmpty()) {
            throw new CliException("The source server (remote \"" + source.remote() + "\") isn't listening on the network"
                    + " (core.https_address); use --mode push or relay");
        }
        ApiResponse sourceOp = source.client().call("POST", sourcePath, migrate, null);
        String sourceOpUrl = sourceOp.operation();
        ObjectNode src = (ObjectNode) create.get("source");
        src.put("mode", "pull");
        src.put("operation", urls.getFirst() + "/1.0/operations/" + id(sourceOpUrl));
        src.put("certificate", source.certificate());
        src.set("secrets", secrets(sourceOp));
        ApiResponse targetOp;
        try {
            targetOp = target.client().call("POST", "/1.0/instances", create, null);
        } catch (IOException | RuntimeException e) {
            cancel(source, sourceOpUrl);
            throw refused("target", target, e);
        }
        return finish(OperationPair.follow(source.client(), sourceOpUrl, target.client(), targetOp.operation(), view));
    }

    private OperationPair.Result push(String sourcePath, ObjectNode migrate, ObjectNode create) throws IOException {
        List<String> urls = target.urls();
        if (urls.isEmpty()) {
            throw new CliException("The target server (remote \"" + target.remote() + "\") isn't listening on the network"
                    + " (core.https_address); use --mode pull or relay");
        }
        ((ObjectNode) create.get("source")).put("mode", "push");
        ApiResponse targetOp = target.client().call("POST", "/1.0/instances", create, null);
        String targetOpUrl = targetOp.operation();
        ObjectNode t = migrate.putObject("target");
        t.put("operation", urls.getFirst() + "/1.0/operations/" + id(targetOpUrl));
        t.set("secrets", secrets(targetOp));
        t.put("certificate", target.certificate());
        ApiResponse sourceOp;
        try {
            sourceOp = source.client().call("POST", sourcePath, migrate, null);
        } catch (IOException | RuntimeException e) {
            cancel(target, targetOpUrl);
            throw refused("source", source, e);
        }
        return finish(OperationPair.follow(source.client(), sourceOp.operation(), target.client(), targetOpUrl, view));
    }

    private OperationPair.Result relay(String sourcePath, ObjectNode migrate, ObjectNode create) throws IOException {
        ApiResponse sourceOp = source.client().call("POST", sourcePath, migrate, null);
        String sourceOpUrl = sourceOp.operation();
        ((ObjectNode) create.get("source")).put("mode", "push");
        ApiResponse targetOp;
        try {
            targetOp = target.client().call("POST", "/1.0/instances", create, null);
        } catch (IOException | RuntimeException e) {
            cancel(source, sourceOpUrl);
            throw refused("target", target, e);
        }
        MigrationRelay relay;
        try {
            relay = MigrationRelay.start(source.client(), sourceOpUrl, textMap(secrets(sourceOp)),
                    target.client(), targetOp.operation(), textMap(secrets(targetOp)));
        } catch (IOException | RuntimeException e) {
            cancel(source, sourceOpUrl);
            cancel(target, targetOp.operation());
            throw e;
        }
        try {
            OperationPair.Result r = OperationPair.follow(source.client(), sourceOpUrl, target.client(), targetOp.operation(), view);
            relay.awaitEnd(5000);
            if (r.failed() && relay.failure() != null) {
                r = new OperationPair.Result(r.source(), r.target(), r.sourceError(),
                        (r.targetError() == null ? "" : r.targetError() + "; ") + "relay: " + relay.failure());
            }
            return finish(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            relay.close();
        }
    }

    private OperationPair.Result finish(OperationPair.Result r) {
        if (view != null) {
            view.done();
        }
        if (!r.failed()) {
            return r;
        }
        StringBuilder msg = new StringBuilder("Migration of " + request.sourceLabel() + " to " + request.destLabel() + " failed");
        if (r.targetError() != null) {
            msg.append(": target (").append(target.remote()).append("): ").append(r.targetError());
        }
        if (r.sourceError() != null && !r.sourceError().equals(r.targetError())) {
            msg.append(r.targetError() != null ? "; " : ": ").append("source (").append(source.remote()).append("): ")
                    .append(r.sourceError());
        }
        throw new TransferFailed(msg.toString(), r);
    }

    /** The target or source refused the request itself: nothing was transferred. */
    private static IOException refused(String side, Peer peer, Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof ApiException api) {
            return new ApiException(api.errorCode(), "The " + side + " (remote \"" + peer.remote() + "\") refused the migration: " + m);
        }
        return new IOException("The " + side + " (remote \"" + peer.remote() + "\") could not be asked: " + m, e);
    }

    private static void cancel(Peer peer, String operation) {
        try {
            peer.client().call("DELETE", operation, null, null);
        } catch (IOException | RuntimeException e) {
            // the operation ends by itself when nobody connects (LXD waits 30 s for the control channel)
        }
    }

    /** The channel secrets in an operation's metadata (its text values: {@code control}, {@code fs}, {@code criu}). */
    static ObjectNode secrets(ApiResponse answer) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode meta = answer.metadata().path("metadata");
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        if (!out.has("control")) {
            throw new CliException("The migration operation " + answer.operation() + " has no \"control\" channel secret");
        }
        return out;
    }

    private static Map<String, String> textMap(ObjectNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** The id of an operation URL ({@code /1.0/operations/ID[?query]}). */
    static String id(String operationUrl) {
        String s = operationUrl;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static ObjectNode object(JsonNode n) {
        return n != null && n.isObject() ? ((ObjectNode) n).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
