package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jlxc move} and {@code jlxc copy} between two daemons, end to end: {@code home} (the client's {@code local}
 * remote, on its Unix socket, HTTPS on a loopback port so that host2 can pull from it) and {@code daemon} ("host2",
 * HTTPS on another loopback port, added with a trust token). The pre-flight ({@code GET .../migration}, {@code
 * move --dry-run}) and the refusals need only these; the transfers need the daemons' migration and are skipped,
 * saying so, while a daemon answers that migration is not supported.
 */
@Timeout(900)
class MigrationCliTest extends DaemonTestBase {
    static JlxdDaemon home;
    static RemoteCli c;

    @BeforeAll
    static void twoDaemons() throws Exception {
        Instances.openTempRoot(daemon);
        int port = HttpsListenerTest.freePort();
        Response r = given().contentType(ContentType.JSON)
                .body(configBody(Map.of("core.https_address", "127.0.0.1:" + port))).when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
        home = JlxdDaemon.start();
        Instances.openTempRoot(home);
        int homePort = HttpsListenerTest.freePort();
        Jlxc.Result set = Jlxc.run(home.dataDir(), "config", "set", "core.https_address", "127.0.0.1:" + homePort);
        assertEquals(0, set.exitCode(), set::toString);
        c = RemoteCli.fresh(home.dataDir());
        c.ok("remote", "add", "host2", RemoteCliTest.token("migc"));
        RemoteCliTest.deleteImages();
        c.ok("image", "import", Instances.busyboxImage().toString(), "--alias", "mbb");
        c.ok("image", "import", Instances.busyboxImage().toString(), "host2:", "--alias", "mbb");
    }

    @AfterAll
    static void cleanUp() {
        try {
            if (c != null) {
                for (String remote : List.of("", "host2:")) {
                    for (String n : names(remote)) {
                        c.run("delete", "--force", remote + n);
                    }
                }
            }
            Instances.cleanup(daemon);
        } finally {
            try {
                Instances.cleanup(home);
            } finally {
                if (home != null) {
                    home.close();
                }
                if (c != null) {
                    c.delete();
                }
            }
        }
    }

    /** The instance names on a remote ("" local, "host2:"). */
    static List<String> names(String remote) {
        List<String> out = new ArrayList<>();
        Jlxc.Result r = remote.isEmpty() ? c.run("list", "--format", "csv", "-c", "n") : c.run("list", remote, "--format", "csv", "-c", "n");
        if (r.exitCode() == 0) {
            r.stdout().lines().filter(l -> !l.isBlank()).forEach(out::add);
        }
        return out;
    }

    /** "RUNNING", "STOPPED"... of an instance, or "" when there is none. */
    static String status(String ref) {
        Jlxc.Result r = c.run("list", ref.contains(":") ? ref.substring(0, ref.indexOf(':') + 1) : "local:", "--format", "csv", "-c", "ns");
        String name = ref.substring(ref.indexOf(':') + 1);
        return r.stdout().lines().filter(l -> l.startsWith(name + ",")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse("");
    }

    static String sh(String ref, String script) {
        return c.ok("exec", ref, "--", "sh", "-c", script).stdout().strip();
    }

    static JsonNode preflight(String name) {
        Response r = given().when().get("/1.0/instances/" + name + "/migration");
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    /** The pre-flight once {@code until} holds (polled for up to 60 s); the last one read otherwise. */
    static JsonNode awaitPreflight(String name, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode p = preflight(name);
        while (!until.test(p) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            p = preflight(name);
        }
        return p;
    }

    /**
     * The daemons migrate (they advertise LXD's {@code container_push}, which lxc needs for push and relay), or the
     * test is skipped, saying so.
     */
    static void assumeMigration() {
        assumeExtension("container_push");
    }

    /** Skips the test, saying so, when the daemons lack an API extension. */
    static boolean hasExtension(String name) {
        boolean has = false;
        for (JsonNode e : server().get("api_extensions")) {
            has |= e.asText().equals(name);
        }
        return has;
    }

    static void assumeExtension(String name) {
        Assumptions.assumeTrue(hasExtension(name), "the daemons do not have the " + name + " API extension (yet)");
    }

    @Test
    void preflightAndDryRunChangeNothing() throws Exception {
        String name = "mg-pre";
        c.ok("launch", "host2:mbb", "host2:" + name);
        JsonNode p = preflight(name);
        assertEquals("Running", p.get("status").asText());
        assertTrue(p.get("live_migratable").asBoolean(), p::toString);
        assertEquals("dir", p.get("storage_driver").asText());
        assertFalse(p.get("criu_version").asText().isEmpty(), p::toString);
        assertEquals(0, p.get("exec_sessions").asInt());
        JsonNode e = p.get("estimate");
        assertTrue(e.get("rootfs_bytes").asLong() > 100_000, p::toString);
        assertTrue(e.get("memory_bytes").asLong() > 0, p::toString);
        assertTrue(e.get("processes").asInt() >= 1, p::toString);
        assertTrue(e.get("downtime_ms").asLong() >= 440, p::toString);

        // an exec session is open while a jlxc exec runs: it blocks a live move
        try (RemoteCli.Running exec = c.start("exec", "host2:" + name, "--", "sh", "-c",
                "while [ ! -e /tmp/go ]; do sleep 0.1; done")) {
            assertTrue(exec.await(() -> preflight(name).get("exec_sessions").asInt() == 1, () -> { }), exec::output);
            JsonNode blocked = preflight(name);
            assertFalse(blocked.get("live_migratable").asBoolean());
            assertTrue(blocked.get("blockers").toString().contains("exec session"), blocked::toString);
            String dry = c.ok("move", "host2:" + name, "local:", "--dry-run").stdout();
            assertTrue(dry.contains("live (CRIU)") && dry.contains("Blockers:\n  - 1 exec session is open"), dry);
            c.ok("exec", "host2:" + name, "--", "touch", "/tmp/go");
            assertEquals(0, exec.waitFor(60), exec::output);
        }
        assertEquals(0, awaitPreflight(name, p2 -> p2.get("exec_sessions").asInt() == 0).get("exec_sessions").asInt(),
                "the exec sessions ended");
        // a raw ICMPv6 socket (busybox ping -6), which CRIU cannot dump
        c.ok("exec", "host2:" + name, "--", "sh", "-c", "setsid ping -6 -i 1 ::1 </dev/null >/dev/null 2>&1 &");
        JsonNode pinging = awaitPreflight(name, p2 -> p2.get("blockers").toString().contains("has a raw ICMPv6 socket"));
        assertTrue(pinging.get("blockers").toString().contains("(ping) has a raw ICMPv6 socket"), pinging::toString);
        c.ok("exec", "host2:" + name, "--", "killall", "ping");
        JsonNode quiet = awaitPreflight(name, p2 -> p2.get("blockers").isEmpty());
        assertEquals(0, quiet.get("blockers").size(), quiet::toString);
        String dry = c.ok("move", "host2:" + name, "local:", "--dry-run").stdout();
        assertTrue(dry.contains("Blockers: none") && dry.contains("Estimated downtime: ") && dry.contains("Target: CRIU "), dry);
        assertTrue(dry.contains("no soft-dirty memory tracking") || preflight(name).get("memory_precopy").asBoolean(), dry);

        // the name taken on the target, and a source that does not listen for pull: both reported
        c.ok("init", "mbb", name);
        dry = c.ok("move", "host2:" + name, "local:", "--dry-run").stdout();
        assertTrue(dry.contains("already has an instance named \"" + name + "\""), dry);
        c.ok("delete", name);

        c.ok("stop", "--force", "host2:" + name);
        JsonNode stopped = preflight(name);
        assertEquals("Stopped", stopped.get("status").asText());
        assertFalse(stopped.get("live_migratable").asBoolean());
        assertEquals(0, stopped.get("blockers").size(), stopped::toString);
        assertEquals(-1, stopped.get("estimate").get("downtime_ms").asLong());
        assertTrue(c.ok("move", "host2:" + name, "local:", "--dry-run").stdout().contains("cold (the instance is stopped)"));

        assertEquals("STOPPED", status("host2:" + name), "dry runs changed nothing");
        assertFalse(names("").contains(name));
        assertEquals(404, given().when().get("/1.0/instances/nope/migration").statusCode());
        c.ok("delete", "host2:" + name);
    }

    @Test
    void aMoveOntoATakenNameLeavesBothSidesAsTheyWere() {
        String name = "mg-clash";
        // the refused copy below fails an operation on each side, which each daemon logs
        daemon.allowWarnings("operation [0-9a-f-]+ failed");
        home.allowWarnings("operation [0-9a-f-]+ failed");
        c.ok("launch", "mbb", name);
        c.ok("init", "host2:mbb", "host2:" + name, "-c", "user.side=host2");
        String initStart = sh(name, "cut -d' ' -f22 /proc/1/stat");
        Jlxc.Result r = c.fails("already exists on remote \"host2\"", "move", name, "host2:");
        assertTrue(r.stderr().contains("The source local:" + name + " is Running and was left in place"), r::toString);
        r = c.run("copy", name, "host2:");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("RUNNING", status(name));
        assertEquals(initStart, sh(name, "cut -d' ' -f22 /proc/1/stat"), "the same init: never stopped");
        assertEquals("STOPPED", status("host2:" + name));
        assertEquals("host2\n", c.ok("config", "get", "host2:" + name, "user.side").stdout());
        c.ok("delete", "--force", name);
        c.ok("delete", "--force", "host2:" + name);
    }

    @Test
    void aMoveOnOneRemoteIsARename() {
        c.ok("init", "host2:mbb", "host2:mg-old");
        c.ok("snapshot", "host2:mg-old", "s0");
        c.ok("move", "host2:mg-old", "host2:mg-new");
        assertEquals("", status("host2:mg-old"));
        assertEquals("STOPPED", status("host2:mg-new"));
        c.ok("move", "host2:mg-new/s0", "host2:mg-new/s1");
        assertEquals(List.of("s1"), Snapshots.names("mg-new"));
        c.fails("parent must be the same as source", "move", "host2:mg-new/s1", "host2:other/s1");
        c.fails("Can't override configuration or profiles in local rename", "move", "host2:mg-new", "host2:mg-x", "-c", "user.a=b");
        c.ok("delete", "host2:mg-new");
    }

    @Test
    void copiesWithSnapshotsInEveryMode() {
        assumeMigration();
        String src = "mg-src";
        c.ok("launch", "mbb", src);
        sh(src, "echo one >/root/marker");
        c.ok("stop", "--force", src);
        c.ok("snapshot", src, "s0");
        c.ok("snapshot", src, "s1");
        for (String mode : List.of("pull", "push", "relay")) {
            String dst = "mg-" + mode;
            c.ok("copy", src, "host2:" + dst, "--mode", mode);
            assertEquals(List.of("s0", "s1"), Snapshots.names(dst), mode);
            c.ok("start", "host2:" + dst);
            assertEquals("one", sh("host2:" + dst, "cat /root/marker"), mode);
            c.ok("stop", "--force", "host2:" + dst);
        }
        assertEquals("STOPPED", status(src));
        assertTrue(c.ok("info", src).stdout().contains("s1"));
        c.ok("copy", src + "/s0", "host2:mg-snap"); // a snapshot becomes a new instance without snapshots
        assertEquals(List.of(), Snapshots.names("mg-snap"));
        c.ok("start", "host2:mg-snap");
        assertEquals("one", sh("host2:mg-snap", "cat /root/marker"));

        c.ok("delete", "--force", "host2:mg-pull", "host2:mg-push", "host2:mg-relay", "host2:mg-snap");
        c.ok("delete", "--force", src);
    }

    @Test
    void refreshSendsOnlyTheNewSnapshotsAndChanges() {
        String src = "mg-rsrc";
        if (!hasExtension("container_incremental_copy")) {
            // without the daemons' support, --refresh is refused before anything is sent, and nothing is made
            c.ok("init", "mbb", src);
            c.fails("missing the required \"container_incremental_copy\" API extension", "copy", src, "host2:mg-rdst", "--refresh");
            assertEquals("", status("host2:mg-rdst"), "nothing was made on the target");
            c.ok("delete", "--force", src);
            return;
        }
        c.ok("launch", "mbb", src);
        sh(src, "echo one >/root/marker");
        c.ok("stop", "--force", src);
        c.ok("snapshot", src, "s0");
        c.ok("copy", src, "host2:mg-rdst");
        assertEquals(List.of("s0"), Snapshots.names("mg-rdst"));
        c.ok("start", src);
        sh(src, "echo two >/root/marker");
        c.ok("stop", "--force", src);
        c.ok("snapshot", src, "s1");
        String s0Created = json(given().when().get("/1.0/instances/mg-rdst/snapshots/s0")).get("metadata").get("created_at").asText();
        c.ok("copy", src, "host2:mg-rdst", "--refresh");
        assertEquals(List.of("s0", "s1"), Snapshots.names("mg-rdst"));
        assertEquals(s0Created, json(given().when().get("/1.0/instances/mg-rdst/snapshots/s0")).get("metadata").get("created_at").asText(),
                "the old snapshot was kept, not sent again");
        c.ok("start", "host2:mg-rdst");
        assertEquals("two", sh("host2:mg-rdst", "cat /root/marker"));
        c.ok("delete", "--force", "host2:mg-rdst");
        c.ok("delete", "--force", src);
    }

    @Test
    void movesARunningInstanceLiveAndBackKeepingItsMemory() throws Exception {
        assumeMigration();
        String name = "mg-live";
        c.ok("launch", "mbb", name);
        sh(name, "setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done' </dev/null >/dev/null 2>&1 &");
        long before = 0;
        for (int i = 0; i < 200 && before == 0; i++) {
            before = Long.parseLong(sh(name, "cat /tmp/count 2>/dev/null || echo 0"));
        }
        String where = "";
        for (String[] hop : List.of(new String[] {name, "host2:", "pull"}, new String[] {"host2:" + name, "local:", "push"},
                new String[] {name, "host2:", "relay"})) {
            Jlxc.Result r = c.ok("move", hop[0], hop[1], "--mode", hop[2]);
            where = hop[1].equals("host2:") ? "host2:" : "";
            assertTrue(r.stdout().contains("Moved ") && r.stdout().contains(": live"), r::toString);
            assertEquals("RUNNING", status(where + name), r::toString);
            assertEquals("", status((where.isEmpty() ? "host2:" : "local:") + name), "the source is gone");
            long now = Long.parseLong(sh(where + name, "cat /tmp/count"));
            assertTrue(now >= before, "the counter in memory went on: " + before + " then " + now);
            before = now;
        }
        // stateless: near-live (or cold), and running on the other side
        Jlxc.Result r = c.ok("move", where + name, "local:", "--stateless");
        assertTrue(r.stdout().contains("near-live") || r.stdout().contains("cold"), r::toString);
        assertEquals("RUNNING", status(name));
        assertNotEquals("", sh(name, "echo alive"));
        c.ok("delete", "--force", name);
    }
}
