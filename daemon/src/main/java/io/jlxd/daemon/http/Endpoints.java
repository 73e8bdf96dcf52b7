package io.jlxd.daemon.http;

import static io.helidon.http.Method.DELETE;
import static io.helidon.http.Method.GET;
import static io.helidon.http.Method.HEAD;
import static io.helidon.http.Method.PATCH;
import static io.helidon.http.Method.POST;
import static io.helidon.http.Method.PUT;
import static io.jlxd.daemon.http.Access.METRICS;
import static io.jlxd.daemon.http.Access.PROJECT;
import static io.jlxd.daemon.http.Access.PUBLIC;
import static io.jlxd.daemon.http.Access.TRUSTED;

import io.jlxd.daemon.routes.CertificateRoutes;
import io.jlxd.daemon.routes.ConsoleRoutes;
import io.jlxd.daemon.routes.ExecRoutes;
import io.jlxd.daemon.routes.FileRoutes;
import io.jlxd.daemon.routes.InstanceLogRoutes;
import io.jlxd.daemon.routes.ImageAliasRoutes;
import io.jlxd.daemon.routes.ImageRoutes;
import io.jlxd.daemon.routes.InstanceRoutes;
import io.jlxd.daemon.routes.InstanceSnapshotRoutes;
import io.jlxd.daemon.routes.NetworkForwardRoutes;
import io.jlxd.daemon.routes.NetworkRoutes;
import io.jlxd.daemon.routes.OperationRoutes;
import io.jlxd.daemon.routes.ProfileRoutes;
import io.jlxd.daemon.routes.ProjectRoutes;
import io.jlxd.daemon.routes.ServerRoutes;
import io.jlxd.daemon.routes.StoragePoolRoutes;
import io.jlxd.daemon.routes.StorageVolumeRoutes;
import io.jlxd.daemon.routes.StorageVolumeSnapshotRoutes;
import io.jlxd.daemon.routes.MetricsRoutes;
import io.jlxd.daemon.routes.MigrationCheckRoutes;
import io.jlxd.daemon.routes.WarningRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * THE table of REST endpoints: every route the daemon serves is one line here, and {@code openapi.yaml} describes
 * each of them (a unit test compares the two). Websocket endpoints are served by the listener's WsRouting; their
 * plain-HTTP line here answers 400 to a request that is not an upgrade.
 */
public final class Endpoints {
    private Endpoints() {
    }

    /** The handlers of every resource family. */
    public record Routes(ServerRoutes server, OperationRoutes operations, CertificateRoutes certificates,
                         ImageRoutes images, ImageAliasRoutes imageAliases, InstanceRoutes instances, ProfileRoutes profiles,
                         ExecRoutes exec, InstanceLogRoutes logs, FileRoutes files, ConsoleRoutes console,
                         InstanceSnapshotRoutes snapshots,
                         StoragePoolRoutes storagePools, StorageVolumeRoutes storageVolumes,
                         StorageVolumeSnapshotRoutes storageVolumeSnapshots, MetricsRoutes metrics,
                         NetworkRoutes networks, NetworkForwardRoutes networkForwards, WarningRoutes warnings,
                         ProjectRoutes projects, MigrationCheckRoutes migrationCheck) {
    }

    /**
     * Path prefixes served as aliases of others (LXD 5.0 still serves {@code /1.0/containers/...} for
     * {@code /1.0/instances/...}): every endpoint under the value is served under the key too, same handler and
     * access. openapi.yaml lists each alias path as a {@code $ref} to its target; docs/api.md in its alias table.
     */
    public static final Map<String, String> ALIASES = Map.of("/1.0/containers", "/1.0/instances");

    public static List<Endpoint> all(Routes r) {
        return withAliases(List.of(
                // access: PUBLIC = anyone (untrusted HTTPS too); PROJECT = full trust or a certificate restricted to
                // projects that include the request's project; TRUSTED = full trust only (server-wide actions);
                // METRICS = full trust or a certificate of type metrics
                // method  path                                    access   handler                           summary
                new Endpoint(GET, "/", PUBLIC, r.server()::root, "API versions"),
                new Endpoint(GET, "/1.0", PUBLIC, r.server()::get, "Server information and configuration"),
                new Endpoint(PUT, "/1.0", TRUSTED, r.server()::put, "Replace the server configuration"),
                new Endpoint(PATCH, "/1.0", TRUSTED, r.server()::patch, "Update server configuration keys"),
                new Endpoint(GET, "/1.0/resources", TRUSTED, r.server()::resources, "The host's CPUs, memory, disks and network cards"),
                new Endpoint(GET, "/1.0/events", PROJECT, Endpoints::websocketOnly, "Event stream (websocket)"),
                new Endpoint(GET, "/1.0/operations", PROJECT, r.operations()::list, "List operations"),
                new Endpoint(GET, "/1.0/operations/{id}", PROJECT, r.operations()::get, "Show an operation"),
                new Endpoint(DELETE, "/1.0/operations/{id}", PROJECT, r.operations()::delete, "Cancel an operation"),
                new Endpoint(GET, "/1.0/operations/{id}/wait", PROJECT, r.operations()::await, "Wait for an operation"),
                new Endpoint(GET, "/1.0/operations/{id}/websocket", PUBLIC, Endpoints::websocketOnly, "Connect to a websocket operation's channel (websocket; the secret is the credential)"),
                new Endpoint(GET, "/1.0/certificates", TRUSTED, r.certificates()::list, "List trusted certificates"),
                new Endpoint(POST, "/1.0/certificates", PUBLIC, r.certificates()::post, "Trust a certificate, create or redeem a trust token"),
                new Endpoint(GET, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::get, "Show a trusted certificate"),
                new Endpoint(PUT, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::put, "Replace a trusted certificate's name, restrictions, description or certificate"),
                new Endpoint(PATCH, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::patch, "Update a trusted certificate's fields"),
                new Endpoint(DELETE, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::delete, "Remove a trusted certificate (its client is cut off at once)"),
                // projects (issue 9): a restricted certificate sees its own and changes none
                new Endpoint(GET, "/1.0/projects", PROJECT, r.projects()::list, "List projects (a restricted certificate: its own)"),
                new Endpoint(POST, "/1.0/projects", TRUSTED, r.projects()::create, "Create a project"),
                new Endpoint(GET, "/1.0/projects/{name}", PROJECT, r.projects()::get, "Show a project"),
                new Endpoint(PUT, "/1.0/projects/{name}", TRUSTED, r.projects()::put, "Replace a project's description and config"),
                new Endpoint(PATCH, "/1.0/projects/{name}", TRUSTED, r.projects()::patch, "Update a project's description and config"),
                new Endpoint(POST, "/1.0/projects/{name}", TRUSTED, r.projects()::rename, "Rename an empty project"),
                new Endpoint(DELETE, "/1.0/projects/{name}", TRUSTED, r.projects()::delete, "Delete an empty project"),
                new Endpoint(GET, "/1.0/projects/{name}/state", PROJECT, r.projects()::state, "Usage of a project against its limits"),
                // images (B)
                new Endpoint(GET, "/1.0/images", PUBLIC, r.images()::list, "List images (public ones for untrusted callers)"),
                new Endpoint(POST, "/1.0/images", PROJECT, r.images()::post, "Upload an image (unified tarball or multipart metadata + rootfs)"),
                new Endpoint(GET, "/1.0/images/aliases", PUBLIC, r.imageAliases()::list, "List image aliases"),
                new Endpoint(POST, "/1.0/images/aliases", PROJECT, r.imageAliases()::post, "Create an image alias"),
                new Endpoint(GET, "/1.0/images/aliases/{name}", PUBLIC, r.imageAliases()::get, "Show an image alias"),
                new Endpoint(PUT, "/1.0/images/aliases/{name}", PROJECT, r.imageAliases()::put, "Replace an image alias"),
                new Endpoint(PATCH, "/1.0/images/aliases/{name}", PROJECT, r.imageAliases()::patch, "Update an image alias"),
                new Endpoint(POST, "/1.0/images/aliases/{name}", PROJECT, r.imageAliases()::rename, "Rename an image alias"),
                new Endpoint(DELETE, "/1.0/images/aliases/{name}", PROJECT, r.imageAliases()::delete, "Delete an image alias"),
                new Endpoint(GET, "/1.0/images/{fingerprint}", PUBLIC, r.images()::get, "Show an image"),
                new Endpoint(PUT, "/1.0/images/{fingerprint}", PROJECT, r.images()::put, "Replace an image's writable fields"),
                new Endpoint(PATCH, "/1.0/images/{fingerprint}", PROJECT, r.images()::patch, "Update an image's writable fields"),
                new Endpoint(DELETE, "/1.0/images/{fingerprint}", PROJECT, r.images()::delete, "Delete an image"),
                new Endpoint(GET, "/1.0/images/{fingerprint}/export", PUBLIC, r.images()::export, "Download an image"),
                // exec, logs and console (C)
                new Endpoint(POST, "/1.0/instances/{name}/exec", PROJECT, r.exec()::post, "Run a command in a running instance"),
                new Endpoint(GET, "/1.0/instances/{name}/console", PROJECT, r.console()::get, "Console log of an instance (type=log)"),
                new Endpoint(POST, "/1.0/instances/{name}/console", PROJECT, r.console()::post, "Attach to an instance's console (websocket operation)"),
                new Endpoint(DELETE, "/1.0/instances/{name}/console", PROJECT, r.console()::delete, "Clear an instance's console log"),
                // files (H2)
                new Endpoint(GET, "/1.0/instances/{name}/files", PROJECT, r.files()::get, "Download a file, list a directory or read a symlink of an instance"),
                new Endpoint(HEAD, "/1.0/instances/{name}/files", PROJECT, r.files()::head, "File headers (type, owner, mode) without the content"),
                new Endpoint(POST, "/1.0/instances/{name}/files", PROJECT, r.files()::post, "Create or write a file, directory or symlink in an instance"),
                new Endpoint(DELETE, "/1.0/instances/{name}/files", PROJECT, r.files()::delete, "Delete a file, symlink or empty directory of an instance"),
                new Endpoint(GET, "/1.0/instances/{name}/logs", PROJECT, r.logs()::list, "List an instance's log files"),
                new Endpoint(GET, "/1.0/instances/{name}/logs/exec-output", PROJECT, r.logs()::listOutput, "List recorded exec output files"),
                new Endpoint(GET, "/1.0/instances/{name}/logs/exec-output/{file}", PROJECT, r.logs()::getOutput, "Download a recorded exec output file"),
                new Endpoint(DELETE, "/1.0/instances/{name}/logs/exec-output/{file}", PROJECT, r.logs()::deleteOutput, "Delete a recorded exec output file"),
                new Endpoint(GET, "/1.0/instances/{name}/logs/{file}", PROJECT, r.logs()::get, "Download a log file"),
                new Endpoint(DELETE, "/1.0/instances/{name}/logs/{file}", PROJECT, r.logs()::delete, "Delete a log file"),
                // instances and profiles (A)
                new Endpoint(GET, "/1.0/instances", PROJECT, r.instances()::list, "List instances"),
                new Endpoint(POST, "/1.0/instances", PROJECT, r.instances()::create, "Create an instance"),
                new Endpoint(GET, "/1.0/instances/{name}", PROJECT, r.instances()::get, "Show an instance"),
                new Endpoint(PUT, "/1.0/instances/{name}", PROJECT, r.instances()::put, "Replace an instance's writable fields"),
                new Endpoint(PATCH, "/1.0/instances/{name}", PROJECT, r.instances()::patch, "Update an instance's writable fields"),
                new Endpoint(DELETE, "/1.0/instances/{name}", PROJECT, r.instances()::delete, "Delete a stopped instance"),
                new Endpoint(POST, "/1.0/instances/{name}", PROJECT, r.instances()::rename, "Rename a stopped instance, or migrate it to another daemon (migration: true)"),
                new Endpoint(GET, "/1.0/instances/{name}/state", PROJECT, r.instances()::getState, "Runtime state of an instance"),
                new Endpoint(PUT, "/1.0/instances/{name}/state", PROJECT, r.instances()::putState, "Start, stop, restart, freeze or unfreeze an instance"),
                new Endpoint(GET, "/1.0/instances/{name}/checkpoint", PROJECT, r.instances()::checkpoint, "Whether CRIU can checkpoint an instance (stateful stop), and what blocks it"),
                new Endpoint(GET, "/1.0/instances/{name}/migration", PROJECT, r.migrationCheck()::get, "Pre-flight of a move: what blocks a live migration, bytes to move and the expected freeze"),
                // instance snapshots (issue 4); restore is PUT /1.0/instances/{name} with "restore"
                new Endpoint(GET, "/1.0/instances/{name}/snapshots", PROJECT, r.snapshots()::list, "List an instance's snapshots"),
                new Endpoint(POST, "/1.0/instances/{name}/snapshots", PROJECT, r.snapshots()::create, "Snapshot an instance"),
                new Endpoint(GET, "/1.0/instances/{name}/snapshots/{snap}", PROJECT, r.snapshots()::get, "Show a snapshot"),
                new Endpoint(PUT, "/1.0/instances/{name}/snapshots/{snap}", PROJECT, r.snapshots()::put, "Replace a snapshot's expiry"),
                new Endpoint(PATCH, "/1.0/instances/{name}/snapshots/{snap}", PROJECT, r.snapshots()::patch, "Update a snapshot's expiry"),
                new Endpoint(POST, "/1.0/instances/{name}/snapshots/{snap}", PROJECT, r.snapshots()::rename, "Rename a snapshot or send it to another daemon"),
                new Endpoint(DELETE, "/1.0/instances/{name}/snapshots/{snap}", PROJECT, r.snapshots()::delete, "Delete a snapshot"),
                new Endpoint(GET, "/1.0/profiles", PROJECT, r.profiles()::list, "List profiles"),
                new Endpoint(POST, "/1.0/profiles", PROJECT, r.profiles()::create, "Create a profile"),
                new Endpoint(GET, "/1.0/profiles/{name}", PROJECT, r.profiles()::get, "Show a profile"),
                new Endpoint(PUT, "/1.0/profiles/{name}", PROJECT, r.profiles()::put, "Replace a profile"),
                new Endpoint(PATCH, "/1.0/profiles/{name}", PROJECT, r.profiles()::patch, "Update a profile"),
                new Endpoint(DELETE, "/1.0/profiles/{name}", PROJECT, r.profiles()::delete, "Delete an unused profile"),
                new Endpoint(POST, "/1.0/profiles/{name}", PROJECT, r.profiles()::rename, "Rename a profile"),
                // storage pools and volumes (issue 4)
                new Endpoint(GET, "/1.0/storage-pools", PROJECT, r.storagePools()::list, "List storage pools"),
                new Endpoint(POST, "/1.0/storage-pools", TRUSTED, r.storagePools()::create, "Create a storage pool"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}", PROJECT, r.storagePools()::get, "Show a storage pool"),
                new Endpoint(PUT, "/1.0/storage-pools/{pool}", TRUSTED, r.storagePools()::put, "Replace a storage pool's description and config"),
                new Endpoint(PATCH, "/1.0/storage-pools/{pool}", TRUSTED, r.storagePools()::patch, "Update a storage pool's description and config"),
                new Endpoint(DELETE, "/1.0/storage-pools/{pool}", TRUSTED, r.storagePools()::delete, "Delete a storage pool without volumes"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/resources", TRUSTED, r.storagePools()::resources, "Space used and total of a storage pool"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes", PROJECT, r.storageVolumes()::listAll, "List the volumes of a pool"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes/{type}", PROJECT, r.storageVolumes()::listType, "List the volumes of one type"),
                new Endpoint(POST, "/1.0/storage-pools/{pool}/volumes/{type}", PROJECT, r.storageVolumes()::create, "Create (or copy) a custom volume"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes/{type}/{name}", PROJECT, r.storageVolumes()::get, "Show a volume"),
                new Endpoint(PUT, "/1.0/storage-pools/{pool}/volumes/{type}/{name}", PROJECT, r.storageVolumes()::put, "Replace a custom volume's description and config, or restore a snapshot"),
                new Endpoint(PATCH, "/1.0/storage-pools/{pool}/volumes/{type}/{name}", PROJECT, r.storageVolumes()::patch, "Update a custom volume's description and config"),
                new Endpoint(POST, "/1.0/storage-pools/{pool}/volumes/{type}/{name}", PROJECT, r.storageVolumes()::rename, "Rename a custom volume"),
                new Endpoint(DELETE, "/1.0/storage-pools/{pool}/volumes/{type}/{name}", PROJECT, r.storageVolumes()::delete, "Delete a custom volume"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/state", PROJECT, r.storageVolumes()::state, "A volume's disk usage"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots", PROJECT, r.storageVolumeSnapshots()::list, "List a custom volume's snapshots"),
                new Endpoint(POST, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots", PROJECT, r.storageVolumeSnapshots()::create, "Snapshot a custom volume"),
                new Endpoint(GET, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots/{snap}", PROJECT, r.storageVolumeSnapshots()::get, "Show a volume snapshot"),
                new Endpoint(PUT, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots/{snap}", PROJECT, r.storageVolumeSnapshots()::put, "Update a volume snapshot's description and expiry"),
                new Endpoint(POST, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots/{snap}", PROJECT, r.storageVolumeSnapshots()::rename, "Rename a volume snapshot"),
                new Endpoint(DELETE, "/1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots/{snap}", PROJECT, r.storageVolumeSnapshots()::delete, "Delete a volume snapshot"),
                new Endpoint(GET, "/1.0/metrics", METRICS, r.metrics()::get, "Metrics in Prometheus text format"),
                // managed networks and forwards (issue 8)
                new Endpoint(GET, "/1.0/networks", PROJECT, r.networks()::list, "List networks (managed bridges and the host's interfaces)"),
                new Endpoint(POST, "/1.0/networks", TRUSTED, r.networks()::create, "Create a managed bridge"),
                new Endpoint(GET, "/1.0/networks/{name}", PROJECT, r.networks()::get, "Show a network"),
                new Endpoint(PUT, "/1.0/networks/{name}", TRUSTED, r.networks()::put, "Replace a network's description and config"),
                new Endpoint(PATCH, "/1.0/networks/{name}", TRUSTED, r.networks()::patch, "Update a network's description and config keys"),
                new Endpoint(POST, "/1.0/networks/{name}", TRUSTED, r.networks()::rename, "Rename a network"),
                new Endpoint(DELETE, "/1.0/networks/{name}", TRUSTED, r.networks()::delete, "Delete an unused network"),
                new Endpoint(GET, "/1.0/networks/{name}/leases", PROJECT, r.networks()::leases, "DHCP leases and reservations of a network"),
                new Endpoint(GET, "/1.0/networks/{name}/state", PROJECT, r.networks()::state, "Addresses, counters and link state of a network"),
                new Endpoint(GET, "/1.0/networks/{name}/forwards", PROJECT, r.networkForwards()::list, "List a network's forwards"),
                new Endpoint(POST, "/1.0/networks/{name}/forwards", TRUSTED, r.networkForwards()::create, "Create a network forward"),
                new Endpoint(GET, "/1.0/networks/{name}/forwards/{listen_address}", PROJECT, r.networkForwards()::get, "Show a network forward"),
                new Endpoint(PUT, "/1.0/networks/{name}/forwards/{listen_address}", TRUSTED, r.networkForwards()::put, "Replace a network forward"),
                new Endpoint(PATCH, "/1.0/networks/{name}/forwards/{listen_address}", TRUSTED, r.networkForwards()::patch, "Update a network forward"),
                new Endpoint(DELETE, "/1.0/networks/{name}/forwards/{listen_address}", TRUSTED, r.networkForwards()::delete, "Delete a network forward"),
                // warnings (issue 12)
                new Endpoint(GET, "/1.0/warnings", TRUSTED, r.warnings()::list, "List warnings"),
                new Endpoint(GET, "/1.0/warnings/{uuid}", TRUSTED, r.warnings()::get, "Show a warning"),
                new Endpoint(PUT, "/1.0/warnings/{uuid}", TRUSTED, r.warnings()::put, "Set a warning's status (acknowledged or new)"),
                new Endpoint(PATCH, "/1.0/warnings/{uuid}", TRUSTED, r.warnings()::put, "Set a warning's status (acknowledged or new)"),
                new Endpoint(DELETE, "/1.0/warnings/{uuid}", TRUSTED, r.warnings()::delete, "Delete a warning")));
    }

    /** The table plus, for every endpoint under an {@link #ALIASES} target, the same endpoint under the alias. */
    static List<Endpoint> withAliases(List<Endpoint> table) {
        List<Endpoint> out = new ArrayList<>(table);
        for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
            for (Endpoint e : table) {
                String target = alias.getValue();
                if (e.path().equals(target) || e.path().startsWith(target + "/")) {
                    out.add(new Endpoint(e.method(), alias.getKey() + e.path().substring(target.length()), e.access(),
                            e.handler(), e.summary() + " (alias of " + e.path() + ")"));
                }
            }
        }
        return List.copyOf(out);
    }

    private static Reply websocketOnly(ApiRequest req) {
        throw ApiException.badRequest("This endpoint needs a websocket upgrade (Connection: Upgrade, Upgrade: websocket)");
    }
}
