package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jlxc project ...} and the global {@code --project} against the real daemon: create, list, show, set, get,
 * unset, switch (the remote's project in config.yml), info, rename, delete; instances of the same name in two
 * projects, {@code list --all-projects}, limits and LXD's refusals.
 */
class ProjectCliTest extends DaemonTestBase {
    private static Path conf;

    @BeforeAll
    static void importImage() throws IOException {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        Response alias = given().contentType("application/json").body(toJson(Map.of("name", "busybox", "target", fp)))
                .when().post("/1.0/images/aliases");
        assertEquals(200, alias.statusCode(), alias::asString);
        conf = Files.createTempDirectory("jlxc-project-conf");
    }

    @AfterAll
    static void cleanup() throws IOException {
        if (daemon != null && daemon.isAlive()) {
            for (String p : List.of("jp1", "jp2")) {
                given().queryParam("project", p).contentType("application/json").body("{\"action\":\"stop\",\"force\":true}")
                        .when().put("/1.0/instances/c1/state");
                Response d = given().queryParam("project", p).when().delete("/1.0/instances/c1");
                if (d.statusCode() == 202) {
                    Instances.await(d);
                }
                given().queryParam("project", p).when().delete("/1.0/storage-pools/default/volumes/custom/jv");
                given().queryParam("project", p).when().delete("/1.0/profiles/extra");
                for (com.fasterxml.jackson.databind.JsonNode i : Instances.json(given().queryParam("project", p).when().get("/1.0/images"))
                        .path("metadata")) {
                    Response di = given().queryParam("project", p).when().delete(i.asText().replaceAll("\\?.*", ""));
                    if (di.statusCode() == 202) {
                        Instances.await(di);
                    }
                }
                given().when().delete("/1.0/projects/" + p);
            }
            given().when().delete("/1.0/storage-pools/default/volumes/custom/jv");
            Instances.cleanup(daemon);
        }
        if (conf != null) {
            JlxdDaemon.deleteTree(conf);
        }
    }

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.runWithEnv(daemon.dataDir(), Map.of("JLXC_CONF", conf.toString()), null, args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private static Jlxc.Result fails(String message, String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains(message), r::toString);
        return r;
    }

    private static List<String> lines(String s) {
        return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void projectsFromTheCommandLine() throws IOException {
        assertEquals("Project jp1 created\n", ok("project", "create", "jp1", "-c", "limits.instances=1").stdout());
        // LXD's defaults: own images, own profiles (an empty default profile) and own custom volumes
        assertEquals(List.of("default (current),YES,YES,YES,NO,Default LXD project,2", "jp1,YES,YES,YES,NO,,1"),
                lines(ok("project", "list", "--format", "csv").stdout()));
        assertTrue(ok("project", "show", "jp1").stdout().contains("limits.instances: \"1\""), () -> jlxc("project", "show", "jp1").stdout());
        ok("project", "set", "jp1", "user.team=blue");
        assertEquals("blue\n", ok("project", "get", "jp1", "user.team").stdout());
        ok("project", "unset", "jp1", "user.team");
        assertEquals("\n", ok("project", "get", "jp1", "user.team").stdout());
        fails("Project names may not contain slashes", "project", "create", "bad/name");
        fails("Project not found", "--project", "nope", "list");

        // jp1's own images: default's busybox is not there until it is imported into jp1
        fails("not found", "--project", "jp1", "launch", "busybox", "c1");
        ok("--project", "jp1", "image", "import", Instances.busyboxImage().toString(), "--alias", "busybox");
        assertEquals(1, lines(ok("--project", "jp1", "image", "list", "--format", "csv").stdout()).size());
        // jp1's own profiles: its default profile needs a root disk before anything launches there (as in LXD)
        fails("No root device could be found", "--project", "jp1", "launch", "busybox", "c1");
        ok("--project", "jp1", "profile", "device", "add", "default", "root", "disk", "path=/", "pool=default");
        ok("--project", "jp1", "profile", "create", "extra");
        ok("--project", "jp1", "profile", "set", "extra", "user.where=jp1");
        assertEquals(List.of("default", "extra"), lines(ok("--project", "jp1", "profile", "list", "--format", "csv").stdout()).stream()
                .map(l -> l.split(",")[0]).toList());
        assertFalse(ok("profile", "list", "--format", "csv").stdout().contains("extra"), "default's profiles are its own");
        ok("--project", "jp1", "profile", "delete", "extra");
        // own custom volumes: the same name in both projects
        ok("storage", "volume", "create", "default", "jv");
        ok("--project", "jp1", "storage", "volume", "create", "default", "jv");
        assertTrue(Files.isDirectory(daemon.dataDir().resolve("storage-pools/default/custom/jp1_jv")));
        ok("--project", "jp1", "storage", "volume", "delete", "default", "jv");
        ok("storage", "volume", "delete", "default", "jv");

        // the same name in default and in jp1
        ok("launch", "busybox", "c1");
        ok("--project", "jp1", "launch", "busybox", "c1");
        assertEquals(List.of("c1,RUNNING"), lines(ok("--project", "jp1", "list", "-c", "ns", "--format", "csv").stdout()));
        // a remote whose project is jp1 (lxc's remote add --project): kept in config.yml, used by commands on it
        fails("Project names may not contain slashes", "remote", "add", "jpfbad", "unix://" + daemon.socket(), "--project", "a/b");
        ok("remote", "add", "jpfhere", "unix://" + daemon.socket(), "--project", "jp1");
        assertTrue(Files.readString(conf.resolve("config.yml")).contains("project: jp1"), () -> read(conf.resolve("config.yml")));
        assertEquals(List.of("c1,RUNNING"), lines(ok("list", "jpfhere:", "-c", "ns", "--format", "csv").stdout()));
        assertTrue(ok("remote", "list", "--format", "json").stdout().contains("\"Project\":\"jp1\""));
        ok("remote", "remove", "jpfhere");
        assertFalse(Files.readString(conf.resolve("config.yml")).contains("jpfhere"));
        ok("project", "switch", "jp1");
        assertTrue(Files.readString(conf.resolve("config.yml")).contains("project: jp1"));
        assertEquals(List.of("default,YES,YES,YES,NO,Default LXD project,3", "jp1 (current),YES,YES,YES,NO,,3"),
                lines(ok("project", "list", "--format", "csv").stdout()));
        assertEquals("c1\n", ok("exec", "c1", "--", "hostname").stdout());
        assertEquals(List.of("default,c1", "jp1,c1"), lines(ok("list", "--all-projects", "-c", "en", "--format", "csv").stdout()));
        String info = ok("project", "info", "jp1", "--format", "csv").stdout();
        assertTrue(lines(info).contains("INSTANCES,1,1") && lines(info).contains("MEMORY,UNLIMITED,0B"), info);
        fails("Reached maximum number of instances in project \"jp1\"", "init", "busybox", "c2");
        fails("Only empty projects can be removed", "project", "delete", "jp1");
        fails("Only empty projects can be renamed", "project", "rename", "jp1", "jp2");

        ok("delete", "--force", "c1");
        assertEquals(List.of("c1"), lines(ok("--project", "default", "list", "-c", "n", "--format", "csv").stdout()));
        fails("Only empty projects can be removed", "project", "delete", "jp1");
        ok("image", "delete", "busybox");
        ok("project", "switch", "default");
        ok("delete", "--force", "c1");
        assertEquals("Project jp1 renamed to jp2\n", ok("project", "rename", "jp1", "jp2").stdout());
        assertEquals("Project jp2 deleted\n", ok("project", "delete", "jp2").stdout());
        assertEquals(List.of("default (current),YES,YES,YES,NO,Default LXD project,2"), lines(ok("project", "list", "--format", "csv").stdout()));
        fails("'default' project cannot be deleted", "project", "delete", "default");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
