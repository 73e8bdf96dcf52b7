package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.client.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code jlxc move --dry-run}: the source daemon's pre-flight of a move ({@code GET /1.0/instances/NAME/migration}:
 * what blocks a live move there, bytes to move, estimated downtime) joined with what the client can check across
 * the two daemons: CRIU on the target, storage drivers, whether the target already has the name, and whether the
 * daemon that must dial the other for this mode can (the other must listen on the network). Nothing is changed.
 */
public record Preflight(TransferRequest request, boolean live, JsonNode source, JsonNode targetServer,
                        List<String> blockers, List<String> notes) {

    public static Preflight report(TransferRequest req, Peer from, Peer to, boolean live) throws IOException {
        JsonNode check = from.client().get(InstanceTransfer.instancePath(req.sourceName()) + "/migration").metadata();
        JsonNode targetServer = to.server();
        List<String> blockers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean running = check.path("status").asText("").equalsIgnoreCase("Running");
        boolean liveMove = live && running;
        if (liveMove) {
            for (JsonNode b : check.path("blockers")) {
                String hint = b.path("hint").asText("");
                blockers.add(b.path("reason").asText() + (hint.isEmpty() ? "" : " (" + hint + ")"));
            }
            String targetCriu = targetServer.path("environment").path("criu_version").asText("");
            if (targetCriu.isEmpty()) {
                blockers.add("CRIU is not installed on the target (remote \"" + to.remote() + "\")");
            } else {
                String sourceCriu = check.path("criu_version").asText("");
                if (!sourceCriu.isEmpty() && !sourceCriu.equals(targetCriu)) {
                    notes.add("CRIU versions differ: " + sourceCriu + " on the source, " + targetCriu + " on the target");
                }
            }
        }
        try {
            to.client().get(InstanceTransfer.instancePath(req.destName()));
            blockers.add("The target (remote \"" + to.remote() + "\") already has an instance named \"" + req.destName() + "\"");
        } catch (ApiException e) {
            if (e.errorCode() != 404) {
                throw e;
            }
        }
        switch (req.mode()) {
            case PULL -> {
                if (from.urls().isEmpty()) {
                    blockers.add("The source (remote \"" + from.remote() + "\") isn't listening on the network, which pull mode"
                            + " needs (set core.https_address, or use --mode push or relay)");
                }
            }
            case PUSH -> {
                if (to.urls().isEmpty()) {
                    blockers.add("The target (remote \"" + to.remote() + "\") isn't listening on the network, which push mode"
                            + " needs (set core.https_address, or use --mode pull or relay)");
                }
            }
            case RELAY -> notes.add("relay mode: every byte passes through this client");
        }
        String driver = check.path("storage_driver").asText("");
        List<String> targetDrivers = new ArrayList<>();
        targetServer.path("environment").path("storage_supported_drivers").forEach(d -> targetDrivers.add(d.path("name").asText()));
        if (!driver.isEmpty()) {
            notes.add("storage: " + driver + " on the source; the target supports " + String.join(", ", targetDrivers)
                    + (driver.equals("btrfs") && targetDrivers.contains("btrfs") ? " (btrfs send/receive between btrfs pools)"
                    : " (rsync)"));
        }
        check.path("notes").forEach(n -> notes.add(n.asText()));
        return new Preflight(req, liveMove, check, targetServer, blockers, notes);
    }

    /** The report as printed. */
    public String render() {
        StringBuilder s = new StringBuilder();
        String kind = live ? "live (CRIU)" : source.path("status").asText("").equalsIgnoreCase("Running")
                ? "stateless (near-live: copy while running, stop, final sync, start)" : "cold (the instance is stopped)";
        s.append("Move ").append(request.sourceLabel()).append(" to ").append(request.destLabel())
                .append(" (mode ").append(request.mode().wire()).append("): ").append(kind).append('\n');
        s.append("Status: ").append(source.path("status").asText("unknown")).append('\n');
        if (blockers.isEmpty()) {
            s.append("Blockers: none\n");
        } else {
            s.append("Blockers:\n");
            blockers.forEach(b -> s.append("  - ").append(b).append('\n'));
        }
        JsonNode e = source.path("estimate");
        s.append("To move: root filesystem ").append(ProgressView.size(e.path("rootfs_bytes").asLong(0)));
        int snaps = source.path("snapshots").asInt(0);
        if (snaps > 0 && !request.instanceOnly()) {
            s.append(", ").append(snaps).append(snaps == 1 ? " snapshot" : " snapshots");
        }
        if (live) {
            s.append(", memory ").append(ProgressView.size(e.path("memory_bytes").asLong(0)))
                    .append(" (").append(e.path("processes").asInt(0)).append(" processes)");
        }
        s.append('\n');
        if (live) {
            s.append("Estimated downtime: ").append(seconds(e.path("downtime_ms").asLong(-1))).append(" frozen (")
                    .append(e.path("downtime_basis").asText("estimate")).append(")\n");
        }
        s.append("Source: CRIU ").append(or(source.path("criu_version").asText(""), "not installed"))
                .append(", storage ").append(or(source.path("storage_driver").asText(""), "?"))
                .append(" (pool ").append(or(source.path("storage_pool").asText(""), "?")).append(")\n");
        s.append("Target: CRIU ").append(or(targetServer.path("environment").path("criu_version").asText(""), "not installed"))
                .append('\n');
        if (!notes.isEmpty()) {
            s.append("Notes:\n");
            notes.forEach(n -> s.append("  - ").append(n).append('\n'));
        }
        return s.toString();
    }

    private static String or(String s, String fallback) {
        return s.isEmpty() ? fallback : s;
    }

    private static String seconds(long ms) {
        return ms < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }
}
