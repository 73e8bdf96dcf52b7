package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash and fault injection: random sequences of create, start, stop, stateful stop, snapshot, restore, copy, rename,
 * delete, image import/delete, custom volume create/attach/delete and network create/delete, with the daemon killed
 * (SIGKILL) in the middle of a random operation at a random moment — and now and then again during its start-up
 * recovery. After every restart the database, the storage pool, liblxc and the host must agree ({@link #problems}):
 * no half-made instance, snapshot, volume, image or network, no orphan row, file, cgroup, monitor, bridge, veth, nft
 * table, dnsmasq or helper process, and the containers that were running and not touched by the killed operation
 * still running with the same init. At the end everything is deleted through the API and nothing may remain.
 *
 * <p>{@code -Djlxd.crash.rounds=N} (default 6 for CI; each round is a few completed operations and one kill),
 * {@code -Djlxd.crash.seed=S} repeats a run's sequence (printed at the start; the kill moments are random delays,
 * so a seed repeats the operations, not the exact instant of each kill).
 */
class CrashHarnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = Integer.getInteger("jlxd.crash.rounds", 6);
    private static final long SEED = Long.getLong("jlxd.crash.seed", new Random().nextLong());
    private static final String POOL = "default";
    private static final int MAX_INSTANCES = 5;

    private static JlxdDaemon daemon;
    private static HostState host;
    private static String busybox;
    private static String netPrefix;
    private static List<String> baselineMounts;

    private final Random rnd = new Random(SEED);
    private int counter;
    private int completed;
    private int refused;
    private int kills;
    private int recoveryKills;
    private final Map<String, Integer> opCounts = new TreeMap<>();
    private final Map<String, Integer> durations = new TreeMap<>();
    private final List<String> findings = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        System.out.println("CrashHarnessTest: seed " + SEED + " (-Djlxd.crash.seed=" + SEED + "), rounds " + ROUNDS);
        daemon = JlxdDaemon.start();
        // the crashes are the point: start-up recovery says at WARNING what it repaired (ERROR lines still fail)
        daemon.allowWarnings("^\\S+ WARNING ");
        Instances.openTempRoot(daemon);
        host = new HostState(daemon.dataDir());
        netPrefix = "jth" + HexFormat.of().formatHex(new byte[] {(byte) new Random().nextInt()}).substring(0, 2);
        busybox = upload(Files.readAllBytes(Instances.busyboxImage())).path("metadata").path("metadata").path("fingerprint").asText();
        baselineMounts = host.mounts();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon == null) {
            return;
        }
        try {
            if (daemon.isAlive()) {
                Instances.cleanup(daemon);
                for (String n : managedNetworks()) {
                    call("DELETE", "/1.0/networks/" + n, null);
                }
            }
        } finally {
            daemon.close();
            for (String t : HostState.nftTables("jlxd-" + netPrefix)) {
                HostState.run("nft", "delete", "table", t.split(" ")[0], t.split(" ")[1]);
            }
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.HOURS)
    void randomOperationsAndKillsLeaveEverythingConsistent() throws Exception {
        assertNoProblems("after the first start");
        for (int round = 1; round <= ROUNDS; round++) {
            int before = rnd.nextInt(4);
            for (int i = 0; i < before; i++) {
                Op op = pick();
                if (op != null) {
                    long t0 = System.nanoTime();
                    Outcome o = op.run();
                    durations.put(op.kind, (int) Math.max(1, (System.nanoTime() - t0) / 1_000_000));
                    record(op, o, round);
                }
            }
            Op victim = pick();
            crashDuring(victim, round);
            assertNoProblems("round " + round + " (killed during " + (victim == null ? "nothing" : victim.label) + ")");
        }
        deleteEverything();
        List<String> left = problems();
        left.addAll(leftovers());
        System.out.printf("CrashHarnessTest: seed %d, %d rounds, %d operations completed, %d refused (4xx), %d kills survived"
                + " (%d during start-up recovery); operations: %s%n", SEED, ROUNDS, completed, refused, kills, recoveryKills, opCounts);
        assertEquals(List.of(), findings, "operations that failed (seed " + SEED + ")");
        assertEquals(List.of(), left, "left after deleting everything (seed " + SEED + ")");
    }

    // ---------------------------------------------------------------- the kill

    private void crashDuring(Op op, int round) throws Exception {
        Map<String, Long> untouched = runningInits(op == null ? Set.of() : op.touches);
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        Thread t = null;
        if (op != null) {
            t = Thread.ofVirtual().start(() -> {
                try {
                    outcome.set(op.run());
                } catch (IOException e) {
                    outcome.set(new Outcome(0, "cut by the kill", e.getMessage()));
                } catch (Throwable e) {
                    outcome.set(new Outcome(-1, "failed before the kill", e.toString()));
                }
            });
        }
        // kill somewhere within the time this kind of operation took when it last completed (or its default)
        int window = op == null ? 50 : Math.max(20, durations.getOrDefault(op.kind, op.killWindowMs) * 6 / 5);
        int delay = rnd.nextInt(window);
        Thread.sleep(delay); // the kill moment is random on purpose: this is the fault, not a wait for a condition
        daemon.crash();
        kills++;
        if (t != null) {
            t.join(30_000);
        }
        Outcome o = outcome.get();
        System.out.printf("round %d: killed %d ms into %s (%s)%n", round, delay, op == null ? "idle" : op.label,
                o == null ? "in flight" : o.describe());
        if (op != null) {
            opCounts.merge(op.kind + " (killed)", 1, Integer::sum);
        }
        if (o != null && (o.status < 0 || o.status >= 500 || (o.status == 202 && !o.opError.isEmpty()))) {
            findings.add("round " + round + ": " + op.label + " → " + o.describe());
        }
        if (rnd.nextInt(6) == 0) {
            daemon.launch();
            int d2 = 100 + rnd.nextInt(900);
            Thread.sleep(d2);
            daemon.crash();
            recoveryKills++;
            kills++;
            System.out.printf("round %d: killed the restarted daemon %d ms into its start%n", round, d2);
        }
        daemon.startProcess();
        for (var e : untouched.entrySet()) {
            JsonNode st = call("GET", "/1.0/instances/" + e.getKey() + "/state", null).path("metadata");
            if (!"Running".equals(st.path("status").asText()) || st.path("pid").asLong() != e.getValue()) {
                findings.add("round " + round + ": " + e.getKey() + " was running (init " + e.getValue() + ") and not touched by "
                        + (op == null ? "anything" : op.label) + "; after the restart: " + st);
            }
        }
    }

    private Map<String, Long> runningInits(Set<String> except) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode i : call("GET", "/1.0/instances?recursion=1", null).path("metadata")) {
            String n = i.get("name").asText();
            if ("Running".equals(i.path("status").asText()) && !except.contains(n)) {
                out.put(n, call("GET", "/1.0/instances/" + n + "/state", null).path("metadata").path("pid").asLong());
            }
        }
        return out;
    }

    private void record(Op op, Outcome o, int round) {
        opCounts.merge(op.kind, 1, Integer::sum);
        if (o.status >= 500 || o.status < 0) {
            findings.add("round " + round + ": " + op.label + " → " + o.describe());
        } else if (o.status >= 400) {
            refused++;
        } else if (o.opError != null && !o.opError.isEmpty()) {
            findings.add("round " + round + ": " + op.label + " → operation failed: " + o.opError);
        } else {
            completed++;
        }
    }

    // ---------------------------------------------------------------- choosing an operation

    /** An operation valid for the current state (null when none is). */
    private Op pick() throws IOException {
        Map<String, JsonNode> inst = new LinkedHashMap<>();
        for (JsonNode i : call("GET", "/1.0/instances?recursion=1", null).path("metadata")) {
            inst.put(i.get("name").asText(), i);
        }
        List<String> running = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        inst.forEach((n, i) -> ("Running".equals(i.path("status").asText()) ? running : stopped).add(n));
        Map<String, List<String>> snaps = new TreeMap<>();
        for (String n : inst.keySet()) {
            List<String> s = new ArrayList<>();
            for (JsonNode u : call("GET", "/1.0/instances/" + n + "/snapshots", null).path("metadata")) {
                s.add(u.asText().substring(u.asText().lastIndexOf('/') + 1));
            }
            snaps.put(n, s);
        }
        List<String> freeVolumes = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        for (JsonNode v : call("GET", "/1.0/storage-pools/" + POOL + "/volumes/custom?recursion=1", null).path("metadata")) {
            volumes.add(v.get("name").asText());
            if (v.path("used_by").isEmpty()) {
                freeVolumes.add(v.get("name").asText());
            }
        }
        List<String> tinyImages = new ArrayList<>();
        for (JsonNode i : call("GET", "/1.0/images?recursion=1", null).path("metadata")) {
            if (i.path("properties").path("os").asText().startsWith("crash")) {
                tinyImages.add(i.get("fingerprint").asText());
            }
        }
        List<String> nets = managedNetworks();
        List<String> freeNets = new ArrayList<>();
        for (String n : nets) {
            if (call("GET", "/1.0/networks/" + n, null).path("metadata").path("used_by").isEmpty()) {
                freeNets.add(n);
            }
        }

        for (int attempt = 0; attempt < 50; attempt++) {
            switch (rnd.nextInt(16)) {
                case 0, 1 -> {
                    if (inst.size() < MAX_INSTANCES) {
                        String name = "k" + (++counter);
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("name", name);
                        body.put("source", Map.of("type", "image", "fingerprint", busybox));
                        if (!nets.isEmpty() && rnd.nextBoolean()) {
                            body.put("devices", Map.of("eth0", Map.of("type", "nic", "network", nets.get(rnd.nextInt(nets.size())), "name", "eth0")));
                        }
                        return new Op("create", "create " + name, "POST", "/1.0/instances", json(body), Set.of(name), 1500);
                    }
                }
                case 2, 3 -> {
                    if (!stopped.isEmpty()) {
                        String n = any(stopped);
                        return new Op("start", "start " + n, "PUT", "/1.0/instances/" + n + "/state",
                                json(Map.of("action", "start")), Set.of(n), 400);
                    }
                }
                case 4 -> {
                    if (!running.isEmpty()) {
                        String n = any(running);
                        return new Op("stop", "stop " + n, "PUT", "/1.0/instances/" + n + "/state",
                                json(Map.of("action", "stop", "force", true)), Set.of(n), 300);
                    }
                }
                case 5 -> {
                    if (!running.isEmpty()) {
                        String n = any(running);
                        return new Op("stateful-stop", "stateful stop " + n, "PUT", "/1.0/instances/" + n + "/state",
                                json(Map.of("action", "stop", "stateful", true)), Set.of(n), 1200);
                    }
                }
                case 6, 7 -> {
                    if (!inst.isEmpty()) {
                        String n = any(new ArrayList<>(inst.keySet()));
                        String s = "s" + (++counter);
                        return new Op("snapshot", "snapshot " + n + "/" + s, "POST", "/1.0/instances/" + n + "/snapshots",
                                json(Map.of("name", s)), Set.of(n), 600);
                    }
                }
                case 8 -> {
                    List<String> c = stopped.stream().filter(n -> !snaps.get(n).isEmpty()).toList();
                    if (!c.isEmpty()) {
                        String n = any(c);
                        String s = any(snaps.get(n));
                        return new Op("restore", "restore " + n + "/" + s, "PUT", "/1.0/instances/" + n,
                                json(Map.of("restore", s)), Set.of(n), 700);
                    }
                }
                case 9 -> {
                    if (!inst.isEmpty() && inst.size() < MAX_INSTANCES) {
                        String src = any(new ArrayList<>(inst.keySet()));
                        String name = "k" + (++counter);
                        return new Op("copy", "copy " + src + " to " + name, "POST", "/1.0/instances",
                                json(Map.of("name", name, "source", Map.of("type", "copy", "source", src))), Set.of(src, name), 1500);
                    }
                }
                case 10 -> {
                    if (!stopped.isEmpty()) {
                        String n = any(stopped);
                        String to = "k" + (++counter);
                        return new Op("rename", "rename " + n + " to " + to, "POST", "/1.0/instances/" + n,
                                json(Map.of("name", to)), Set.of(n, to), 300);
                    }
                }
                case 11 -> {
                    if (!stopped.isEmpty()) {
                        String n = any(stopped);
                        return new Op("delete", "delete " + n, "DELETE", "/1.0/instances/" + n, null, Set.of(n), 400);
                    }
                }
                case 12 -> {
                    if (tinyImages.size() < 3 || rnd.nextBoolean()) {
                        String os = "crash" + (++counter);
                        byte[] tar = new TarBuilder().file("metadata.yaml", TarBuilder.metadataYaml(os)).dir("rootfs/")
                                .dir("rootfs/etc/").file("rootfs/etc/hello", "hello " + os + " " + rnd.nextLong() + "\n").build();
                        return new Op("image-import", "import image " + os, "POST", "/1.0/images", tar, "application/octet-stream",
                                Set.of(), 300);
                    } else {
                        String fp = any(tinyImages);
                        return new Op("image-delete", "delete image " + fp.substring(0, 12), "DELETE", "/1.0/images/" + fp, null,
                                Set.of(), 200);
                    }
                }
                case 13 -> {
                    if (volumes.size() < 4) {
                        String v = "v" + (++counter);
                        return new Op("volume-create", "create volume " + v, "POST", "/1.0/storage-pools/" + POOL + "/volumes/custom",
                                json(Map.of("name", v, "config", Map.of())), Set.of(), 200);
                    } else if (!freeVolumes.isEmpty()) {
                        String v = any(freeVolumes);
                        return new Op("volume-delete", "delete volume " + v, "DELETE",
                                "/1.0/storage-pools/" + POOL + "/volumes/custom/" + v, null, Set.of(), 200);
                    }
                }
                case 14 -> {
                    if (!freeVolumes.isEmpty() && !stopped.isEmpty()) {
                        String n = any(stopped);
                        String v = any(freeVolumes);
                        return new Op("volume-attach", "attach " + v + " to " + n, "PATCH", "/1.0/instances/" + n,
                                json(Map.of("devices", Map.of(v, Map.of("type", "disk", "pool", POOL, "source", v, "path", "/mnt/" + v)))),
                                Set.of(n), 200);
                    }
                }
                default -> {
                    if (nets.size() < 2) {
                        String n = netPrefix + (++counter);
                        return new Op("network-create", "create network " + n, "POST", "/1.0/networks",
                                json(Map.of("name", n, "config", Map.of("ipv4.address", "auto", "ipv6.address", "none"))), Set.of(), 500);
                    } else if (!freeNets.isEmpty()) {
                        String n = any(freeNets);
                        return new Op("network-delete", "delete network " + n, "DELETE", "/1.0/networks/" + n, null, Set.of(), 300);
                    }
                }
            }
        }
        return null;
    }

    private String any(List<String> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    // ---------------------------------------------------------------- consistency

    private void assertNoProblems(String when) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> p = problems();
        while (!p.isEmpty() && System.nanoTime() < deadline) {
            JlxdDaemon.sleep(250); // start-up work in the background (dnsmasq) may still be settling
            p = problems();
        }
        if (!p.isEmpty()) {
            throw new AssertionError("inconsistent " + when + " (seed " + SEED + "):\n  " + String.join("\n  ", p)
                    + "\n---- daemon stderr (end):\n" + JlxdDaemon.tail(daemon.stderr()));
        }
    }

    /** Every disagreement between API, database, pool, liblxc and host. */
    private List<String> problems() {
        List<String> p = new ArrayList<>();
        try {
            Path pool = daemon.dataDir().resolve("storage-pools/" + POOL);
            Map<String, JsonNode> inst = new TreeMap<>();
            for (JsonNode i : call("GET", "/1.0/instances?recursion=1", null).path("metadata")) {
                inst.put(i.get("name").asText(), i);
            }
            Set<String> running = new TreeSet<>();
            Set<String> hostNames = new TreeSet<>();
            for (var e : inst.entrySet()) {
                if ("Running".equals(e.getValue().path("status").asText())) {
                    running.add(e.getKey());
                    e.getValue().path("config").fields().forEachRemaining(c -> {
                        if (c.getKey().matches("volatile\\..*\\.host_name")) {
                            hostNames.add(c.getValue().asText());
                        }
                    });
                }
            }
            // instances: pool volume, liblxc definition, snapshots
            same(p, "instance volumes in the pool", inst.keySet(), names(pool.resolve("containers")));
            same(p, "liblxc definitions", inst.keySet(), names(host.lxcPath()));
            for (String n : inst.keySet()) {
                if (!Files.exists(host.lxcPath().resolve(n).resolve("config"))) {
                    p.add("instance " + n + " has no liblxc config file");
                }
                Set<String> api = new TreeSet<>();
                for (JsonNode u : call("GET", "/1.0/instances/" + n + "/snapshots", null).path("metadata")) {
                    api.add(u.asText().substring(u.asText().lastIndexOf('/') + 1));
                }
                same(p, "snapshot volumes of " + n, api, names(pool.resolve("containers-snapshots").resolve(n)));
            }
            for (String n : names(pool.resolve("containers-snapshots"))) {
                if (!inst.containsKey(n) && !names(pool.resolve("containers-snapshots").resolve(n)).isEmpty()) {
                    p.add("snapshot volumes of a missing instance: " + n);
                }
            }
            // custom volumes and images
            Set<String> volumes = new TreeSet<>();
            for (JsonNode v : call("GET", "/1.0/storage-pools/" + POOL + "/volumes/custom", null).path("metadata")) {
                volumes.add(v.asText().substring(v.asText().lastIndexOf('/') + 1));
            }
            same(p, "custom volumes in the pool", volumes, names(pool.resolve("custom")));
            Set<String> images = new TreeSet<>();
            for (JsonNode i : call("GET", "/1.0/images", null).path("metadata")) {
                images.add(i.asText().substring(i.asText().lastIndexOf('/') + 1));
            }
            if (!images.contains(busybox)) {
                p.add("the busybox image is gone");
            }
            Set<String> imageFiles = new TreeSet<>();
            for (String f : names(daemon.dataDir().resolve("images"))) {
                imageFiles.add(f.replaceFirst("\\.rootfs$", ""));
            }
            same(p, "image files", images, imageFiles);
            // hidden leftovers of interrupted operations anywhere in the pool
            try (var w = Files.walk(pool, 3)) {
                w.filter(f -> f.getFileName().toString().contains(".jlxd-")).forEach(f -> p.add("leftover " + pool.relativize(f)));
            }
            // liblxc and the host
            same(p, "liblxc monitors (running instances)", running, host.monitors());
            same(p, "container cgroups (running instances)", running, host.cgroupNames());
            for (String c : host.cgroups()) {
                if (c.contains(".monitor/") && !running.contains(c.substring(c.indexOf('/') + 1))) {
                    p.add("monitor cgroup of a container that is not running: " + c);
                }
            }
            List<String> stray = host.strayProcesses(daemon.pid());
            if (!stray.isEmpty()) {
                p.add("stray processes: " + stray);
            }
            same(p, "mounts under the data directory", new TreeSet<>(baselineMounts), new TreeSet<>(host.mounts()));
            // networks
            Set<String> nets = new TreeSet<>(managedNetworks());
            same(p, "bridges of this daemon", nets, host.bridges());
            Set<String> tables = new TreeSet<>();
            nets.forEach(n -> tables.add("inet jlxd-" + n));
            same(p, "nft tables", tables, HostState.nftTables("jlxd-" + netPrefix));
            List<String> dnsmasqs = host.dnsmasqs();
            if (!dnsmasqs.equals(new ArrayList<>(nets))) {
                p.add("dnsmasq processes " + dnsmasqs + " for networks " + nets);
            }
            for (String b : host.bridges()) {
                for (String port : HostState.ports(b)) {
                    if (!hostNames.contains(port)) {
                        p.add("veth " + port + " on " + b + " belongs to no running instance");
                    }
                }
            }
            for (String v : hostNames) {
                if (!HostState.interfaceExists(v)) {
                    p.add("veth " + v + " of a running instance is missing");
                }
            }
            // the database itself
            List<String> fk = host.sql("PRAGMA foreign_key_check;");
            if (!fk.isEmpty()) {
                p.add("foreign key violations: " + fk);
            }
            same(p, "container volume rows", inst.keySet(), new TreeSet<>(host.sql("SELECT name FROM storage_volumes WHERE type='container';")));
            same(p, "custom volume rows", volumes, new TreeSet<>(host.sql("SELECT name FROM storage_volumes WHERE type='custom';")));
            for (String table : List.of("instances_renames", "instances_snapshot_restores")) {
                List<String> rows = host.sql("SELECT * FROM " + table + ";");
                if (!rows.isEmpty()) {
                    p.add("unsettled journal " + table + ": " + rows);
                }
            }
        } catch (IOException | RuntimeException e) {
            p.add("cannot check: " + e);
        }
        return p;
    }

    /** What must be gone once every object was deleted through the API. */
    private List<String> leftovers() {
        List<String> p = new ArrayList<>();
        if (!host.cgroups().isEmpty()) {
            p.add("cgroups: " + host.cgroups());
        }
        if (!host.bridges().isEmpty()) {
            p.add("bridges: " + host.bridges());
        }
        if (!HostState.nftTables("jlxd-" + netPrefix).isEmpty()) {
            p.add("nft tables: " + HostState.nftTables("jlxd-" + netPrefix));
        }
        if (!host.strayProcesses(daemon.pid()).isEmpty() || !host.monitors().isEmpty() || !host.dnsmasqs().isEmpty()) {
            p.add("processes: " + host.processes());
        }
        for (String d : List.of("containers", "containers-snapshots", "custom", "custom-snapshots")) {
            Set<String> left = names(daemon.dataDir().resolve("storage-pools/" + POOL).resolve(d));
            if (!left.isEmpty()) {
                p.add("pool " + d + ": " + left);
            }
        }
        if (!names(host.lxcPath()).isEmpty()) {
            p.add("liblxc definitions: " + names(host.lxcPath()));
        }
        List<String> rows = host.sql("SELECT 'instances', count(*) FROM instances UNION ALL SELECT 'snapshots', count(*) FROM instances_snapshots"
                + " UNION ALL SELECT 'volumes', count(*) FROM storage_volumes WHERE type != 'image';");
        for (String r : rows) {
            if (!r.endsWith("|0")) {
                p.add("rows: " + r);
            }
        }
        return p;
    }

    private void deleteEverything() throws IOException {
        for (JsonNode i : call("GET", "/1.0/instances?recursion=1", null).path("metadata")) {
            String n = i.get("name").asText();
            if ("Running".equals(i.path("status").asText())) {
                expectSuccess("stop " + n, call("PUT", "/1.0/instances/" + n + "/state", json(Map.of("action", "stop", "force", true))));
            }
            expectSuccess("delete " + n, call("DELETE", "/1.0/instances/" + n, null));
        }
        for (JsonNode v : call("GET", "/1.0/storage-pools/" + POOL + "/volumes/custom", null).path("metadata")) {
            expectSuccess("delete " + v.asText(), call("DELETE", v.asText(), null));
        }
        for (String n : managedNetworks()) {
            expectSuccess("delete network " + n, call("DELETE", "/1.0/networks/" + n, null));
        }
    }

    private void expectSuccess(String what, JsonNode answer) {
        int code = answer.path("status_code").asInt();
        String err = answer.path("metadata").path("err").asText("");
        if (code >= 400 || !err.isEmpty() || answer.path("error").asText("").length() > 0) {
            findings.add("clean-up: " + what + " → " + answer);
        }
    }

    private static void same(List<String> p, String what, Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            p.add(what + ": missing " + missing + ", extra " + extra);
        }
    }

    /** Names in a directory (hidden ones too: they are leftovers). */
    private static Set<String> names(Path dir) {
        Set<String> out = new TreeSet<>();
        for (Path f : HostState.list(dir)) {
            out.add(f.getFileName().toString());
        }
        return out;
    }

    // ---------------------------------------------------------------- HTTP

    private static List<String> managedNetworks() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode n : call("GET", "/1.0/networks?recursion=1", null).path("metadata")) {
            if (n.path("managed").asBoolean() && n.get("name").asText().startsWith(netPrefix)) {
                out.add(n.get("name").asText());
            }
        }
        return out;
    }

    /** One operation of the sequence. */
    private record Op(String kind, String label, String method, String path, byte[] body, String contentType, Set<String> touches,
                      int killWindowMs) {
        Op(String kind, String label, String method, String path, byte[] body, Set<String> touches, int killWindowMs) {
            this(kind, label, method, path, body, body == null ? null : "application/json", touches, killWindowMs);
        }

        Outcome run() throws IOException {
            RawHttp.Answer a = RawHttp.request(daemon.socket(), method, path, body, contentType, 300_000);
            JsonNode j = parse(a);
            checkEnvelope(a, j, label);
            if (a.status() == 202) {
                JsonNode op = call("GET", j.path("operation").asText() + "/wait?timeout=240", null).path("metadata");
                return new Outcome(a.status(), op.path("status").asText(), op.path("err").asText(""));
            }
            return new Outcome(a.status(), j.path("type").asText(), a.status() >= 400 ? j.path("error").asText() : null);
        }
    }

    private record Outcome(int status, String state, String opError) {
        String describe() {
            return status + " " + state + (opError == null || opError.isEmpty() ? "" : ": " + opError);
        }
    }

    private static JsonNode upload(byte[] tar) throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "POST", "/1.0/images", tar, "application/octet-stream", 120_000);
        JsonNode j = parse(a);
        assertEquals(202, a.status(), a::bodyText);
        return call("GET", j.path("operation").asText() + "/wait?timeout=120", null);
    }

    /** A request whose answer must be in LXD's envelope (and never a 5xx); an async one is waited for. */
    private static JsonNode call(String method, String path, byte[] body) throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), method, path, body, body == null ? null : "application/json", 300_000);
        JsonNode j = parse(a);
        checkEnvelope(a, j, method + " " + path);
        if (a.status() == 202) {
            return call("GET", j.path("operation").asText() + "/wait?timeout=240", null);
        }
        return j;
    }

    private static void checkEnvelope(RawHttp.Answer a, JsonNode j, String what) {
        if (a.status() >= 500) {
            throw new AssertionError(what + " answered " + a.status() + ": " + a.bodyText());
        }
        if (a.status() >= 400 && (!"error".equals(j.path("type").asText()) || j.path("error_code").asInt() != a.status()
                || j.path("error").asText().isEmpty())) {
            throw new AssertionError(what + ": an error outside LXD's envelope: " + a.status() + " " + a.bodyText());
        }
    }

    private static JsonNode parse(RawHttp.Answer a) throws IOException {
        try {
            return JSON.readTree(a.body());
        } catch (IOException e) {
            throw new IOException("not JSON (" + a.status() + "): " + a.bodyText(), e);
        }
    }

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
