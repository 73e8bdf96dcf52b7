package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.ApiExtensions;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code api_extensions} of {@code GET /1.0} cannot lie: every name the server announces has an entry in
 * {@link #CHECKS} that exercises its behaviour against the real daemon (a name without a check, or a check without
 * the name, fails {@link #everyAnnouncedExtensionHasACheck}).
 */
class ApiExtensionsTest extends DaemonTestBase {
    private static final String C = "ext1";
    private static final String FILES = "/1.0/instances/" + C + "/files";
    private static final Map<String, Check> CHECKS = new LinkedHashMap<>();

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    static {
        CHECKS.put("etag", () -> {
            Response r = given().when().get("/1.0/profiles/default");
            assertNotNull(r.getHeader("ETag"));
            assertEquals(412, given().header("If-Match", "\"nope\"").contentType("application/json")
                    .body(toJson(Map.of("config", Map.of()))).when().put("/1.0/profiles/default").statusCode());
        });
        CHECKS.put("patch", () -> {
            assertEquals(200, patch("/1.0/profiles/default", Map.of("config", Map.of("user.patched", "1"))).statusCode());
            assertEquals("1", get("/1.0/profiles/default").get("config").get("user.patched").asText());
            patch("/1.0/profiles/default", Map.of("config", Map.of("user.patched", "")));
        });
        CHECKS.put("operation_wait", () -> {
            Response r = post("/1.0/instances/" + C + "/snapshots", Map.of("name", "waited"));
            String op = json(r).get("operation").asText();
            JsonNode done = json(given().queryParam("timeout", 60).when().get(op + "/wait")).get("metadata");
            assertEquals("Success", done.get("status").asText());
            Instances.ok(given().when().delete("/1.0/instances/" + C + "/snapshots/waited"));
        });
        CHECKS.put("event_lifecycle", () -> lifecycleEvent());
        CHECKS.put("event_lifecycle_requestor_address", () -> assertTrue(lifecycleEvent().get("metadata").get("requestor").has("address")));
        CHECKS.put("api_filtering", () -> {
            JsonNode list = json(given().queryParam("filter", "name eq " + C).queryParam("recursion", 1).when().get("/1.0/instances")).get("metadata");
            assertEquals(1, list.size());
            assertEquals(0, json(given().queryParam("filter", "name eq nothing").when().get("/1.0/instances")).get("metadata").size());
        });
        CHECKS.put("entity_description", () -> {
            patchInstance(Map.of("description", "described"));
            assertEquals("described", get("/1.0/instances/" + C).get("description").asText());
        });
        CHECKS.put("api_os", () -> assertFalse(env().get("os_name").asText().isEmpty()));
        CHECKS.put("firewall_driver", () -> assertTrue(List.of("nftables", "xtables").contains(env().get("firewall").asText())));
        CHECKS.put("kernel_features", () -> assertEquals("true", env().get("kernel_features").get("idmapped_mounts").asText()));
        CHECKS.put("lxc_features", () -> assertEquals("true", env().get("lxc_features").get("cgroup2").asText()));
        CHECKS.put("server_supported_storage_drivers", () -> assertTrue(env().get("storage_supported_drivers").toString().contains("\"dir\"")));
        CHECKS.put("resources", () -> assertTrue(get("/1.0/resources").get("memory").get("total").asLong() > 0));
        CHECKS.put("resources_v2", () -> assertTrue(get("/1.0/resources").get("cpu").get("sockets").get(0).get("cores").get(0).has("threads")));
        CHECKS.put("instances", () -> assertTrue(get("/1.0/instances").toString().contains("/1.0/instances/" + C)));
        CHECKS.put("container_full", () -> assertTrue(get("/1.0/instances?recursion=2").get(0).has("state")));
        CHECKS.put("instance_get_full", () -> {
            JsonNode full = get("/1.0/instances/" + C + "?recursion=1");
            assertTrue(full.has("state") && full.has("snapshots") && full.has("backups"), full::toString);
        });
        CHECKS.put("container_last_used_at", () -> assertTrue(OffsetDateTime.parse(get("/1.0/instances/" + C).get("last_used_at").asText()).getYear() > 2000));
        CHECKS.put("console", () -> {
            Response r = given().when().get("/1.0/instances/" + C + "/console");
            assertTrue(r.statusCode() == 200 || r.statusCode() == 400, r::asString); // log (or why there is none)
            assertEquals(200, given().when().get("/1.0/instances/" + C + "/logs").statusCode());
        });
        CHECKS.put("container_exec_recording", () -> {
            JsonNode op = Instances.ok(post("/1.0/instances/" + C + "/exec", Map.of("command", List.of("echo", "recorded"),
                    "wait-for-websocket", false, "record-output", true)));
            String stdout = op.get("metadata").get("output").get("1").asText();
            assertEquals("recorded\n", given().when().get(stdout).asString());
        });
        CHECKS.put("container_exec_signal_handling", ApiExtensionsTest::signal);
        CHECKS.put("container_exec_user_group_cwd", () -> {
            JsonNode op = Instances.ok(post("/1.0/instances/" + C + "/exec", Map.of("command", List.of("sh", "-c", "pwd; id -u"),
                    "wait-for-websocket", false, "record-output", true, "cwd", "/tmp", "user", 1000, "group", 1000)));
            assertEquals("/tmp\n1000\n", given().when().get(op.get("metadata").get("output").get("1").asText()).asString());
        });
        CHECKS.put("directory_manipulation", () -> {
            assertEquals(200, given().header("X-LXD-type", "directory").contentType("application/octet-stream").body(new byte[0])
                    .queryParam("path", "/root/extdir").when().post(FILES).statusCode());
            assertEquals("directory", given().queryParam("path", "/root/extdir").when().get(FILES).getHeader("X-LXD-type"));
        });
        CHECKS.put("file_delete", () -> {
            push("/root/todelete", "x");
            assertEquals(200, given().queryParam("path", "/root/todelete").when().delete(FILES).statusCode());
            assertEquals(404, given().queryParam("path", "/root/todelete").when().get(FILES).statusCode());
        });
        CHECKS.put("file_append", () -> {
            push("/root/appended", "a");
            given().header("X-LXD-write", "append").contentType("application/octet-stream").body("b".getBytes(StandardCharsets.UTF_8))
                    .queryParam("path", "/root/appended").when().post(FILES);
            assertEquals("ab", given().queryParam("path", "/root/appended").when().get(FILES).asString());
        });
        CHECKS.put("file_symlinks", () -> {
            assertEquals(200, given().header("X-LXD-type", "symlink").contentType("application/octet-stream")
                    .body("/etc/hostname".getBytes(StandardCharsets.UTF_8)).queryParam("path", "/root/link").when().post(FILES).statusCode());
            assertEquals("symlink", given().queryParam("path", "/root/link").when().get(FILES).getHeader("X-LXD-type"));
        });
        CHECKS.put("file_get_symlink", () -> {
            given().header("X-LXD-type", "symlink").contentType("application/octet-stream")
                    .body("/etc/passwd".getBytes(StandardCharsets.UTF_8)).queryParam("path", "/root/link2").when().post(FILES);
            Response r = given().queryParam("path", "/root/link2").when().get(FILES);
            assertEquals("symlink", r.getHeader("X-LXD-type"));
            assertEquals("/etc/passwd", r.asString());
        });
        CHECKS.put("instance_file_head", () -> {
            Response r = given().queryParam("path", "/etc").when().head(FILES);
            assertEquals(200, r.statusCode());
            assertEquals("directory", r.getHeader("X-LXD-type"));
        });
        CHECKS.put("profile_usedby", () -> assertTrue(get("/1.0/profiles/default").get("used_by").toString().contains("/1.0/instances/" + C)));
        CHECKS.put("container_disk_shift", () -> {
            java.nio.file.Path share = hostShare();
            patchInstance(Map.of("devices", Map.of("shifted", Map.of("type", "disk", "source", share.toString(),
                    "path", "/mnt/shifted", "shift", "true"))));
            JsonNode op = Instances.ok(post("/1.0/instances/" + C + "/exec", Map.of("command", List.of("stat", "-c", "%u", "/mnt/shifted/f"),
                    "wait-for-websocket", false, "record-output", true)));
            assertEquals("0\n", given().when().get(op.get("metadata").get("output").get("1").asText()).asString(),
                    "the host's root is the container's root through an idmapped mount");
            patchInstance(Map.of("devices", Map.of("shifted", Map.of("type", "none"))));
        });
        CHECKS.put("container_mount_propagation", () -> {
            java.nio.file.Path share = hostShare();
            patchInstance(Map.of("devices", Map.of("prop", Map.of("type", "disk", "source", share.toString(),
                    "path", "/mnt/prop", "propagation", "rslave"))));
            JsonNode op = Instances.ok(post("/1.0/instances/" + C + "/exec", Map.of("command", List.of("grep", " /mnt/prop ", "/proc/self/mountinfo"),
                    "wait-for-websocket", false, "record-output", true)));
            assertEquals(0, op.get("metadata").get("return").asInt());
            assertEquals(400, patch("/1.0/instances/" + C, Map.of("devices", Map.of("bad", Map.of("type", "disk",
                    "source", share.toString(), "path", "/mnt/bad", "propagation", "sideways")))).statusCode());
            patchInstance(Map.of("devices", Map.of("prop", Map.of("type", "none"))));
        });
        CHECKS.put("image_compression_algorithm", () -> {
            String fp = publish(Map.of("compression_algorithm", "xz"));
            byte[] head = given().when().get("/1.0/images/" + fp + "/export").asByteArray();
            assertEquals((byte) 0xFD, head[0], "xz magic");
            Instances.ok(given().when().delete("/1.0/images/" + fp));
        });
        CHECKS.put("image_create_aliases", () -> {
            String fp = publish(Map.of("aliases", List.of(Map.of("name", "ext-published"))));
            assertEquals(fp, get("/1.0/images/aliases/ext-published").get("target").asText());
            Instances.ok(given().when().delete("/1.0/images/" + fp));
        });
        CHECKS.put("snapshot_expiry", () -> {
            Instances.ok(post("/1.0/instances/" + C + "/snapshots", Map.of("name", "exp1")));
            String at = inDays(2);
            Instances.ok(given().contentType("application/json").body(toJson(Map.of("expires_at", at))).when()
                    .put("/1.0/instances/" + C + "/snapshots/exp1"));
            assertEquals(OffsetDateTime.parse(at).toInstant(), OffsetDateTime.parse(get("/1.0/instances/" + C + "/snapshots/exp1").get("expires_at").asText()).toInstant());
            Instances.ok(given().when().delete("/1.0/instances/" + C + "/snapshots/exp1"));
        });
        CHECKS.put("snapshot_expiry_creation", () -> {
            String at = inDays(3);
            Instances.ok(post("/1.0/instances/" + C + "/snapshots", Map.of("name", "exp2", "expires_at", at)));
            assertEquals(OffsetDateTime.parse(at).toInstant(), OffsetDateTime.parse(get("/1.0/instances/" + C + "/snapshots/exp2").get("expires_at").asText()).toInstant());
            Instances.ok(given().when().delete("/1.0/instances/" + C + "/snapshots/exp2"));
        });
        CHECKS.put("snapshot_scheduling", () -> {
            patchInstance(Map.of("config", Map.of("snapshots.schedule", "*/1 * * * * *", "snapshots.pattern", "sched%d")));
            Instant deadline = Instant.now().plusSeconds(60);
            while (!get("/1.0/instances/" + C + "/snapshots").toString().contains("sched")) {
                assertTrue(Instant.now().isBefore(deadline), "no scheduled snapshot within 60 s");
                Thread.sleep(200);
            }
            patchInstance(Map.of("config", Map.of("snapshots.schedule", "", "snapshots.pattern", "")));
            for (JsonNode s : get("/1.0/instances/" + C + "/snapshots")) {
                Instances.ok(given().when().delete(s.asText()));
            }
        });
        CHECKS.put("snapshot_schedule_aliases", () -> {
            patchInstance(Map.of("config", Map.of("snapshots.schedule", "@hourly")));
            assertEquals("@hourly", get("/1.0/instances/" + C).get("config").get("snapshots.schedule").asText());
            assertEquals(400, patch("/1.0/instances/" + C, Map.of("config", Map.of("snapshots.schedule", "@sometimes"))).statusCode());
            patchInstance(Map.of("config", Map.of("snapshots.schedule", "")));
        });
        CHECKS.put("storage", () -> assertTrue(get("/1.0/storage-pools").toString().contains("/1.0/storage-pools/default")));
        CHECKS.put("storage_api_volume_rename", () -> {
            volume("extv1");
            assertEquals(200, post("/1.0/storage-pools/default/volumes/custom/extv1", Map.of("name", "extv2")).statusCode());
            assertEquals(200, given().when().delete("/1.0/storage-pools/default/volumes/custom/extv2").statusCode());
        });
        CHECKS.put("storage_api_volume_snapshots", () -> {
            volume("extv3");
            Instances.ok(post("/1.0/storage-pools/default/volumes/custom/extv3/snapshots", Map.of("name", "vs")));
            assertEquals(1, get("/1.0/storage-pools/default/volumes/custom/extv3/snapshots").size());
            Instances.ok(given().when().delete("/1.0/storage-pools/default/volumes/custom/extv3/snapshots/vs"));
            given().when().delete("/1.0/storage-pools/default/volumes/custom/extv3");
        });
        CHECKS.put("storage_api_local_volume_handling", () -> {
            volume("extv4");
            Instances.ok(post("/1.0/storage-pools/default/volumes/custom", Map.of("name", "extv5",
                    "source", Map.of("type", "copy", "pool", "default", "name", "extv4"))));
            assertEquals("extv5", get("/1.0/storage-pools/default/volumes/custom/extv5").get("name").asText());
            given().when().delete("/1.0/storage-pools/default/volumes/custom/extv4");
            given().when().delete("/1.0/storage-pools/default/volumes/custom/extv5");
        });
        CHECKS.put("custom_volume_snapshot_expiry", () -> {
            volume("extv6");
            String at = inDays(1);
            Instances.ok(post("/1.0/storage-pools/default/volumes/custom/extv6/snapshots", Map.of("name", "vs", "expires_at", at)));
            assertEquals(OffsetDateTime.parse(at).toInstant(), OffsetDateTime.parse(
                    get("/1.0/storage-pools/default/volumes/custom/extv6/snapshots/vs").get("expires_at").asText()).toInstant());
            Instances.ok(given().when().delete("/1.0/storage-pools/default/volumes/custom/extv6/snapshots/vs"));
            given().when().delete("/1.0/storage-pools/default/volumes/custom/extv6");
        });
        CHECKS.put("storage_volume_state", () -> {
            volume("extv7");
            JsonNode empty = get("/1.0/storage-pools/default/volumes/custom/extv7/state").get("usage");
            assertEquals(-1, empty.get("total").asLong());
            // a file of 3 MiB of random bytes: the volume's usage grows by at least that much
            java.nio.file.Path f = daemon.dataDir().resolve("storage-pools/default/custom/extv7/blob");
            byte[] data = new byte[3 << 20];
            new java.util.Random(7).nextBytes(data);
            try {
                java.nio.file.Files.write(f, data);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            long used = get("/1.0/storage-pools/default/volumes/custom/extv7/state").get("usage").get("used").asLong();
            assertTrue(used >= empty.get("used").asLong() + (3 << 20), "used " + used + " after 3 MiB, " + empty + " before");
            assertTrue(get("/1.0/storage-pools/default/volumes/container/" + C + "/state").get("usage").get("used").asLong() > 0);
            given().when().delete("/1.0/storage-pools/default/volumes/custom/extv7");
        });
        CHECKS.put("jlxd_criu_version", () -> assertTrue(env().get("criu_version").asText().matches("\\d+\\.\\d+.*")));
        // networks (a managed bridge of this test, made once by network())
        CHECKS.put("network", () -> assertTrue(get("/1.0/networks").toString().contains("/1.0/networks/" + network())));
        CHECKS.put("network_leases", () -> assertTrue(get("/1.0/networks/" + network() + "/leases").isArray()));
        CHECKS.put("network_state", () -> assertEquals("up", get("/1.0/networks/" + network() + "/state").get("state").asText()));
        CHECKS.put("network_dhcp_expiry", () -> {
            assertEquals(200, patch("/1.0/networks/" + network(), Map.of("config", Map.of("ipv4.dhcp.expiry", "2h"))).statusCode());
            assertEquals("2h", get("/1.0/networks/" + network()).get("config").get("ipv4.dhcp.expiry").asText());
        });
        CHECKS.put("network_forward", () -> {
            // a documentation address (RFC 5737): the forward is only configured, no traffic is sent
            assertEquals(200, post("/1.0/networks/" + network() + "/forwards", Map.of("listen_address", "192.0.2.77")).statusCode());
            assertTrue(get("/1.0/networks/" + network() + "/forwards").toString().contains("192.0.2.77"));
            assertEquals(200, given().when().delete("/1.0/networks/" + network() + "/forwards/192.0.2.77").statusCode());
        });
        CHECKS.put("instance_nic_network", () -> {
            patchInstance(Map.of("devices", Map.of("ext-nic", Map.of("type", "nic", "network", network(), "name", "extnic0"))));
            assertTrue(get("/1.0/instances/" + C).get("config").has("volatile.ext-nic.hwaddr"));
            assertTrue(get("/1.0/instances/" + C + "/state").get("network").has("extnic0"), "hot-plugged into the running container");
            removeDevice("ext-nic");
            assertFalse(get("/1.0/instances/" + C + "/state").get("network").has("extnic0"), "hot-unplugged");
        });
        CHECKS.put("proxy", () -> {
            int port = freePort();
            patchInstance(Map.of("devices", Map.of("ext-proxy", Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + port,
                    "connect", "tcp:127.0.0.1:9"))));
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000); // the daemon listens for the container
            } finally {
                removeDevice("ext-proxy");
            }
        });
        CHECKS.put("proxy_udp", () -> {
            int port = freePort();
            patchInstance(Map.of("devices", Map.of("ext-udp", Map.of("type", "proxy", "listen", "udp:127.0.0.1:" + port,
                    "connect", "udp:127.0.0.1:9"))));
            try (java.net.DatagramSocket d = new java.net.DatagramSocket(null)) {
                java.net.BindException taken = org.junit.jupiter.api.Assertions.assertThrows(java.net.BindException.class,
                        () -> d.bind(new java.net.InetSocketAddress("127.0.0.1", port)));
                assertNotNull(taken, "the daemon holds the UDP port");
            } finally {
                removeDevice("ext-udp");
            }
        });
        // trust
        CHECKS.put("certificate_update", () -> {
            String fp = certificate("ext-cert");
            assertEquals(200, patch("/1.0/certificates/" + fp, Map.of("name", "ext-renamed")).statusCode());
            assertEquals("ext-renamed", get("/1.0/certificates/" + fp).get("name").asText());
        });
        CHECKS.put("certificate_project", () -> {
            String fp = certificate("ext-proj");
            assertEquals(200, patch("/1.0/certificates/" + fp, Map.of("restricted", true, "projects", List.of("default"))).statusCode());
            JsonNode c = get("/1.0/certificates/" + fp);
            assertTrue(c.get("restricted").asBoolean());
            assertEquals("[\"default\"]", c.get("projects").toString());
        });
        CHECKS.put("certificate_token", () -> {
            JsonNode op = Trust.token("ext-token", Map.of());
            assertEquals("token", op.get("class").asText());
            assertFalse(op.get("metadata").get("secret").asText().isEmpty());
            assertEquals(env().get("certificate_fingerprint").asText(), op.get("metadata").get("fingerprint").asText());
            given().when().delete("/1.0/operations/" + op.get("id").asText());
        });
        CHECKS.put("remote_token_expiry", () -> {
            assertEquals(200, patch("/1.0", Map.of("config", Map.of("core.remote_token_expiry", "1H"))).statusCode());
            try {
                JsonNode op = Trust.token("ext-expiring", Map.of());
                assertFalse(op.get("metadata").get("expiresAt").isNull());
                given().when().delete("/1.0/operations/" + op.get("id").asText());
            } finally {
                patch("/1.0", Map.of("config", Map.of("core.remote_token_expiry", "")));
            }
        });
        CHECKS.put("explicit_trust_token", () -> {
            // tokens, never passwords: a password that is not a token is refused
            Response r = post("/1.0/certificates", Map.of("name", "ext-pw", "password", "not-a-token",
                    "certificate", ClientIdentity.create("ext-pw").pem()));
            assertEquals(400, r.statusCode(), r::asString);
        });
        // migration between daemons, exercised here as a migration of the test's instance to this same daemon over its
        // HTTPS address (MigrationTest moves instances between two daemons with lxc)
        CHECKS.put("container_push", () -> {
            JsonNode target = pushTarget("ext-push1");
            assertEquals("websocket", target.get("class").asText());
            assertTrue(target.get("metadata").has("control") && target.get("metadata").has("fs"), target::toString);
            assertFalse(target.get("metadata").has("criu"), "no state channel for a stateless transfer");
            pushTo(target, false);
            assertEquals("Stopped", get("/1.0/instances/ext-push1").get("status").asText());
            Instances.ok(given().when().delete("/1.0/instances/ext-push1"));
        });
        CHECKS.put("container_push_target", () -> {
            JsonNode target = pushTarget("ext-push2");
            JsonNode source = Instances.ok(post("/1.0/instances/" + C, Map.of("migration", true, "live", false,
                    "target", Map.of("operation", https() + "/1.0/operations/" + target.get("id").asText(),
                            "secrets", target.get("metadata"), "certificate", env().get("certificate").asText()))));
            assertEquals("task", source.get("class").asText(), "a push source dials the target: no websocket of its own");
            assertEquals("Success", waitOp(target.get("id").asText()));
            assertTrue(get("/1.0/instances").toString().contains("/1.0/instances/ext-push2"));
            Instances.ok(given().when().delete("/1.0/instances/ext-push2"));
        });
        CHECKS.put("container_only_migration", () -> {
            Instances.ok(post("/1.0/instances/" + C + "/snapshots", Map.of("name", "migsnap")));
            try {
                pull("ext-pull1", true);
                assertEquals(0, get("/1.0/instances/ext-pull1/snapshots").size(), "instance_only leaves the snapshots");
                pull("ext-pull2", false);
                assertTrue(get("/1.0/instances/ext-pull2/snapshots").toString().contains("migsnap"), "the snapshots come along");
            } finally {
                Instances.ok(given().when().delete("/1.0/instances/" + C + "/snapshots/migsnap"));
                for (String n : List.of("ext-pull1", "ext-pull2")) {
                    if (given().when().get("/1.0/instances/" + n).statusCode() == 200) {
                        Instances.ok(given().when().delete("/1.0/instances/" + n));
                    }
                }
            }
        });
        CHECKS.put("container_stateless_copy", () -> {
            assertEquals("Running", get("/1.0/instances/" + C).get("status").asText());
            pull("ext-pull3", true);
            assertEquals("Running", get("/1.0/instances/" + C).get("status").asText(), "the source runs on");
            assertEquals("Stopped", get("/1.0/instances/ext-pull3").get("status").asText());
            Instances.ok(given().when().delete("/1.0/instances/ext-pull3"));
        });
        CHECKS.put("metrics", () -> {
            Response r = given().when().get("/1.0/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.asString().contains("lxd_procs_total{name=\"" + C + "\""), "metrics of the running instance");
        });
        // projects (issue 9): instances separate per project, limits, restrictions, usage
        CHECKS.put("projects", () -> inProject("ext-p", Map.of(), () -> {
            Instances.ok(given().queryParam("project", "ext-p").contentType("application/json")
                    .body(toJson(Map.of("name", C, "source", Map.of("type", "none")))).when().post("/1.0/instances"));
            Response l = given().queryParam("project", "ext-p").queryParam("recursion", 1).when().get("/1.0/instances");
            assertEquals(1, json(l).get("metadata").size(), l::asString);
            assertEquals("ext-p", json(l).get("metadata").get(0).get("project").asText());
            assertEquals("default", get("/1.0/instances/" + C).get("project").asText(), "default's instance of the same name");
        }));
        CHECKS.put("project_usage", () -> assertTrue(get("/1.0/projects/default/state").get("resources").get("instances")
                .get("usage").asLong() >= 1));
        CHECKS.put("projects_limits", () -> inProject("ext-l", Map.of("limits.containers", "0", "limits.cpu", "2"), () -> {
            assertEquals(2, get("/1.0/projects/ext-l/state").get("resources").get("cpu").get("limit").asLong());
            Response r = given().queryParam("project", "ext-l").contentType("application/json")
                    .body(toJson(Map.of("name", "x", "source", Map.of("type", "none")))).when().post("/1.0/instances");
            ServerConfigApiTest.assertError(r, 400, "Reached maximum number of instances of type \"container\"");
        }));
        CHECKS.put("projects_limits_instances", () -> inProject("ext-i", Map.of("limits.instances", "0"), () -> {
            Response r = given().queryParam("project", "ext-i").contentType("application/json")
                    .body(toJson(Map.of("name", "x", "source", Map.of("type", "none")))).when().post("/1.0/instances");
            ServerConfigApiTest.assertError(r, 400, "Reached maximum number of instances in project");
        }));
        CHECKS.put("projects_restrictions", () -> inProject("ext-r", Map.of("restricted", "true"), () -> {
            Response r = given().queryParam("project", "ext-r").contentType("application/json").body(toJson(Map.of("name", "x",
                    "config", Map.of("security.privileged", "true"), "source", Map.of("type", "none")))).when().post("/1.0/instances");
            ServerConfigApiTest.assertError(r, 400, "Privileged containers are forbidden");
        }));
        CHECKS.put("projects_restricted_backups_and_snapshots", () -> inProject("ext-s", Map.of("restricted", "true",
                "restricted.backups", "block"), () -> {
            Instances.ok(given().queryParam("project", "ext-s").contentType("application/json")
                    .body(toJson(Map.of("name", "x", "source", Map.of("type", "none")))).when().post("/1.0/instances"));
            ServerConfigApiTest.assertError(given().queryParam("project", "ext-s").contentType("application/json")
                    .body("{\"name\":\"s\"}").when().post("/1.0/instances/x/snapshots"), 403, "Snapshots are forbidden");
        }));
        CHECKS.put("projects_limits_disk", () -> inProject("ext-d", Map.of("limits.disk", "64MiB"), () -> {
            // limits.disk counts custom volumes too: a volume without a size cannot be placed in such a project
            Response r = given().queryParam("project", "ext-d").contentType("application/json").body(toJson(Map.of("name", "dv")))
                    .when().post("/1.0/storage-pools/default/volumes/custom");
            ServerConfigApiTest.assertError(r, 400, "Custom volume", "has no \"size\" config set");
            assertEquals(64L << 20, get("/1.0/projects/ext-d/state").get("resources").get("disk").get("limit").asLong());
        }));
        CHECKS.put("container_copy_project", () -> inProject("ext-c", Map.of(), () -> {
            Instances.ok(given().queryParam("project", "ext-c").contentType("application/json").body(toJson(Map.of("name", "copied",
                    "source", Map.of("type", "copy", "source", C, "project", "default", "instance_only", true)))).when().post("/1.0/instances"));
            Response r = given().queryParam("project", "ext-c").when().get("/1.0/instances/copied");
            assertEquals(200, r.statusCode(), r::asString);
            assertEquals("ext-c", json(r).get("metadata").get("project").asText());
        }));
        CHECKS.put("instance_all_projects", () -> inProject("ext-a", Map.of(), () -> {
            Instances.ok(given().queryParam("project", "ext-a").contentType("application/json")
                    .body(toJson(Map.of("name", C, "source", Map.of("type", "none")))).when().post("/1.0/instances"));
            JsonNode all = json(given().queryParam("all-projects", "true").queryParam("recursion", 1).when().get("/1.0/instances"))
                    .get("metadata");
            List<String> seen = new java.util.ArrayList<>();
            all.forEach(i -> seen.add(i.get("project").asText() + "/" + i.get("name").asText()));
            assertTrue(seen.contains("default/" + C) && seen.contains("ext-a/" + C), seen::toString);
        }));
        // hardening
        CHECKS.put("warnings", () -> assertTrue(get("/1.0/warnings").isArray()));
        CHECKS.put("jlxd_cgroup_controllers", () -> assertTrue(List.of("v1", "v2").contains(env().get("cgroup_controllers").get("memory").asText()),
                env()::toString));
    }

    @BeforeAll
    static void instance() throws Exception {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        Instances.ok(Instances.create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fp))));
        Instances.ok(Instances.action(C, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
        if (network != null) {
            given().when().delete("/1.0/networks/" + network);
        }
    }

    private static String network;

    /** A managed bridge for the network checks, made on first use (the daemon starts with --network none). */
    private static synchronized String network() {
        if (network == null) {
            Response r = post("/1.0/networks", Map.of("name", "jtext0", "config", Map.of("ipv4.address", "auto", "ipv6.address", "none")));
            assertEquals(200, r.statusCode(), r::asString);
            network = "jtext0";
        }
        return network;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void removeDevice(String name) {
        patchInstance(Map.of("devices", Map.of(name, Map.of("type", "none"))));
    }

    /** Adds a fresh client certificate to the trust store; its fingerprint. */
    private static String certificate(String name) {
        ClientIdentity id = ClientIdentity.create(name);
        Response r = post("/1.0/certificates", Map.of("name", name, "type", "client", "certificate", id.pem()));
        assertEquals(200, r.statusCode(), r::asString);
        return id.fingerprint();
    }

    @Test
    void everyAnnouncedExtensionHasACheck() {
        List<String> announced = new ArrayList<>();
        server().get("api_extensions").forEach(e -> announced.add(e.asText()));
        assertEquals(ApiExtensions.ALL, announced);
        assertEquals(new TreeSet<>(announced), new TreeSet<>(CHECKS.keySet()),
                "every announced extension needs a check here, and every check an announced extension");
    }

    @TestFactory
    List<DynamicTest> eachAnnouncedExtensionWorks() {
        List<DynamicTest> out = new ArrayList<>();
        for (String name : ApiExtensions.ALL) {
            Check c = CHECKS.get(name);
            out.add(DynamicTest.dynamicTest(name, () -> {
                assertNotNull(c, "no check for " + name);
                c.run();
            }));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A host directory with a root-owned file f, readable by the container. */
    private static java.nio.file.Path hostShare() throws java.io.IOException {
        java.nio.file.Path share = java.nio.file.Files.createDirectories(daemon.dataDir().resolveSibling("ext-share"));
        java.nio.file.Files.setPosixFilePermissions(share, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.nio.file.Files.writeString(share.resolve("f"), "host\n");
        return share;
    }

    /** A time {@code days} from now, RFC 3339 with seconds (UTC). */
    private static String inDays(int days) {
        return OffsetDateTime.now(ZoneOffset.UTC).plusDays(days).withNano(0)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    }

    /** Runs {@code body} in a new project with {@code config}; then deletes the project's instances and the project. */
    private static void inProject(String name, Map<String, String> config, Check body) throws Exception {
        Map<String, String> c0 = new java.util.HashMap<>(config);
        c0.putIfAbsent("features.profiles", "false"); // default's profile (its root disk) for the instances made here
        Response c = post("/1.0/projects", Map.of("name", name, "config", c0));
        assertEquals(200, c.statusCode(), c::asString);
        try {
            body.run();
        } finally {
            for (JsonNode url : json(given().queryParam("project", name).when().get("/1.0/instances")).get("metadata")) {
                String n = url.asText().substring("/1.0/instances/".length(), url.asText().indexOf('?'));
                Instances.ok(given().queryParam("project", name).when().delete("/1.0/instances/" + n));
            }
            assertEquals(200, given().when().delete("/1.0/projects/" + name).statusCode());
        }
    }

    private static String httpsBase;

    /** This daemon's HTTPS base URL (HTTPS is switched on the first time). */
    private static String https() throws Exception {
        if (httpsBase == null) {
            httpsBase = "https://127.0.0.1:" + Trust.enableHttps();
        }
        return httpsBase;
    }

    /** Waits for an operation; its final status. */
    private static String waitOp(String id) {
        Response r = given().queryParam("timeout", 120).when().get("/1.0/operations/" + id + "/wait");
        assertEquals(200, r.statusCode(), r::asString);
        JsonNode op = json(r).get("metadata");
        return op.get("status").asText() + (op.get("err").asText().isEmpty() ? "" : ": " + op.get("err").asText());
    }

    /** A push-mode target operation for a new instance {@code name} (stateless). */
    private static JsonNode pushTarget(String name) throws Exception {
        https();
        Response r = post("/1.0/instances", Map.of("name", name, "source", Map.of("type", "migration", "mode", "push", "live", false)));
        assertEquals(202, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    /** The source side of a push to {@code target}; waits for both. */
    private static void pushTo(JsonNode target, boolean instanceOnly) throws Exception {
        Instances.ok(post("/1.0/instances/" + C, Map.of("migration", true, "live", false, "instance_only", instanceOnly,
                "target", Map.of("operation", https() + "/1.0/operations/" + target.get("id").asText(),
                        "secrets", target.get("metadata"), "certificate", env().get("certificate").asText()))));
        assertEquals("Success", waitOp(target.get("id").asText()));
    }

    /** A pull-mode migration of the test's instance to {@code name} on this same daemon (stateless). */
    private static void pull(String name, boolean instanceOnly) throws Exception {
        Response src = post("/1.0/instances/" + C, Map.of("migration", true, "live", false, "instance_only", instanceOnly));
        assertEquals(202, src.statusCode(), src::asString);
        JsonNode op = json(src).get("metadata");
        assertTrue(op.get("metadata").has("control") && op.get("metadata").has("fs"), op::toString);
        Map<String, Object> source = new java.util.LinkedHashMap<>();
        source.put("type", "migration");
        source.put("mode", "pull");
        source.put("operation", https() + "/1.0/operations/" + op.get("id").asText());
        source.put("secrets", op.get("metadata"));
        source.put("certificate", env().get("certificate").asText());
        source.put("instance_only", instanceOnly);
        Instances.ok(post("/1.0/instances", Map.of("name", name, "source", source)));
        assertEquals("Success", waitOp(op.get("id").asText()));
    }

    private static JsonNode env() {
        return server().get("environment");
    }

    private static JsonNode get(String path) {
        Response r = given().when().get(path);
        assertEquals(200, r.statusCode(), () -> path + ": " + r.asString());
        return json(r).get("metadata");
    }

    private static Response post(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().post(path);
    }

    private static Response patch(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().patch(path);
    }

    /** PATCH on the instance (sync, as LXD). */
    private static void patchInstance(Map<String, Object> body) {
        Response r = patch("/1.0/instances/" + C, body);
        assertEquals(200, r.statusCode(), r::asString);
    }

    private static void push(String path, String content) {
        assertEquals(200, given().contentType("application/octet-stream").body(content.getBytes(StandardCharsets.UTF_8))
                .queryParam("path", path).when().post(FILES).statusCode());
    }

    private static void volume(String name) {
        Instances.ok(post("/1.0/storage-pools/default/volumes/custom", Map.of("name", name)));
    }

    /** Publishes a snapshot of the (running) instance; returns the image's fingerprint. */
    private static String publish(Map<String, Object> extra) {
        Instances.ok(post("/1.0/instances/" + C + "/snapshots", Map.of("name", "pub")));
        try {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("source", Map.of("type", "snapshot", "name", C + "/pub")));
            body.putAll(extra);
            return Instances.ok(post("/1.0/images", body)).get("metadata").get("fingerprint").asText();
        } finally {
            Instances.ok(given().when().delete("/1.0/instances/" + C + "/snapshots/pub"));
        }
    }

    private static JsonNode lifecycleEvent() throws Exception {
        try (EventStream events = EventStream.open(daemon.socket(), "type=lifecycle")) {
            patchInstance(Map.of("config", Map.of("user.evented", Long.toString(System.nanoTime()))));
            return events.await(e -> e.get("metadata").get("action").asText().equals("instance-updated"), Duration.ofSeconds(30),
                    "instance-updated");
        }
    }

    /** SIGTERM through the control websocket reaches the process: exit 128+15. */
    private static void signal() throws Exception {
        Response r = post("/1.0/instances/" + C + "/exec", Map.of("command", List.of("sh", "-c", "echo ready; exec sleep 100"),
                "wait-for-websocket", true, "interactive", false));
        JsonNode op = json(r).get("metadata");
        String id = op.get("id").asText();
        JsonNode fds = op.get("metadata").get("fds");
        try (ExecChannel control = ExecChannel.open(daemon.socket(), id, fds.get("control").asText());
             ExecChannel out = ExecChannel.open(daemon.socket(), id, fds.get("1").asText());
             ExecChannel err = ExecChannel.open(daemon.socket(), id, fds.get("2").asText());
             ExecChannel in = ExecChannel.open(daemon.socket(), id, fds.get("0").asText())) {
            out.awaitText("ready", 30);
            control.sendText("{\"command\":\"signal\",\"signal\":15}");
            out.awaitEnd(30);
            JsonNode done = Instances.await(r);
            assertEquals(128 + 15, done.get("metadata").get("return").asInt(), done::toString);
        }
    }
}
