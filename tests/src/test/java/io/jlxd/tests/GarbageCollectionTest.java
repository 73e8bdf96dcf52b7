package io.jlxd.tests;

import static io.jlxd.tests.Instances.await;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection by reachability, end to end: objects planted while the daemon is down (a liblxc definition, an
 * instance volume with snapshots and its volume row, cgroups under the daemon's prefix, a bridge carrying its mark, a
 * veth on its network's bridge, network files and a dnsmasq on them) are removed at the next start, and again after a
 * failed operation (an lxc-start that fails); live objects are untouched, and another daemon's cgroup and bridge (other
 * prefix, other mark) are never collected. Every pass is a warning of /1.0/warnings.
 */
class GarbageCollectionTest extends DaemonTestBase {
    private static final String NET = "jthgc" + (System.nanoTime() % 90 + 10);
    private final List<Path> plantedCgroups = new ArrayList<>();

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
        if (daemon != null && daemon.isAlive()) {
            given().when().delete("/1.0/networks/" + NET);
        }
        for (String i : List.of("jthgcb", "jthgcf", "jthgv0")) {
            if (HostState.interfaceExists(i)) {
                HostState.run("ip", "link", "delete", "dev", i);
            }
        }
    }

    @Test
    void unreachableObjectsGoAtStartAndAfterAFailureLiveOnesStay() throws Exception {
        daemon.allowWarnings("garbage collection: removed", "Garbage collected: removed");
        Instances.openTempRoot(daemon);
        HostState host = new HostState(daemon.dataDir());
        String fp = Instances.importImage(Instances.busyboxImage());
        assertEquals(200, given().contentType("application/json")
                .body(toJson(Map.of("name", NET, "config", Map.of("ipv4.address", "auto", "ipv6.address", "none"))))
                .when().post("/1.0/networks").statusCode());
        ok(create(Map.of("name", "live", "source", Map.of("type", "image", "fingerprint", fp),
                "devices", Map.of("eth0", Map.of("type", "nic", "network", NET, "name", "eth0")))));
        ok(Instances.action("live", Map.of("action", "start")));
        ok(create(Map.of("name", "still", "source", Map.of("type", "image", "fingerprint", fp))));
        ok(given().contentType("application/json").body(toJson(Map.of("name", "keep"))).when().post("/1.0/instances/still/snapshots"));
        long livePid = Instances.state("live").get("pid").asLong();
        String liveVeth = Instances.instance("live").get("config").get("volatile.eth0.host_name").asText();
        daemon.stop();

        // ---- plant garbage (and another daemon's things) while the daemon is down
        Path pool = daemon.dataDir().resolve("storage-pools/default");
        Files.createDirectories(host.lxcPath().resolve("ghost"));
        Files.writeString(host.lxcPath().resolve("ghost/lxc.log"), "left over\n");
        Files.createDirectories(pool.resolve("containers/ghost/rootfs"));
        Files.writeString(pool.resolve("containers/ghost/rootfs/data"), "orphan\n");
        Files.createDirectories(pool.resolve("containers-snapshots/ghost/s1/rootfs"));
        host.sqlWrite("INSERT INTO storage_volumes(pool_id, type, name, created_at) SELECT id, 'container', 'ghost',"
                + " '2026-01-01T00:00:00Z' FROM storage_pools WHERE name = 'default';");
        for (String h : List.of("memory", "pids", "unified")) {
            plantedCgroups.add(mkdirs(Path.of("/sys/fs/cgroup", h, host.cgroupPrefix(), "ghost")));
            plantedCgroups.add(mkdirs(Path.of("/sys/fs/cgroup", h, host.cgroupPrefix(), "still")));
        }
        Path foreignCgroup = mkdirs(Path.of("/sys/fs/cgroup/memory/jlxd-00000000/ghost"));
        HostState.run("ip", "link", "add", "jthgcb", "type", "bridge");
        HostState.run("ip", "link", "set", "dev", "jthgcb", "alias", host.bridgeMark());
        HostState.run("ip", "link", "add", "jthgcf", "type", "bridge");
        HostState.run("ip", "link", "set", "dev", "jthgcf", "alias", "jlxd:000000000000");
        HostState.run("ip", "link", "add", "jthgv0", "type", "veth", "peer", "name", "jthgv1");
        HostState.run("ip", "link", "set", "dev", "jthgv0", "master", NET);
        Path ghostNet = Files.createDirectories(daemon.dataDir().resolve("networks/jthghost"));
        // a pool mounted (with a nested mount) whose row is gone; the default pool's directory is a row's
        Path strayPool = Files.createDirectories(daemon.dataDir().resolve("storage-pools/jthgcstray"));
        HostState.run("mount", "-t", "tmpfs", "-o", "size=1m", "jthgcm", strayPool.toString());
        Files.createDirectories(strayPool.resolve("containers/c1"));
        HostState.run("mount", "-t", "tmpfs", "-o", "size=1m", "jthgcm2", strayPool.resolve("containers/c1").toString());
        Process dnsmasq = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--port=0", "--conf-file=/dev/null",
                "--pid-file=" + ghostNet.resolve("dnsmasq.pid")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        try {
            daemon.startProcess();
            useSocket(daemon);

            // ---- garbage gone
            assertFalse(Files.exists(host.lxcPath().resolve("ghost")), "liblxc definition without row");
            assertFalse(Files.exists(pool.resolve("containers/ghost")), "instance volume without row");
            assertFalse(Files.exists(pool.resolve("containers-snapshots/ghost")), "snapshot volumes without row");
            assertEquals(List.of(), host.sql("SELECT name FROM storage_volumes WHERE name = 'ghost';"), "volume row without instance");
            for (Path c : plantedCgroups) {
                assertFalse(Files.exists(c), c + ": a cgroup of no running instance");
            }
            assertFalse(HostState.interfaceExists("jthgcb"), "a bridge with this daemon's mark and no row");
            assertFalse(HostState.interfaceExists("jthgv0"), "a veth on the daemon's bridge that no instance reaches");
            assertFalse(Files.exists(ghostNet), "network files without row");
            assertTrue(dnsmasq.waitFor(10, TimeUnit.SECONDS), "the dnsmasq of a network without row is stopped");
            assertEquals(List.of(), mountsUnder(strayPool), "the mounts of a pool without row");

            // ---- live objects untouched, another daemon's never collected
            assertEquals(livePid, Instances.state("live").get("pid").asLong(), "the running container is untouched");
            assertTrue(HostState.ports(NET).contains(liveVeth), "its veth stays on the bridge");
            assertTrue(Files.isDirectory(pool.resolve("containers-snapshots/still/keep")));
            assertTrue(Files.isDirectory(pool.resolve("containers/still/rootfs")));
            assertEquals(List.of(NET), host.dnsmasqs());
            assertTrue(host.cgroupNames().contains("live"));
            assertTrue(Files.isDirectory(foreignCgroup), "another daemon's cgroup");
            assertTrue(HostState.interfaceExists("jthgcf"), "another daemon's bridge");
            assertTrue(warningsText().contains("Garbage collected"), warningsText());

            // ---- after a failed operation: an lxc-start that fails leaves nothing, and a pass runs
            Files.createDirectories(pool.resolve("containers/ghost2/rootfs"));
            Files.createDirectories(host.lxcPath().resolve("ghost2"));
            Files.delete(pool.resolve("containers/still/rootfs/sbin/init"));
            JsonNode failed = await(Instances.action("still", Map.of("action", "start")));
            assertEquals("Failure", failed.get("status").asText(), failed::toString);
            assertTrue(failed.get("err").asText().contains("still"), failed::toString);
            assertEquals("Stopped", Instances.state("still").get("status").asText());
            // a volume goes by a rename to a hidden name, then rm: the pass is over once the hidden copy is gone too
            waitUntil(() -> !Files.exists(pool.resolve("containers/ghost2")) && !Files.exists(host.lxcPath().resolve("ghost2"))
                            && hiddenLeftovers(pool.resolve("containers")).isEmpty(),
                    "the pass after the failure removes what no row reaches");
            assertFalse(host.cgroupNames().contains("still"), "the failed start left no cgroup");
            // the pass's own last process (its rm) may still be exiting: none may stay
            java.util.function.Supplier<List<String>> stray = () -> host.strayProcesses(daemon.pid()).stream()
                    .filter(p -> !p.contains(" dnsmasq ")).toList();
            try {
                waitUntil(() -> stray.get().isEmpty(), "no process left behind");
            } catch (AssertionError e) {
                assertEquals(List.of(), stray.get());
            }
            assertEquals(livePid, Instances.state("live").get("pid").asLong());
        } finally {
            dnsmasq.destroyForcibly();
            Files.deleteIfExists(foreignCgroup);
            Files.deleteIfExists(foreignCgroup.getParent());
            for (Path c : plantedCgroups) {
                Files.deleteIfExists(c);
            }
        }
    }

    private static List<String> hiddenLeftovers(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".jlxd-tmp-")).toList();
        } catch (java.io.IOException e) {
            return List.of("(cannot list " + dir + ": " + e + ")");
        }
    }

    private static List<String> mountsUnder(Path dir) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.equals(dir.toString()) || m.startsWith(dir + "/")).toList();
    }

    private static String warningsText() {
        return given().queryParam("recursion", 1).when().get("/1.0/warnings").asString();
    }

    private static Path mkdirs(Path p) throws Exception {
        return Files.createDirectories(p);
    }

    private static void waitUntil(java.util.function.BooleanSupplier c, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            JlxdDaemon.sleep(100);
        }
    }
}
