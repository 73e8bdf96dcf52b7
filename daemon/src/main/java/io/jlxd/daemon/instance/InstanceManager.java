package io.jlxd.daemon.instance;

import io.jlxd.daemon.http.ConfigPatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.StatusCode;
import io.jlxd.api.config.InstanceConfigKeys;
import io.jlxd.api.instance.Instance;
import io.jlxd.api.instance.InstancePut;
import io.jlxd.api.instance.InstanceState;
import io.jlxd.api.instance.InstanceStatePut;
import io.jlxd.api.instance.InstancesPost;
import io.jlxd.api.instance.Names;
import io.jlxd.daemon.db.Database;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.IdMap;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import io.jlxd.daemon.instance.driver.Limits;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.OperationWork;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.storage.image.ImageUnpacker;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/** The instances service: what the routes call. State always comes from liblxc; nothing is cached. */
public final class InstanceManager {
    public static final String INSTANCES = "/1.0/instances";
    private static final Logger LOG = Logger.getLogger(InstanceManager.class.getName());
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(600);

    private final InstanceTable table;
    private final ProfileTable profiles;
    private final LxcContainerDriver driver;
    private final RootfsStorage storage;
    private final ImageProvider images;
    private final Operations operations;
    private final EventBus events;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final StatefulStop stateful;
    private final InstanceViews views;
    private volatile SnapshotHooks snapshots;
    private volatile io.jlxd.daemon.nic.InstanceNics nics = new io.jlxd.daemon.nic.InstanceNics(
            io.jlxd.daemon.network.NetworkAttachments.NONE);
    private volatile Runnable1 devicesChanged = n -> { };

    /** Called with an instance's name after its devices or running state changed (proxy devices follow). */
    public interface Runnable1 {
        void run(String name) throws java.io.IOException;
    }
    private volatile io.jlxd.daemon.db.RenameJournal renames;
    /** Without a database journal (tools, unit tests): renames are not journaled. */
    private static final io.jlxd.daemon.db.RenameJournal NO_JOURNAL = new io.jlxd.daemon.db.RenameJournal(null) {
        @Override
        public void begin(String from, String to) {
        }

        @Override
        public void end(String from) {
        }
    };
    private volatile io.jlxd.daemon.warnings.Warnings warnings = io.jlxd.daemon.warnings.Warnings.logOnly();

    public InstanceManager(InstanceTable table, ProfileTable profiles, LxcContainerDriver driver, RootfsStorage storage,
                           ImageProvider images, Operations operations, EventBus events) {
        this.table = table;
        this.profiles = profiles;
        this.driver = driver;
        this.storage = storage;
        this.images = images;
        this.operations = operations;
        this.events = events;
        this.stateful = new StatefulStop(driver, storage, table, new CheckpointCheck(driver));
        this.views = new InstanceViews(this, driver, storage);
    }

    /** Wires the NIC devices' service (its managed networks). */
    public void nics(io.jlxd.daemon.nic.InstanceNics value) {
        this.nics = value;
    }

    public io.jlxd.daemon.nic.InstanceNics nics() {
        return nics;
    }

    /** Wires what follows the devices of running instances (the proxy devices). */
    public void onDevicesChanged(Runnable1 value) {
        this.devicesChanged = value;
    }

    /** Lets the proxy devices follow the instance; failures are logged (see the update for a refusal instead). */
    public void devicesChanged(String name) {
        try {
            devicesChanged.run(name);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warning("devices of " + name + ": " + e.getMessage());
        }
    }

    /** The managed networks of an instance's NICs (profiles expanded), for {@code nicsChanged}. */
    private java.util.Set<String> networks(String name) {
        return table.get(name).map(r -> io.jlxd.daemon.nic.InstanceNics.networksOf(List.of(Expand.devices(profileRows(r.profiles()), r.devices()))))
                .orElse(java.util.Set.of());
    }

    /** Wires the snapshots service (it needs this manager, so it comes after construction). */
    /**
     * The rename journal, and at start (before any other recovery): renames a crash interrupted are settled under
     * the row's name, forward when the row was renamed, back when it was not. Returns what was done.
     */
    public String recoverRenames(io.jlxd.daemon.db.RenameJournal journal) {
        this.renames = journal;
        StringBuilder done = new StringBuilder();
        for (Map.Entry<String, String> e : journal.pending().entrySet()) {
            String from = e.getKey();
            String to = e.getValue();
            boolean forward = table.get(to).isPresent() && table.get(from).isEmpty();
            String now = forward ? to : from;
            String gone = forward ? from : to;
            try {
                storage.settleRename(from, to, forward);
                if (table.get(gone).isEmpty() && driver.exists(gone)) {
                    driver.delete(gone);
                }
                if (table.get(now).isPresent()) {
                    define(row(now));
                }
                journal.end(from);
                done.append(" rename of ").append(from).append(" to ").append(to).append(forward ? " finished;" : " undone;");
            } catch (Exception ex) {
                warnings.record("Interrupted rename not settled", io.jlxd.daemon.warnings.Warnings.Severity.HIGH, url(now),
                        "the rename of " + from + " to " + to + " that a crash interrupted could not be settled (tried again at"
                                + " the next start): " + ex.getMessage());
            }
        }
        return done.toString().strip();
    }

    /** Where failures met in the background go ({@code /1.0/warnings}). */
    public void warnings(io.jlxd.daemon.warnings.Warnings w) {
        this.warnings = w;
        stateful.warnings(w);
    }

    public io.jlxd.daemon.warnings.Warnings warnings() {
        return warnings;
    }

    public void snapshotHooks(SnapshotHooks hooks) {
        this.snapshots = hooks;
    }

    public RootfsStorage storage() {
        return storage;
    }

    public LxcContainerDriver driver() {
        return driver;
    }

    public InstanceTable table() {
        return table;
    }

    /** The API URL of an instance by key ({@code /1.0/instances/c1?project=p} outside default). */
    public static String url(String name) {
        return io.jlxd.daemon.project.ProjectKeys.instanceUrl(name);
    }

    private io.jlxd.daemon.project.Projects projects;

    /** The projects whose limits and restrictions instances are admitted against. */
    public void projects(io.jlxd.daemon.project.Projects value) {
        projects = value;
    }

    /** LXD's {@code restricted.snapshots}: throws when the instance's project forbids snapshots. */
    public void checkSnapshotAllowed(String key) {
        if (projects != null) {
            projects.checkSnapshot(key);
        }
    }

    /** Checks an instance's new expanded config and devices against its project, then stores it (atomically). */
    private <T> T admit(String key, Map<String, String> expanded, Map<String, Map<String, String>> devices,
                        java.util.function.Supplier<T> store) {
        if (projects == null) {
            return store.get();
        }
        return projects.admit(key, new io.jlxd.daemon.project.Projects.Expanded(expanded, devices), store);
    }

    // ------------------------------------------------------------------------------------------ reads

    public List<String> names() {
        return table.names();
    }

    public InstanceTable.Row row(String name) {
        return table.get(name).orElseThrow(() -> ApiException.notFound("Instance not found"));
    }

    private static final io.jlxd.daemon.project.ProjectFeatures.Feature PROFILES = io.jlxd.daemon.project.ProjectFeatures.Feature.PROFILES;

    /**
     * The stored keys of profiles named in {@code project} (its own with {@code features.profiles}, else default's);
     * 400 for a name that is no profile of that project.
     */
    public List<String> profileKeys(String project, List<String> names) {
        if (projects == null) {
            return names;
        }
        io.jlxd.daemon.project.ProjectFeatures f = projects.features();
        String owner = f.owner(project, PROFILES);
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String k = io.jlxd.daemon.project.ProjectKeys.key(owner, n);
            if (!f.ownedBy(k, PROFILES, owner) || profiles.get(k).isEmpty()) {
                throw ApiException.badRequest("Profile \"" + n + "\" not found");
            }
            out.add(k);
        }
        return out;
    }

    /**
     * The stored keys of profile names of {@code project}, whether or not they exist (a snapshot's profiles, which
     * may name profiles deleted since).
     */
    public List<String> profileKeysAsNamed(String project, List<String> names) {
        if (projects == null || names == null) {
            return names == null ? List.of() : names;
        }
        return names.stream().map(n -> projects.features().key(project, PROFILES, n)).toList();
    }

    /** The names (in their project) of stored profile keys, as the API shows them. */
    public List<String> profileNames(List<String> keys) {
        if (projects == null) {
            return keys;
        }
        return keys.stream().map(k -> projects.features().nameOfKey(k, PROFILES)).toList();
    }

    public List<ProfileTable.Row> profileRows(List<String> names) {
        List<ProfileTable.Row> out = new ArrayList<>();
        for (String p : names) {
            out.add(profiles.get(p).orElseThrow(() -> ApiException.badRequest("Profile \"" + p + "\" not found")));
        }
        return out;
    }

    public ContainerState containerState(String name) {
        return views.containerState(name);
    }

    public static StatusCode status(ContainerState s) {
        return InstanceViews.status(s);
    }

    /** {@link #view}'s expanded config alone: no look-up of the state (exec needs only this). */
    public Map<String, String> expandedConfig(InstanceTable.Row r) {
        Map<String, String> config = new TreeMap<>(r.config());
        config.putAll(r.volatileConfig());
        return Expand.config(profileRows(r.profiles()), config);
    }

    public Instance view(InstanceTable.Row r) {
        return views.view(r);
    }

    /** recursion=2: the instance with its state and snapshots. */
    public ObjectNode full(InstanceTable.Row r) {
        return views.full(r);
    }

    /** The ETag: writable fields, volatile keys excluded. */
    public static String etag(InstanceTable.Row r) {
        return Etag.of(r.architecture(), r.ephemeral(), r.profiles(), new TreeMap<>(r.devices()), new TreeMap<>(r.config()), r.description());
    }

    public InstanceState state(String name) {
        row(name);
        return views.state(name);
    }

    /** The snapshots service, once wired (null before). */
    SnapshotHooks snapshotHooks() {
        return snapshots;
    }

    /**
     * {@code GET .../checkpoint}: can CRIU checkpoint the instance; {@code probe}: with a trial dump, made under the
     * instance's lock (it waits for a running state change).
     */
    public io.jlxd.api.instance.InstanceCheckpoint checkpoint(String name, boolean probe) throws Exception {
        InstanceTable.Row r = row(name);
        Map<String, String> expanded = Expand.config(profileRows(r.profiles()), r.config());
        if (!probe) {
            return stateful.report(name, expanded, false);
        }
        return (io.jlxd.api.instance.InstanceCheckpoint) withLock(name, () -> Map.of("r", stateful.report(name, expanded, true))).get("r");
    }

    // ------------------------------------------------------------------------------------------ create

    public Op create(InstancesPost body, EventBus.Requestor who) {
        return create(io.jlxd.api.project.ProjectNames.DEFAULT, body, who, null);
    }

    /** Creates an instance in {@code project}: its key is {@code <project>_<name>} outside default. */
    public Op create(String project, InstancesPost body, EventBus.Requestor who) {
        return create(project, body, who, null);
    }

    /**
     * Creates an instance in {@code project} (key {@code <project>_<name>} outside default); its volume comes from
     * {@code receiver} when not null ({@code source.type: migration}).
     */
    public Op create(String project, InstancesPost body, EventBus.Requestor who, VolumeReceiver receiver) {
        String name = io.jlxd.daemon.project.ProjectKeys.key(project, validName(body.name()));
        if (body.type() != null && !body.type().isEmpty() && !body.type().equals("container")) {
            throw ApiException.badRequest("Unsupported instance type \"" + body.type() + "\" (only \"container\")");
        }
        if (body.instanceType() != null && !body.instanceType().isEmpty()) {
            throw ApiException.badRequest("instance_type is not supported");
        }
        Map<String, String> config = body.config() == null ? new TreeMap<>() : new TreeMap<>(body.config());
        validateConfig(config);
        Map<String, Map<String, String>> devices = body.devices() == null ? new TreeMap<>() : new TreeMap<>(body.devices());
        Expand.validateDevices(devices);
        List<String> profileNames = body.profiles() == null ? List.of("default") : List.copyOf(body.profiles());
        if (profileNames.stream().distinct().count() != profileNames.size()) {
            throw ApiException.badRequest("A profile is listed twice");
        }
        profileNames = profileKeys(project, profileNames);
        List<ProfileTable.Row> prof = profileRows(profileNames);
        Expand.requireRoot(Expand.devices(prof, devices));
        storage.checkDisks(name, Expand.devices(prof, devices));
        nics.validate(Expand.devices(prof, devices));
        Map<String, String> expanded = Expand.config(prof, config);
        if (body.source() == null || body.source().type() == null) {
            throw ApiException.badRequest("A source is required: {\"type\": \"image\", ...} or {\"type\": \"none\"}");
        }
        String sourceType = body.source().type();
        ImageProvider.Resolved image = null;
        if (sourceType.equals("image")) {
            String ref = body.source().fingerprint() != null && !body.source().fingerprint().isEmpty() ? body.source().fingerprint()
                    : body.source().alias();
            if (ref == null || ref.isEmpty()) {
                throw ApiException.badRequest("An image source needs a fingerprint or an alias");
            }
            try {
                image = images.resolve(project, ref).orElseThrow(() -> ApiException.notFound("Image not found: " + ref));
            } catch (java.io.IOException e) {
                throw ApiException.badRequest("Invalid image \"" + ref + "\": " + e.getMessage());
            }
        } else if (!sourceType.equals("none") && !(sourceType.equals("copy") && snapshots != null)
                && !(sourceType.equals("migration") && receiver != null)) {
            throw ApiException.badRequest("Unsupported source type \"" + sourceType + "\" (image, copy or none)");
        }
        Map<String, String> vol = new TreeMap<>();
        boolean privileged = "true".equals(expanded.get("security.privileged"));
        boolean copy = sourceType.equals("copy");
        String copyBase = copy ? snapshots.checkCopySource(body.source(), privileged) : null;
        if (copyBase != null) {
            vol.put("volatile.base_image", copyBase);
        }
        if (!privileged) {
            vol.put("volatile.idmap.base", Long.toString(SpecFactory.IDMAP_BASE));
        }
        vol.put("volatile.last_state.power", "STOPPED");
        if (receiver != null) {
            vol.putAll(receiver.volatileKeys());
        }
        io.jlxd.daemon.nic.InstanceNics.volatileChanges(Expand.devices(prof, devices), vol).forEach((k, v) -> {
            if (v != null) {
                vol.put(k, v);
            }
        });
        String arch = body.architecture() != null && !body.architecture().isEmpty() ? body.architecture() : hostArchitecture();
        if (image != null) {
            vol.put("volatile.base_image", image.fingerprint());
            image.properties().forEach((k, v) -> {
                if (k.matches("[a-z0-9_.-]+")) {
                    config.putIfAbsent("image." + k, v);
                }
            });
            arch = image.architecture();
        }
        try {
            SpecFactory.limits(expanded);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid limits: " + e.getMessage());
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        InstanceTable.Row row = new InstanceTable.Row(name, arch, Boolean.TRUE.equals(body.ephemeral()), false,
                body.description() == null ? "" : body.description(), now, now, config, vol, devices, profileNames);
        Map<String, Map<String, String>> expandedDevices = Expand.devices(prof, devices);
        if (!admit(name, expanded, expandedDevices, () -> table.create(row))) {
            throw ApiException.conflict("Instance \"" + body.name() + "\" already exists");
        }
        ImageProvider.Resolved img = image;
        boolean start = Boolean.TRUE.equals(body.start());
        Operations.Spec spec = new Operations.Spec(io.jlxd.api.OperationClass.TASK, "Creating instance",
                resources(name), null, true, null);
        Op created = operations.startTask(receiver == null ? spec : receiver.spec(spec), ctx -> withLock(name, () -> {
                    boolean volumeMade = false;
                    try {
                        IdMap map = privileged ? null : new IdMap(SpecFactory.IDMAP_BASE, SpecFactory.IDMAP_SIZE);
                        if (receiver != null) {
                            volumeMade = true; // what the receiver made is removed with the volume on failure
                            receiver.receive(name, ctx);
                        } else if (copy) {
                            snapshots.copyVolumes(body.source(), name);
                        } else if (img != null) {
                            int[] last = {-1};
                            storage.createFromImage(name, images, img.fingerprint(),
                                    map == null ? ImageUnpacker.IdShift.NONE : ImageUnpacker.IdShift.of(map.base(), map.size()),
                                    (done, total) -> {
                                        int pct = io.jlxd.storage.image.ProgressListener.percent(done, total);
                                        if (pct != last[0]) {
                                            last[0] = pct;
                                            ctx.updateMetadata(Map.of("create_instance_from_image_unpack_progress", "Unpack: " + pct + "%"));
                                        }
                                    }, ctx::isCancelled);
                        } else {
                            storage.createEmpty(name, map == null ? 0 : map.base());
                        }
                        volumeMade = true;
                        ctx.checkCancelled();
                        define(row(name));
                        nics.changed(networks(name));
                        events.lifecycle("instance-created", url(name), null, who);
                        if (receiver != null) {
                            receiver.finish(name, ctx);
                        }
                        if (start) {
                            doStart(name, who);
                        }
                        return null;
                    } catch (Exception | Error e) {
                        if (receiver != null) {
                            receiver.failed(e instanceof Exception ex ? ex : new RuntimeException(e));
                        }
                        revertCreate(name, volumeMade);
                        throw e;
                    }
                }));
        if (receiver != null) {
            receiver.registered(created);
        }
        return created;
    }

    /**
     * Starts a migrated instance under its lock: with {@code restoreState}, from the CRIU state its receiver put in
     * {@code <volume>/state} (a live migration; the state is removed once restored), else booted.
     */
    public void startMigrated(String name, boolean restoreState, EventBus.Requestor who) throws Exception {
        withLock(name, () -> {
            if (restoreState) {
                table.setStateful(name, true);
            }
            doStart(name, who, restoreState ? Boolean.TRUE : null);
            devicesChanged(name);
            return null;
        });
    }

    /** Where a saved CRIU state of an instance lives ({@code <volume>/state}). */
    public java.nio.file.Path stateDir(String name) {
        return stateful.dir(name);
    }

    /**
     * Undoes a failed creation: the container, then the volume, then the row. The row goes only once the volume is
     * gone: a row whose volume could not be removed stays (start-up recovery or a DELETE retries), never a volume
     * without its row. Failed undo steps become warnings.
     */
    private void revertCreate(String name, boolean volumeMade) {
        java.util.Set<String> nets = networks(name);
        try (io.jlxd.daemon.util.Reverter r = warnings.reverter(url(name))) {
            r.add("delete the row of " + name, () -> {
                if (java.nio.file.Files.exists(storage.volume(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalStateException("its volume is still there: the instance is kept (delete it to retry)");
                }
                table.delete(name);
            });
            r.add("delete the volume of " + name, () -> storage.delete(name));
            r.add("delete the container " + name, () -> {
                if (driver.exists(name)) {
                    ContainerState s = driver.state(name);
                    if (s.active()) {
                        driver.stop(name, true, Duration.ZERO);
                    }
                    driver.delete(name);
                }
            });
        } catch (io.jlxd.daemon.util.Reverter.UndoFailedException e) {
            // recorded as warnings by the reverter; the creation's own error is what the operation reports
        }
        nics.changed(nets);
        devicesChanged(name);
    }

    // ------------------------------------------------------------------------------------------ update

    /**
     * Validates and applies PUT (replace) or PATCH (merge) of the writable fields: in an operation when
     * {@code async} (PUT, as LXD), else at once, returning null (PATCH, as LXD).
     */
    public Op update(String name, InstancePut put, boolean patch, boolean async, EventBus.Requestor who) {
        InstanceTable.Row cur = row(name);
        if (put.restore() != null && !put.restore().isEmpty()) {
            throw ApiException.badRequest("restore is only accepted by PUT");
        }
        if (put.stateful() != null && put.stateful()) {
            throw ApiException.badRequest("stateful is read-only");
        }
        Map<String, String> config;
        Map<String, String> given = put.config() == null ? Map.of() : put.config();
        Map<String, String> userGiven = new TreeMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (e.getKey().startsWith(InstanceConfigKeys.VOLATILE_PREFIX)) {
                if (!e.getValue().equals(cur.volatileConfig().get(e.getKey()))) {
                    throw ApiException.badRequest("Key \"" + e.getKey() + "\" is owned by the daemon (volatile.*) and cannot be set");
                }
            } else {
                userGiven.put(e.getKey(), e.getValue());
            }
        }
        if (patch) {
            config = ConfigPatch.apply(cur.config(), userGiven, true);
            validateConfig(ConfigPatch.setKeys(userGiven));
        } else {
            config = userGiven;
            validateConfig(config);
        }
        Map<String, Map<String, String>> devices = put.devices() == null ? (patch ? cur.devices() : new TreeMap<>())
                : patch ? merged(cur.devices(), put.devices()) : new TreeMap<>(put.devices());
        Expand.validateDevices(devices);
        List<String> profileNames = put.profiles() == null ? (patch ? cur.profiles() : List.of())
                : profileKeys(io.jlxd.daemon.project.ProjectKeys.project(name), List.copyOf(put.profiles()));
        if (profileNames.stream().distinct().count() != profileNames.size()) {
            throw ApiException.badRequest("A profile is listed twice");
        }
        List<ProfileTable.Row> prof = profileRows(profileNames);
        Expand.requireRoot(Expand.devices(prof, devices));
        storage.checkDisks(name, Expand.devices(prof, devices));
        nics.validate(Expand.devices(prof, devices));
        Map<String, String> expanded = Expand.config(prof, config);
        try {
            SpecFactory.limits(expanded);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid limits: " + e.getMessage());
        }
        boolean privNow = "true".equals(Expand.config(profileRows(cur.profiles()), cur.config()).get("security.privileged"));
        if (privNow != "true".equals(expanded.get("security.privileged"))) {
            throw ApiException.badRequest("security.privileged cannot be changed after creation yet (the rootfs would need re-shifting)");
        }
        String arch = put.architecture() == null || put.architecture().isEmpty() ? cur.architecture() : put.architecture();
        if (!arch.equals(cur.architecture())) {
            throw ApiException.badRequest("The architecture of an instance cannot be changed");
        }
        boolean ephemeral = put.ephemeral() == null ? cur.ephemeral() : put.ephemeral();
        String description = put.description() == null ? (patch ? cur.description() : "") : put.description();
        InstanceTable.Row next = new InstanceTable.Row(name, arch, ephemeral, cur.stateful(), description, cur.createdAt(),
                cur.lastUsedAt(), config, cur.volatileConfig(), devices, profileNames);
        admit(name, expanded, Expand.devices(prof, devices), () -> null); // refused at once, before any operation
        OperationWork work = ctx -> withLock(name, () -> {
            InstanceTable.Row now = row(name);
            Map<String, Map<String, String>> devBefore = Expand.devices(profileRows(now.profiles()), now.devices());
            Map<String, Map<String, String>> devAfter = Expand.devices(prof, devices);
            Map<String, String> nicVolatile = io.jlxd.daemon.nic.InstanceNics.volatileChanges(devAfter, now.volatileConfig());
            Map<String, String> volAfter = io.jlxd.daemon.nic.InstanceNics.apply(now.volatileConfig(), nicVolatile);
            Runnable undoNics = () -> { };
            ContainerState cs = containerState(name);
            if (cs != null && cs.active()) {
                long pid = driver.initPid(name).orElse(-1);
                if (pid > 0) {
                    undoNics = nics.hotplug(pid, devBefore, now.volatileConfig(), devAfter, volAfter);
                }
            }
            admit(name, expanded, devAfter, () -> {
                table.update(next);
                return null;
            });
            try {
                nicVolatile.forEach((k, v) -> table.setVolatile(name, k, v));
                apply(name);
                hostPathMounts(name, Expand.devices(profileRows(cur.profiles()), cur.devices()));
                try {
                    devicesChanged.run(name);
                } catch (java.io.IOException e) {
                    throw ApiException.badRequest("A proxy device cannot start: " + e.getMessage());
                }
            } catch (RuntimeException | DriverException e) {
                undoNics.run();
                table.update(cur);
                now.volatileConfig().forEach((k, v) -> {
                    if (nicVolatile.containsKey(k)) {
                        table.setVolatile(name, k, v);
                    }
                });
                nicVolatile.keySet().stream().filter(k -> !now.volatileConfig().containsKey(k)).forEach(k -> table.setVolatile(name, k, null));
                apply(name);
                devicesChanged(name);
                throw e;
            }
            nics.changed(io.jlxd.daemon.nic.InstanceNics.networksOf(List.of(devBefore, devAfter)));
            List<ProfileTable.Row> curProf = profileRows(cur.profiles());
            stateful.updated(cur, Expand.config(curProf, cur.config()), Expand.devices(curProf, cur.devices()), expanded,
                    Expand.devices(prof, devices));
            events.lifecycle("instance-updated", url(name), null, who);
            return null;
        });
        if (!async) {
            try {
                work.run(null);
            } catch (ApiException | Database.DatabaseException e) {
                throw e;
            } catch (Exception e) {
                throw new ApiException(500, "Updating instance " + name + ": " + e.getMessage(), e);
            }
            return null;
        }
        return operations.startTask(Operations.Spec.task("Updating instance", resources(name)), work);
    }

    private static Map<String, Map<String, String>> merged(Map<String, Map<String, String>> cur, Map<String, Map<String, String>> add) {
        Map<String, Map<String, String>> out = new TreeMap<>(cur);
        out.putAll(add);
        return out;
    }

    /**
     * Host-path disks of a running container: after start ({@code before} null) the shifted ones; after a change
     * the difference with {@code before} (hot-plug). Nothing for a stopped container.
     */
    private void hostPathMounts(String name, Map<String, Map<String, String>> before) throws DriverException {
        java.util.OptionalInt pid = driver.initPid(name);
        if (pid.isEmpty()) {
            return;
        }
        InstanceTable.Row r = row(name);
        List<ProfileTable.Row> prof = profileRows(r.profiles());
        IdMap map = SpecFactory.idmap(Expand.config(prof, r.config()), r.volatileConfig());
        long rootId = map == null ? 0 : map.base();
        Map<String, Map<String, String>> devices = Expand.devices(prof, r.devices());
        if (before == null) {
            io.jlxd.daemon.storage.HostPathMounts.mountShifted(pid.getAsInt(), rootId, devices);
        } else {
            io.jlxd.daemon.storage.HostPathMounts.apply(pid.getAsInt(), rootId, before, devices);
        }
    }

    /** Re-defines a stopped container; applies limits live to a running one (the rest at its next start). */
    private void apply(String name) throws DriverException {
        ContainerState s = containerState(name);
        if (s == null || !s.active()) {
            define(row(name));
            return;
        }
        InstanceTable.Row r = row(name);
        Limits l = SpecFactory.limits(Expand.config(profileRows(r.profiles()), r.config()));
        long pid = driver.initPid(name).orElse(-1);
        if (pid > 0) {
            RuntimeState rs = RuntimeState.of(driver.cgroups(), pid);
            for (io.jlxd.daemon.instance.driver.CgroupWrites.Write w : io.jlxd.daemon.instance.driver.CgroupWrites.of(l, driver.cgroups())) {
                try {
                    rs.write(w);
                } catch (java.io.IOException e) {
                    // the caller puts the previous configuration back (and its limits)
                    throw ApiException.badRequest("The limit could not be applied to the running instance (" + w.controller()
                            + " on cgroup " + w.hierarchy().name().toLowerCase(java.util.Locale.ROOT) + "): " + e.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ delete, rename

    public Op delete(String name, EventBus.Requestor who) {
        row(name);
        requireStopped(name);
        return operations.startTask(Operations.Spec.task("Deleting instance", resources(name)), ctx -> withLock(name, () -> {
            requireStopped(name);
            java.util.Set<String> nets = networks(name);
            deleteDefinition(name);
            storage.delete(name);
            table.delete(name);
            nics.changed(nets);
            devicesChanged(name);
            events.lifecycle("instance-deleted", url(name), null, who);
            return null;
        }));
    }

    public Op rename(String name, String newShortName, EventBus.Requestor who) {
        row(name);
        validName(newShortName);
        String newName = io.jlxd.daemon.project.ProjectKeys.key(io.jlxd.daemon.project.ProjectKeys.project(name), newShortName);
        if (table.get(newName).isPresent()) {
            throw ApiException.conflict("Instance \"" + newShortName + "\" already exists");
        }
        requireStopped(name);
        Map<String, List<String>> res = Map.of("instances", List.of(url(name), url(newName)));
        return operations.startTask(Operations.Spec.task("Renaming instance", res), ctx -> withLock(name, () -> {
            requireStopped(name);
            // journaled: a crash between the row and the volume is settled at start (recoverRenames)
            io.jlxd.daemon.db.RenameJournal journal = renames != null ? renames : NO_JOURNAL;
            journal.begin(name, newName);
            try (io.jlxd.daemon.util.Reverter r = warnings.reverter(url(name))) {
                if (!table.rename(name, newName)) {
                    throw ApiException.conflict("Instance \"" + newName + "\" already exists");
                }
                r.add("rename the row " + newName + " back to " + name, () -> table.rename(newName, name));
                storage.rename(name, newName);
                r.add("rename the volume " + newName + " back to " + name, () -> storage.rename(newName, name));
                r.add("remove the definition of " + newName, () -> {
                    if (driver.exists(newName)) {
                        driver.delete(newName);
                    }
                });
                define(row(newName));
                deleteDefinition(name);
                r.success();
            } catch (Exception e) {
                if (java.util.Arrays.stream(e.getSuppressed()).noneMatch(s -> s instanceof io.jlxd.daemon.util.Reverter.UndoFailedException)) {
                    journal.end(name); // undone: nothing to settle; when an undo step failed the next start settles it
                }
                throw e;
            }
            journal.end(name);
            nics.changed(networks(newName));
            devicesChanged(name);
            events.lifecycle("instance-renamed", url(newName), Map.of("old_name", io.jlxd.daemon.project.ProjectKeys.name(name)), who);
            return null;
        }));
    }

    /**
     * Removes the LXC definition. Cgroups that the kernel has not released yet are only warned about: the driver
     * clears them before the next start of that name.
     */
    private void deleteDefinition(String name) throws DriverException {
        if (!driver.exists(name)) {
            return;
        }
        try {
            driver.delete(name);
        } catch (DriverException e) {
            if (driver.exists(name)) {
                throw e;
            }
            LOG.warning(e.getMessage());
        }
    }

    private void requireStopped(String name) {
        ContainerState s = containerState(name);
        if (s == null || s.active()) {
            throw ApiException.conflict("Instance is running");
        }
    }

    // ------------------------------------------------------------------------------------------ state

    public Op changeState(String name, InstanceStatePut put, EventBus.Requestor who) {
        row(name);
        String action = put.action() == null ? "" : put.action();
        if (!InstanceStatePut.ACTIONS.contains(action)) {
            throw ApiException.badRequest("Unknown action \"" + action + "\" (start, stop, restart, freeze or unfreeze)");
        }
        checkState(name, action);
        InstanceTable.Row cur = row(name);
        stateful.validate(cur, action, put.stateful(), Expand.config(profileRows(cur.profiles()), cur.config()));
        boolean statefulStop = action.equals("stop") && Boolean.TRUE.equals(put.stateful());
        boolean force = Boolean.TRUE.equals(put.force());
        Duration timeout = put.timeout() == null || put.timeout() < 0 ? DEFAULT_STOP_TIMEOUT : Duration.ofSeconds(put.timeout());
        String desc = switch (action) {
            case "start" -> "Starting instance";
            case "stop" -> "Stopping instance";
            case "restart" -> "Restarting instance";
            case "freeze" -> "Freezing instance";
            default -> "Unfreezing instance";
        };
        return operations.startTask(Operations.Spec.task(desc, resources(name)), ctx -> withLock(name, () -> {
            checkState(name, action);
            switch (action) {
                case "start" -> doStart(name, who, put.stateful());
                case "stop" -> {
                    if (statefulStop) {
                        InstanceTable.Row r = row(name);
                        stateful.stop(name, Expand.config(profileRows(r.profiles()), r.config()));
                        table.setVolatile(name, "volatile.last_state.power", "STOPPED");
                        events.lifecycle("instance-stopped", url(name), Map.of("stateful", true), who);
                    } else {
                        doStop(name, force, timeout, who);
                    }
                }
                case "restart" -> {
                    stopContainer(name, force, timeout);
                    startContainer(name);
                    events.lifecycle("instance-restarted", url(name), null, who);
                }
                case "freeze" -> {
                    driver.freeze(name);
                    events.lifecycle("instance-paused", url(name), null, who);
                }
                default -> {
                    driver.unfreeze(name);
                    events.lifecycle("instance-resumed", url(name), null, who);
                }
            }
            devicesChanged(name);
            return null;
        }));
    }

    private void checkState(String name, String action) {
        ContainerState s = containerState(name);
        boolean active = s != null && s.active();
        boolean frozen = s == ContainerState.FROZEN || s == ContainerState.FREEZING;
        switch (action) {
            case "start" -> {
                if (frozen) {
                    throw ApiException.badRequest("The instance is frozen (unfreeze it)");
                }
                if (active) {
                    throw ApiException.badRequest("The instance is already running");
                }
            }
            case "stop", "restart" -> {
                if (!active) {
                    throw ApiException.badRequest("The instance is not running");
                }
            }
            case "freeze" -> {
                if (!active) {
                    throw ApiException.badRequest("The instance is not running");
                }
                if (frozen) {
                    throw ApiException.badRequest("The instance is already frozen");
                }
            }
            default -> {
                if (!frozen) {
                    throw ApiException.badRequest("The instance is not frozen");
                }
            }
        }
    }

    private void doStart(String name, EventBus.Requestor who) throws DriverException, java.io.IOException {
        doStart(name, who, null);
    }

    /** Starts, restoring a saved state unless {@code statefulStart} is false (which discards it). */
    private void doStart(String name, EventBus.Requestor who, Boolean statefulStart) throws DriverException, java.io.IOException {
        InstanceTable.Row r = row(name);
        if (r.stateful() && !Boolean.FALSE.equals(statefulStart)) {
            define(r, true);
            nics.changed(networks(name));
        }
        if (stateful.restoreIfSaved(r, statefulStart)) {
            table.setVolatile(name, "volatile.last_state.power", "RUNNING");
            table.touch(name, OffsetDateTime.now(ZoneOffset.UTC));
            events.lifecycle("instance-started", url(name), Map.of("stateful", true), who);
            return;
        }
        startContainer(name);
        events.lifecycle("instance-started", url(name), null, who);
    }

    private void doStop(String name, boolean force, Duration timeout, EventBus.Requestor who) throws DriverException, java.io.IOException {
        stopContainer(name, force, timeout);
        events.lifecycle("instance-stopped", url(name), null, who);
        if (row(name).ephemeral()) {
            deleteDefinition(name);
            storage.delete(name);
            table.delete(name);
            events.lifecycle("instance-deleted", url(name), null, who);
        }
    }

    /** Defines and starts a stopped container, recording it as last RUNNING. */
    public void startContainer(String name) throws DriverException {
        define(row(name), true);
        nics.changed(networks(name)); // before the start: a NIC's DHCP reservation is in place for its first request
        try {
            driver.start(name);
        } catch (DriverException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            hostPathMounts(name, null);
        } catch (RuntimeException e) {
            driver.stop(name, true, Duration.ZERO);
            throw e;
        }
        table.setVolatile(name, "volatile.last_state.power", "RUNNING");
        table.touch(name, OffsetDateTime.now(ZoneOffset.UTC));
    }

    public void stopContainer(String name, boolean force, Duration timeout) throws DriverException {
        driver.stop(name, force, force ? Duration.ZERO : timeout);
        table.setVolatile(name, "volatile.last_state.power", "STOPPED");
    }

    /** Writes the LXC config from the instance's current expanded config. */
    public void define(InstanceTable.Row r) throws DriverException {
        define(r, false);
    }

    /**
     * Writes the LXC config; {@code starting}: the NICs' bridges must exist (a 400 naming the device otherwise).
     * NICs that have no generated MAC or host name yet (e.g. from a profile changed since) get them now.
     */
    public void define(InstanceTable.Row r, boolean starting) throws DriverException {
        List<ProfileTable.Row> prof = profileRows(r.profiles());
        Map<String, String> expanded = Expand.config(prof, r.config());
        Map<String, Map<String, String>> devs = Expand.devices(prof, r.devices());
        Map<String, String> nicVolatile = io.jlxd.daemon.nic.InstanceNics.volatileChanges(devs, r.volatileConfig());
        nicVolatile.forEach((k, v) -> table.setVolatile(r.name(), k, v));
        Map<String, String> vol = io.jlxd.daemon.nic.InstanceNics.apply(r.volatileConfig(), nicVolatile);
        try {
            IdMap map = SpecFactory.idmap(expanded, r.volatileConfig());
            List<io.jlxd.daemon.instance.driver.NicSpec> nicSpecs;
            try {
                nicSpecs = nics.specs(devs, vol);
            } catch (ApiException e) {
                if (starting) {
                    throw e;
                }
                nicSpecs = List.of(); // rewritten with the NICs at start, when their bridges must exist
            }
            driver.define(SpecFactory.build(r.name(), storage.rootfs(r.name()), expanded, map,
                    storage.diskMounts(r.name(), devs, map), nicSpecs));
        } catch (java.io.IOException e) {
            throw new DriverException(DriverException.Kind.FAILED, "preparing the disks of " + r.name() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid instance configuration: " + e.getMessage());
        } catch (DriverException e) {
            if (e.kind() == DriverException.Kind.INVALID_CONFIG) {
                throw ApiException.badRequest(e.getMessage());
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ autostart

    /**
     * Starts, in the background, instances with boot.autostart=true, or unset and last seen RUNNING (LXD's rule),
     * that are not running; waits boot.autostart.delay seconds after each.
     */
    public void autostart() {
        Thread.ofVirtual().name("autostart").start(() -> {
            for (String name : names()) {
                try {
                    InstanceTable.Row r = row(name);
                    Map<String, String> expanded = Expand.config(profileRows(r.profiles()), r.config());
                    String auto = expanded.getOrDefault("boot.autostart", "");
                    boolean want = auto.equals("true")
                            || (auto.isEmpty() && "RUNNING".equals(r.volatileConfig().get("volatile.last_state.power")));
                    ContainerState s = containerState(name);
                    if (!want || s == null || s.active()) {
                        continue;
                    }
                    withLock(name, () -> {
                        doStart(name, null);
                        devicesChanged(name);
                        return null;
                    });
                    LOG.info("autostarted instance " + name);
                    long delay = Long.parseLong(expanded.getOrDefault("boot.autostart.delay", "0"));
                    if (delay > 0) {
                        Thread.sleep(delay * 1000);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    LOG.warning("autostart of " + name + " failed: " + e.getMessage());
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Work under an instance's lock. */
    public interface Body {
        Map<String, Object> run() throws Exception;
    }

    /** Runs {@code body} holding the instance's lock (the one every lifecycle operation takes). */
    public Map<String, Object> withLock(String name, Body body) throws Exception {
        ReentrantLock l = locks.computeIfAbsent(name, k -> new ReentrantLock());
        l.lock();
        try {
            return body.run();
        } finally {
            l.unlock();
        }
    }

    private static Map<String, List<String>> resources(String name) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("instances", List.of(url(name)));
        return m;
    }

    static String validName(String name) {
        try {
            return Names.instance(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static void validateConfig(Map<String, String> config) {
        try {
            InstanceConfigKeys.validateUser(config);
            io.jlxd.snapshots.SnapshotConfig.validate(config);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static String hostArchitecture() {
        String a = System.getProperty("os.arch");
        return io.jlxd.storage.image.ImageMetadata.canonicalArchitecture(a).orElse(a);
    }
}
