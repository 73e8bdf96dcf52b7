package io.jlxd.daemon.migration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.jlxd.api.Json;
import io.jlxd.api.OperationClass;
import io.jlxd.api.config.InstanceConfigKeys;
import io.jlxd.api.instance.InstancePost;
import io.jlxd.api.instance.InstanceSource;
import io.jlxd.api.instance.InstancesPost;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.wsop.WsChannelSet;
import io.jlxd.daemon.wsop.WsOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Migration between daemons with LXD's protocol (see docs/architecture.md, "Migration"): what the instance routes
 * call. {@link #source}: {@code POST /1.0/instances/{name}} with {@code migration: true} (pull: a websocket
 * operation whose metadata holds the channels' secrets; push: {@code target} names the target's operation, which
 * this daemon dials). {@link #target}: {@code POST /1.0/instances} with {@code source.type: migration}.
 */
public final class MigrationService {
    private static final Logger LOG = Logger.getLogger(MigrationService.class.getName());

    private final InstanceManager instances;
    private final SnapshotTable snapshots;
    private final Operations operations;
    private final WsOperations sockets;
    private final Path scratch;

    public MigrationService(InstanceManager instances, SnapshotTable snapshots, Operations operations, WsOperations sockets, Path scratch)
            throws IOException {
        this.instances = instances;
        this.snapshots = snapshots;
        this.operations = operations;
        this.sockets = sockets;
        this.scratch = scratch;
        Files.createDirectories(scratch);
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));
    }

    /** Where a receive in progress is marked: a daemon killed meanwhile removes the partial instance at its next start. */
    Path receivingMarker(String name) {
        return scratch.resolve("receiving-" + name);
    }

    /**
     * Start-up recovery: instances whose receive a crash interrupted (marker left) are deleted, as a failed creation
     * would have been. Returns what was done, for the log.
     */
    public String recover() {
        StringBuilder done = new StringBuilder();
        try (var markers = Files.list(scratch)) {
            for (Path m : markers.filter(p -> p.getFileName().toString().startsWith("receiving-")).toList()) {
                String name = m.getFileName().toString().substring("receiving-".length());
                try {
                    if (instances.table().get(name).isPresent()) {
                        if (instances.containerState(name) != null && instances.containerState(name).active()) {
                            instances.stopContainer(name, true, java.time.Duration.ZERO);
                        }
                        Op op = instances.delete(name, null);
                        op.done().get(2, java.util.concurrent.TimeUnit.MINUTES);
                        if (op.status() != io.jlxd.api.StatusCode.SUCCESS) {
                            throw new IOException(op.view().err());
                        }
                    }
                    Files.deleteIfExists(m);
                    done.append(" partly received instance ").append(name).append(" removed;");
                } catch (Exception e) {
                    LOG.warning("cannot remove the partly received instance " + name + " (retried at the next start): " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warning("migration recovery: " + e.getMessage());
        }
        return done.toString().strip();
    }

    /** LXD's {@code InstancePostTarget} (push mode). */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record PushTarget(String certificate, String operation, Map<String, String> secrets) {
    }

    // ------------------------------------------------------------------------------------------ source

    public Op source(String name, InstancePost body, EventBus.Requestor who) {
        instances.row(name);
        if (body.pool() != null && !body.pool().isEmpty() || body.project() != null && !body.project().isEmpty() && !body.project().equals("default")) {
            throw ApiException.badRequest("Moving an instance to another pool or project is not supported");
        }
        if (body.name() != null && !body.name().isEmpty() && !body.name().equals(name)) {
            throw ApiException.badRequest("A migration cannot rename the instance (\"name\")");
        }
        if (Boolean.TRUE.equals(body.allowInconsistent())) {
            throw ApiException.badRequest("allow_inconsistent is not supported");
        }
        ContainerState cs = instances.containerState(name);
        boolean running = cs != null && cs.active();
        if (cs == ContainerState.FROZEN || cs == ContainerState.FREEZING) {
            throw ApiException.badRequest("The instance is frozen (unfreeze it before migrating it)");
        }
        boolean live = Boolean.TRUE.equals(body.live()) && running;
        if (live && budgetOf(name, body.downtimeMax()) == null) {
            try {
                instances.checkpoint(name, false).blockers().stream().findFirst().ifPresent(b -> {
                    throw ApiException.badRequest("The instance cannot be migrated live: " + b.reason() + " (" + b.hint()
                            + "); move it stopped or with --stateless");
                });
            } catch (ApiException e) {
                throw e;
            } catch (Exception e) {
                throw ApiException.badRequest("The instance cannot be migrated live: " + e.getMessage());
            }
        }
        DowntimePlan plan = live ? plan(name, body.downtimeMax()) : null;
        if (!live && body.downtimeMax() != null) {
            budget(body.downtimeMax(), "downtime_max"); // validated even where it does not apply
        }
        boolean instanceOnly = Boolean.TRUE.equals(body.instanceOnly()) || Boolean.TRUE.equals(body.containerOnly());
        PushTarget push = body.target() == null ? null : pushTarget(body.target());
        SourceMigration m = new SourceMigration(instances, snapshots, scratch, name, live, instanceOnly).planned(plan);
        return startSource(name, m, Channels.names(live), push, InstanceManager.url(name));
    }

    /**
     * {@code POST /1.0/instances/{name}/snapshots/{snap}} with {@code migration: true}: the snapshot's file system sent
     * as a new instance (LXD's {@code lxc copy c1/snap0 remote:c2}), in pull or push mode. A snapshot has no running
     * state: {@code live} is refused, as LXD 5.0 does for stateless snapshots.
     */
    public Op snapshotSource(String name, String snap, Object target, boolean live) {
        instances.row(name);
        if (snapshots.get(name, snap).isEmpty()) {
            throw ApiException.notFound("Snapshot not found");
        }
        if (live) {
            throw ApiException.badRequest("A snapshot is copied without running state (\"live\" applies to running instances)");
        }
        PushTarget push = target == null ? null : pushTarget(target);
        SourceMigration m = new SourceMigration(instances, snapshots, scratch, name, false, true).ofSnapshot(snap);
        return startSource(name, m, Channels.names(false), push, InstanceManager.url(name) + "/snapshots/" + snap);
    }

    /** The source's operation: pull (a websocket operation the target joins) or push ({@code push}: dial the target). */
    private Op startSource(String name, SourceMigration m, List<String> names, PushTarget push, String resource) {
        Map<String, List<String>> res = Map.of("instances", List.of(resource));
        if (push != null) {
            X509Certificate cert = cert(push.certificate());
            requireSecrets(push.secrets(), names);
            return operations.startTask(new Operations.Spec(OperationClass.TASK, "Migrating instance", res, null, false, null),
                    ctx -> instances.withLock(name, () -> {
                        try (Channels ch = Channels.dialled(push.operation(), cert, push.secrets(), names)) {
                            return logged(name, () -> m.run(ch, ctx));
                        }
                    }));
        }
        WsChannelSet set = new WsChannelSet(names);
        CompletableFuture<String> id = new CompletableFuture<>();
        Op op = operations.startTask(new Operations.Spec(OperationClass.WEBSOCKET, "Migrating instance", res,
                new LinkedHashMap<>(set.fds()), false, null), ctx -> {
                    String opId = id.get();
                    try {
                        return instances.withLock(name, () -> {
                            try (Channels ch = Channels.listened(set, names)) {
                                return logged(name, () -> m.run(ch, ctx));
                            }
                        });
                    } finally {
                        sockets.remove(opId);
                        set.closeAll();
                    }
                });
        sockets.register(op.id(), set);
        id.complete(op.id());
        return op;
    }

    /** The downtime budget of a move: the request's {@code downtime_max}, else the instance's {@code migration.downtime.max}. */
    private Long budgetOf(String name, String requested) {
        if (requested != null && !requested.isBlank()) {
            return budget(requested, "downtime_max");
        }
        InstanceTable.Row r = instances.row(name);
        String v = io.jlxd.daemon.instance.Expand.config(instances.profileRows(r.profiles()), r.config()).get("migration.downtime.max");
        return v == null || v.isBlank() ? null : budget(v, "migration.downtime.max");
    }

    private static long budget(String v, String what) {
        try {
            return io.jlxd.api.config.ValueType.millis(v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid \"" + what + "\": " + e.getMessage());
        }
    }

    /**
     * What a budget makes of a live move, decided before anything is frozen: live, near-live, or a 400 with both
     * estimates. Without a budget: live, refused only for a CRIU blocker (checked by the caller).
     */
    private DowntimePlan plan(String name, String requested) {
        Long budget = budgetOf(name, requested);
        if (budget == null) {
            return null;
        }
        String blocker;
        try {
            blocker = instances.checkpoint(name, false).blockers().stream().findFirst().map(b -> b.reason()).orElse(null);
        } catch (Exception e) {
            blocker = e.getMessage();
        }
        DowntimePlan p = DowntimePlan.choose(budget, blocker, io.jlxd.daemon.instance.MigrationPreflight.expectedLiveDowntime(instances, name),
                io.jlxd.daemon.instance.MigrationPreflight.expectedNearLiveDowntime());
        LOG.info("migration of " + name + ": " + p.kind() + ": " + p.reason());
        if (p.kind() == DowntimePlan.Kind.REFUSE) {
            throw ApiException.badRequest(p.reason());
        }
        return p;
    }

    private interface Work {
        Map<String, Object> run() throws Exception;
    }

    private static Map<String, Object> logged(String name, Work w) throws Exception {
        try {
            return w.run();
        } catch (Exception e) {
            LOG.warning("migration of " + name + " failed, the instance stays here as it was: " + e.getMessage());
            throw e;
        }
    }

    private static PushTarget pushTarget(Object target) {
        try {
            PushTarget t = Json.strict().convertValue(target, PushTarget.class);
            if (t.operation() == null || t.operation().isEmpty()) {
                throw ApiException.badRequest("A push target needs \"operation\" (the target's operation URL)");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid \"target\": " + e.getMessage());
        }
    }

    private static X509Certificate cert(String pem) {
        try {
            return PeerTls.parse(pem);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid \"certificate\": " + e.getMessage());
        }
    }

    private static void requireSecrets(Map<String, String> secrets, List<String> names) {
        for (String n : names) {
            if (secrets == null || secrets.get(n) == null || secrets.get(n).isEmpty()) {
                throw ApiException.badRequest("Missing the secret of the \"" + n + "\" channel in \"secrets\"");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ target

    public Op target(String project, InstancesPost body, EventBus.Requestor who) {
        InstanceSource src = body.source();
        String mode = src.mode() == null || src.mode().isEmpty() ? "pull" : src.mode();
        if (!mode.equals("pull") && !mode.equals("push")) {
            throw ApiException.badRequest("Unknown migration mode \"" + mode + "\" (pull or push)");
        }
        boolean live = Boolean.TRUE.equals(src.live());
        Map<String, String> config = new TreeMap<>();
        Map<String, String> kept = new TreeMap<>();
        if (body.config() != null) {
            body.config().forEach((k, v) -> {
                if (!k.startsWith(InstanceConfigKeys.VOLATILE_PREFIX)) {
                    config.put(k, v);
                } else if (k.equals("volatile.base_image") || k.matches("volatile\\.[^.]+\\.hwaddr")) {
                    kept.put(k, v); // the MAC moves with the instance (its lease and address follow on a shared bridge)
                }
                // other volatile keys are this daemon's own (host names, id maps, power state)
            });
        }
        List<String> profiles = body.profiles() == null ? List.of("default") : body.profiles();
        boolean privileged = TargetMigration.privileged(instances, profiles, config);
        String operation = null;
        X509Certificate cert = null;
        Map<String, String> secrets = null;
        if (mode.equals("pull")) {
            operation = src.operation();
            if (operation == null || operation.isEmpty()) {
                throw ApiException.badRequest("A pull migration needs \"source.operation\" (the source's operation URL)");
            }
            cert = cert(src.certificate());
            secrets = src.secrets();
            requireSecrets(secrets, Channels.names(live));
        }
        InstancesPost req = new InstancesPost(body.name(), body.type(), src, body.architecture(), config, body.devices(),
                body.ephemeral(), body.profiles(), body.description(), false, body.instanceType(), null);
        TargetMigration t = new TargetMigration(instances, snapshots, sockets, who, kept, live, privileged, operation, cert, secrets,
                receivingMarker(body.name() == null ? "" : io.jlxd.daemon.project.ProjectKeys.key(project, body.name())));
        return instances.create(project, req, who, t);
    }
}
