package io.jlxd.daemon;

import io.jlxd.daemon.db.NetworkForwardTable;
import io.jlxd.daemon.db.NetworkTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.network.DefaultNetwork;
import io.jlxd.daemon.network.ManagedNetworks;
import io.jlxd.daemon.network.NetworkForwards;
import io.jlxd.daemon.network.NetworkUsers;
import io.jlxd.daemon.routes.NetworkForwardRoutes;
import io.jlxd.daemon.routes.NetworkRoutes;
import io.jlxd.daemon.routes.InstanceSnapshotRoutes;
import io.jlxd.daemon.snapshot.InstanceCopies;
import io.jlxd.daemon.snapshot.InstanceSnapshots;
import io.jlxd.daemon.snapshot.SnapshotRecovery;
import io.jlxd.daemon.snapshot.SnapshotRestore;
import io.jlxd.daemon.snapshot.SnapshotScheduler;
import io.helidon.webserver.WebServer;
import io.jlxd.api.config.ServerConfigKeys;
import io.jlxd.daemon.db.CertificateTable;
import io.jlxd.daemon.db.ConfigTable;
import io.jlxd.daemon.db.Database;
import io.jlxd.daemon.db.ImageTable;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.db.StoragePoolTable;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.routes.StoragePoolRoutes;
import io.jlxd.daemon.routes.StorageVolumeRoutes;
import io.jlxd.daemon.routes.StorageVolumeSnapshotRoutes;
import io.jlxd.daemon.routes.MetricsRoutes;
import io.jlxd.daemon.metrics.Metrics;
import io.jlxd.daemon.storage.CustomVolumes;
import io.jlxd.daemon.storage.InstanceDisks;
import io.jlxd.daemon.storage.PoolRootfsStorage;
import io.jlxd.daemon.storage.StoragePools;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.nic.InstanceNics;
import io.jlxd.daemon.proxy.ProxyDevices;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import io.jlxd.daemon.image.ImagePublisher;
import io.jlxd.daemon.image.ImageService;
import io.jlxd.daemon.image.ImageUploads;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.exec.ExecTargets;
import io.jlxd.daemon.exec.InstanceExecTargets;
import io.jlxd.daemon.host.HostInfo;
import io.jlxd.daemon.host.HostProbes;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Endpoints;
import io.jlxd.daemon.http.Router;
import io.jlxd.daemon.log.Logs;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.routes.CertificateRoutes;
import io.jlxd.daemon.routes.ConsoleRoutes;
import io.jlxd.daemon.routes.ExecRoutes;
import io.jlxd.daemon.routes.FileRoutes;
import io.jlxd.daemon.files.InstanceFiles;
import io.jlxd.daemon.routes.InstanceLogRoutes;
import io.jlxd.daemon.routes.ImageAliasRoutes;
import io.jlxd.daemon.routes.ImageRoutes;
import io.jlxd.daemon.routes.InstanceRoutes;
import io.jlxd.daemon.routes.OperationRoutes;
import io.jlxd.daemon.routes.ProfileRoutes;
import io.jlxd.daemon.routes.ServerRoutes;
import io.jlxd.daemon.server.HttpsListener;
import io.jlxd.daemon.server.Listener;
import io.jlxd.daemon.server.ServerConfig;
import io.jlxd.daemon.server.TrustStore;
import io.jlxd.daemon.server.TrustTokens;
import io.jlxd.daemon.server.ClientSockets;
import io.jlxd.daemon.server.CertificateReload;
import io.jlxd.daemon.server.PeerCredentials;
import io.jlxd.daemon.db.TrustTokenTable;
import io.jlxd.daemon.tls.ServerTls;
import io.jlxd.daemon.wsop.WsOperations;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The running daemon: wires the components together at start, and takes them down in reverse order. */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    /** Start-up options (see {@link Main}). */
    public record Options(Path dataDir, String group, Path logFile, boolean verbose, StoragePools.Defaults storage,
                          boolean defaultNetwork) {
        public Options(Path dataDir, String group, Path logFile, boolean verbose) {
            this(dataDir, group, logFile, verbose, StoragePools.Defaults.DIR, true);
        }

        public Options(Path dataDir, String group, Path logFile, boolean verbose, StoragePools.Defaults storage) {
            this(dataDir, group, logFile, verbose, storage, true);
        }
    }

    private final DataDir dir;
    private final Database db;
    private final EventBus events;
    private final Operations operations;
    private final ServerConfig config;
    private final HttpsListener https;
    private final WebServer unix;
    private final SnapshotScheduler scheduler;
    private final LxcContainerDriver driver;
    private final ProxyDevices proxies;
    private ManagedNetworks networks;
    private HttpsListener metricsListener;

    private Daemon(DataDir dir, Database db, EventBus events, Operations operations, ServerConfig config,
                   HttpsListener https, WebServer unix, SnapshotScheduler scheduler, LxcContainerDriver driver,
                   ProxyDevices proxies) {
        this.proxies = proxies;
        this.scheduler = scheduler;
        this.driver = driver;
        this.dir = dir;
        this.db = db;
        this.events = events;
        this.operations = operations;
        this.config = config;
        this.https = https;
        this.unix = unix;
    }

    public static Daemon start(Options o) throws Exception {
        io.jlxd.daemon.security.Umask.set(io.jlxd.daemon.security.Umask.DAEMON);
        DataDir dir = DataDir.lock(o.dataDir());
        try {
            io.jlxd.daemon.security.HostPermissions.dataDir(dir.root());
            Logs.setup(o.logFile() != null ? o.logFile() : dir.logs().resolve("jlxd.log"), o.verbose());
            HostProbes probes = HostProbes.start();
            HostInfo host = HostInfo.read();
            Files.createDirectories(dir.database().getParent());
            LOG.fine(() -> "start: logging and probes started after " + uptimeMs() + " ms");
            Database db = Database.open(dir.database());
            LOG.fine(() -> "start: database open after " + uptimeMs() + " ms");
            EventBus events = new EventBus(host.hostname());
            io.jlxd.daemon.warnings.Warnings warnings = new io.jlxd.daemon.warnings.Warnings(
                    new io.jlxd.daemon.db.WarningTable(db), host.hostname());
            Logs.toEvents(events);
            ServerTls cert = ServerTls.load(dir.root(), host.hostname());
            LOG.fine(() -> "start: certificate loaded after " + uptimeMs() + " ms");
            ServerConfig config = new ServerConfig(new ConfigTable(db));
            TrustStore trust = new TrustStore(new CertificateTable(db));
            Operations operations = new Operations(events, host.hostname());
            TrustTokens tokens = new TrustTokens(new TrustTokenTable(db), operations);
            HttpsListener https = new HttpsListener(cert, trust, events);
            ImageService images = ImageService.open(dir.root().resolve("images"), new ImageTable(db));
            ProfileTable profiles = new ProfileTable(db);
            LxcContainerDriver driver = LxcContainerDriver.forDataDir(dir.root());
            InstanceTable instanceTable = new InstanceTable(db);
            StoragePools pools = StoragePools.open(dir.root(), new StoragePoolTable(db), new StorageVolumeTable(db), o.storage(), warnings);
            Expand.poolExists = pools::exists;
            InstanceDisks disks = new InstanceDisks(instanceTable, profiles);
            PoolRootfsStorage rootfs = new PoolRootfsStorage(pools, disks);
            rootfs.adoptLegacy(instanceTable.names());
            images.onDelete(pools::deleteImageVolumes);
            LOG.fine(() -> "start: storage pools mounted after " + uptimeMs() + " ms");
            ManagedNetworks networks = ManagedNetworks.open(dir.root(), new NetworkTable(db), new NetworkForwardTable(db),
                    new NetworkUsers(instanceTable, profiles), o.defaultNetwork(), name -> DefaultNetwork.addToDefaultProfile(profiles, name));
            LOG.fine(() -> "start: networks up after " + uptimeMs() + " ms");
            InstanceManager instances = new InstanceManager(instanceTable, profiles, driver, rootfs, images, operations, events);
            instances.nics(new InstanceNics(networks));
            ProxyDevices proxies = new ProxyDevices(instances);
            instances.onDevicesChanged(proxies::sync);
            CustomVolumes customVolumes = new CustomVolumes(pools, disks, n -> {
                var s = instances.containerState(n);
                return s == null || s.active();
            });
            InstanceSnapshots snapshots = new InstanceSnapshots(instances, new SnapshotTable(db), operations, events,
                    java.time.Clock.systemDefaultZone());
            InstanceCopies copies = new InstanceCopies(snapshots);
            instances.snapshotHooks(copies);
            instances.warnings(warnings);
            SnapshotRestore restore = new SnapshotRestore(snapshots);
            // a partly received migration goes first: the other recoveries would take it for an interrupted operation
            WsOperations sockets = new WsOperations();
            io.jlxd.daemon.migration.MigrationService migrations = new io.jlxd.daemon.migration.MigrationService(instances,
                    new SnapshotTable(db), operations, sockets, dir.root().resolve("migration"));
            String migrated = migrations.recover();
            if (!migrated.isEmpty()) {
                LOG.warning("start-up recovery: " + migrated);
            }
            String renamed = instances.recoverRenames(new io.jlxd.daemon.db.RenameJournal(db));
            String repaired = (renamed + " " + SnapshotRecovery.run(snapshots, restore)).strip();
            if (!repaired.isEmpty()) {
                LOG.warning("start-up recovery:" + (repaired.startsWith(" ") ? "" : " ") + repaired);
            }
            // garbage collection by reachability: once now, then after every failed operation (at a quiet moment)
            io.jlxd.daemon.gc.GarbageCollector gc = new io.jlxd.daemon.gc.GarbageCollector(dir.root(), instanceTable,
                    new NetworkTable(db), driver, pools, warnings, ManagedNetworks.ownerMark(dir.root()));
            gc.collect();
            gc.startBackground(io.jlxd.daemon.ops.ActivityGate.GLOBAL, operations);
            operations.onFailure(gc::request);
            SnapshotScheduler scheduler = new SnapshotScheduler(snapshots);
            ExecTargets execTargets = new InstanceExecTargets(instances);
            io.jlxd.daemon.project.Projects projects = ProjectWiring.wire(db, instanceTable, instances, disks, images, profiles, pools);
            List<io.jlxd.daemon.http.Endpoint> endpoints = Endpoints.all(new Endpoints.Routes(
                    new ServerRoutes(config, host, probes, cert, https, events),
                    new OperationRoutes(operations),
                    new CertificateRoutes(trust, tokens, cert, https, config, events, projects::exists),
                    new ImageRoutes(images, new ImageUploads(images, operations, events),
                            new ImagePublisher(images, instances, operations, events), operations, events),
                    new ImageAliasRoutes(images, events),
                    new InstanceRoutes(instances, copies, restore, projects, migrations),
                    new ProfileRoutes(profiles, events, projects.features(),
                            (key, next) -> io.jlxd.daemon.project.ProfileChecks.check(projects, instanceTable, profiles, key, next)),
                    new ExecRoutes(driver, execTargets, operations, sockets),
                    new InstanceLogRoutes(driver, execTargets),
                    new FileRoutes(new InstanceFiles(instances, driver, rootfs), events),
                    new ConsoleRoutes(driver, execTargets, operations, sockets, events),
                    new InstanceSnapshotRoutes(snapshots, migrations),
                    new StoragePoolRoutes(pools, disks, events),
                    volumeRoutes(pools, customVolumes, operations, events, projects),
                    new StorageVolumeSnapshotRoutes(customVolumes, operations, events, projects.features()),
                    new MetricsRoutes(new Metrics(instances, pools, operations)),
                    new NetworkRoutes(networks, events),
                    new NetworkForwardRoutes(new NetworkForwards(networks), events),
                    new io.jlxd.daemon.routes.WarningRoutes(warnings),
                    new io.jlxd.daemon.routes.ProjectRoutes(projects, operations, events),
                    new io.jlxd.daemon.routes.MigrationCheckRoutes(new io.jlxd.daemon.instance.MigrationPreflight(instances,
                            operations, rootfs::poolOf, pool -> pools.get(pool).name(), n -> snapshots.list(n).size()))));
            Router router = new Router(endpoints);
            router.projectExists(projects::exists);
            router.sharedWithDefault((project, template) -> {
                var f = io.jlxd.daemon.project.ProjectFeatures.Feature.ofRoute(template);
                return f != null && !projects.features().on(project, f);
            });
            https.router(router);
            https.sockets(sockets);
            config.addApplier(https);
            try {
                config.applyAtStart();
            } catch (Exception e) {
                LOG.warning("HTTPS listener not started (" + ServerConfigKeys.HTTPS_ADDRESS + "="
                        + config.get(ServerConfigKeys.HTTPS_ADDRESS) + "): " + e.getMessage());
            }
            // core.metrics_address: LXD's separate metrics server (GET /, /1.0 and /1.0/metrics only, same trust)
            HttpsListener metricsListener = new HttpsListener(cert, trust, events, ServerConfigKeys.METRICS_ADDRESS, "metrics listener");
            metricsListener.router(new Router(endpoints.stream().filter(e -> e.method() == io.helidon.http.Method.GET
                    && List.of("/", "/1.0", "/1.0/metrics").contains(e.path())).toList()));
            try {
                metricsListener.apply(Map.of(), Map.of(ServerConfigKeys.METRICS_ADDRESS, config.get(ServerConfigKeys.METRICS_ADDRESS)));
            } catch (Exception e) {
                LOG.warning("metrics listener not started (" + ServerConfigKeys.METRICS_ADDRESS + "="
                        + config.get(ServerConfigKeys.METRICS_ADDRESS) + "): " + e.getMessage());
            }
            config.addApplier(metricsListener);
            // open trust tokens are operations again before the socket answers (a client must not see them missing)
            tokens.restore(cert.current().fingerprint(), https.addresses());
            WebServer unix = startUnix(dir.socket(), o.group(), router, events, sockets);
            CertificateReload.onSighup(cert, https, metricsListener);
            LOG.info("jlxd " + ServerRoutes.VERSION + " ready on " + dir.socket() + " (pid " + ProcessHandle.current().pid()
                    + ", " + uptimeMs() + " ms after main)");
            proxies.startAll();
            instances.autostart();
            scheduler.start();
            Daemon daemon = new Daemon(dir, db, events, operations, config, https, unix, scheduler, driver, proxies);
            daemon.networks = networks;
            daemon.metricsListener = metricsListener;
            return daemon;
        } catch (Exception | Error e) {
            dir.close();
            throw e;
        }
    }

    /** Milliseconds since main() began: the daemon's own start-up work (the JVM's boot before it is in bench/). */
    private static long uptimeMs() {
        return (System.nanoTime() - Main.STARTED_NANOS) / 1_000_000;
    }

    private static WebServer startUnix(Path socket, String group, Router router, EventBus events, WsOperations sockets)
            throws IOException {
        Files.deleteIfExists(socket);
        WebServer server = Listener.start(UnixDomainSocketAddress.of(socket), null, router,
                req -> ApiRequest.Caller.unix(changing(req) ? PeerCredentials.describe(req) : ""), events,
                session -> e -> true, sockets,
                new ClientSockets(fp -> true));
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null && !group.isEmpty()) {
                GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(g);
            }
        } catch (IOException e) {
            server.stop();
            throw new IOException("cannot set up " + socket + (group == null ? "" : " for group " + group) + ": " + e.getMessage(), e);
        }
        return server;
    }

    /** Requests that change something: their caller is logged, so its peer credentials are read. */
    private static boolean changing(io.helidon.webserver.http.ServerRequest req) {
        String m = req.prologue().method().text();
        return !m.equals("GET") && !m.equals("HEAD");
    }

    /** Stops serving, lets running operations finish (up to core.shutdown_timeout) and releases everything. */
    @Override
    public void close() {
        LOG.info("jlxd shutting down");
        scheduler.stop();
        https.stop();
        if (metricsListener != null) {
            metricsListener.stop();
        }
        unix.stop();
        try {
            long timeout = Long.parseLong(config.get(ServerConfigKeys.SHUTDOWN_TIMEOUT));
            if (!operations.drain(Duration.ofSeconds(timeout))) {
                LOG.warning("operations still running after " + timeout + " s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
        proxies.close();
        if (networks != null) {
            networks.detach();
        }
        driver.removeEmptyCgroupTops();
        try {
            db.close();
            Files.deleteIfExists(dir.socket());
            dir.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "shutdown", e);
        }
        LOG.info("jlxd stopped");
    }

    /** The storage volume routes, with LXD's limits.disk check of custom volumes against their project. */
    private static StorageVolumeRoutes volumeRoutes(StoragePools pools, CustomVolumes custom, io.jlxd.daemon.ops.Operations operations,
                                                   io.jlxd.daemon.events.EventBus events, io.jlxd.daemon.project.Projects projects) {
        StorageVolumeRoutes r = new StorageVolumeRoutes(pools, custom, operations, events, projects.features());
        r.volumeCheck(projects::checkVolume);
        return r;
    }
}
