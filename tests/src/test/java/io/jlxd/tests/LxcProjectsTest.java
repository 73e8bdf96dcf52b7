package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LXD's own clients and projects, through the {@link ContractProxy}: Debian's {@code lxc} 5.0.2 ({@code project
 * create/list/switch/show/set/info/delete}, {@code --project X launch/list/exec/delete}, {@code list
 * --all-projects}) and pylxd 2.2, which has no projects model: a Python user reaches them through
 * {@code client.api.projects} and {@code params={"project": ...}}.
 */
class LxcProjectsTest extends DaemonTestBase {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static LxdClients lxd;

    @BeforeAll
    static void importImage(org.junit.jupiter.api.TestInfo info) throws Exception {
        LxdClients.assumeInstalled("/usr/bin/lxc", "lxd-client");
        Instances.openTempRoot(daemon);
        lxd = LxdClients.start(daemon);
        if (!LxdClients.instanceOf(info, LxcProjectsTest.class).viaSocket()) {
            lxd.useHttpsRemote("jl"); // every lxc command goes over HTTPS from here on
        }
        lxd.ok("image", "import", Instances.busyboxImage().toString(), "--alias", "bb");
    }

    @AfterAll
    static void closeClients() throws IOException {
        try {
            for (String p : List.of("lp1", "pyp")) {
                for (String n : List.of("c1", "py1")) {
                    given().queryParam("project", p).contentType("application/json").body("{\"action\":\"stop\",\"force\":true}")
                            .when().put("/1.0/instances/" + n + "/state");
                }
            }
            for (String p : List.of("lp1", "default")) {
                given().queryParam("project", p).when().delete("/1.0/storage-pools/default/volumes/custom/lv");
            }
            Instances.cleanup(daemon);
        } finally {
            if (lxd != null) {
                lxd.close();
                lxd = null;
            }
        }
    }

    private static List<String> lines(String s) {
        return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    /** lxc talks to the daemon's Unix socket through the contract proxy (else to its HTTPS address: a subclass). */
    boolean viaSocket() {
        return true;
    }

    private void checkContract() {
        List<String> violations = lxd.takeViolations();
        assertTrue(violations.isEmpty(), () -> violations.size() + " contract violation(s):\n" + String.join("\n", violations));
    }

    @Test
    void lxcProjectLifecycle() throws Exception {
        lxd.ok("project", "create", "lp1", "-c", "limits.instances=2");
        String list = lxd.ok("project", "list", "--format", "csv").stdout();
        assertTrue(list.contains("default (current)") && list.contains("lp1"), list);
        JsonNode shown = YAML.readTree(lxd.ok("project", "show", "lp1").stdout());
        assertEquals("2", shown.get("config").get("limits.instances").asText());
        lxd.ok("project", "set", "lp1", "limits.memory=256MiB");
        assertEquals("256MiB\n", lxd.ok("project", "get", "lp1", "limits.memory").stdout());
        lxd.ok("project", "unset", "lp1", "limits.memory");

        // LXD's defaults: lp1 has its own images, profiles (an empty default profile) and custom volumes
        assertTrue(lines(lxd.ok("project", "list", "--format", "csv").stdout()).stream().anyMatch(l -> l.startsWith("lp1,YES,YES,YES,")),
                () -> lxd.ok("project", "list", "--format", "csv").stdout());
        LxdClients.Result noImage = lxd.lxc(null, "--project", "lp1", "launch", "bb", "c1");
        assertEquals(1, noImage.exitCode(), noImage::toString);
        assertEquals(List.of(), lines(lxd.ok("--project", "lp1", "image", "list", "--format", "csv").stdout()));
        lxd.ok("--project", "lp1", "image", "import", Instances.busyboxImage().toString(), "--alias", "bb");
        String images = lxd.ok("--project", "lp1", "image", "list", "--format", "csv").stdout();
        assertTrue(lines(images).size() == 1 && images.startsWith("bb,"), images);
        LxdClients.Result noRoot = lxd.lxc(null, "--project", "lp1", "launch", "bb", "c1");
        assertEquals(1, noRoot.exitCode(), noRoot::toString);
        assertTrue(noRoot.stderr().contains("No root device could be found"), noRoot::toString);
        lxd.ok("--project", "lp1", "profile", "device", "add", "default", "root", "disk", "path=/", "pool=default");
        lxd.ok("--project", "lp1", "profile", "create", "lprof");
        assertEquals(List.of("default", "lprof"), lines(lxd.ok("--project", "lp1", "profile", "list", "--format", "csv").stdout())
                .stream().map(l -> l.split(",")[0]).toList());
        assertTrue(lines(lxd.ok("profile", "list", "--format", "csv").stdout()).stream().noneMatch(l -> l.startsWith("lprof,")));
        lxd.ok("--project", "lp1", "profile", "delete", "lprof");
        // the same volume name in default and in lp1; lxc storage volume info reads its usage (storage_volume_state)
        lxd.ok("storage", "volume", "create", "default", "lv");
        lxd.ok("storage", "volume", "create", "default", "lv", "--project", "lp1");
        assertTrue(Files.isDirectory(daemon.dataDir().resolve("storage-pools/default/custom/lp1_lv")));
        String vinfo = lxd.ok("storage", "volume", "info", "default", "lv", "--project", "lp1").stdout();
        assertTrue(vinfo.contains("Name: lv") && vinfo.contains("Usage:"), vinfo);
        String vlist = lxd.ok("storage", "volume", "list", "default", "--format", "csv", "--project", "lp1").stdout();
        assertTrue(vlist.contains("custom,lv,") && !vlist.contains("lp1_lv"), vlist);
        lxd.ok("storage", "volume", "delete", "default", "lv", "--project", "lp1");
        lxd.ok("storage", "volume", "delete", "default", "lv");

        // the same name in default and in lp1, launched through --project and through switch
        lxd.ok("launch", "bb", "c1");
        lxd.ok("--project", "lp1", "launch", "bb", "c1");
        assertEquals(List.of("c1,RUNNING"), lines(lxd.ok("--project", "lp1", "list", "-c", "ns", "--format", "csv").stdout()));
        lxd.ok("project", "switch", "lp1");
        assertTrue(Files.readString(lxd.conf.resolve("config.yml")).contains("project: lp1"));
        assertEquals("c1\n", lxd.ok("exec", "c1", "--", "hostname").stdout());
        String info = lxd.ok("project", "info", "lp1").stdout();
        assertTrue(info.contains("INSTANCES") && info.contains("| 2 ") && info.contains("| 1 "), info);
        String all = lxd.ok("list", "--all-projects", "-c", "ens", "--format", "csv").stdout();
        assertEquals(List.of("default,c1,RUNNING", "lp1,c1,RUNNING"), lines(all).stream().sorted().toList());
        assertNotEquals(Instances.state("c1").get("pid").asLong(),
                Instances.json(given().queryParam("project", "lp1").when().get("/1.0/instances/c1/state")).get("metadata").get("pid").asLong());

        // limits: lp1 holds at most two instances
        lxd.ok("init", "bb", "c2");
        LxdClients.Result third = lxd.lxc(null, "init", "bb", "c3");
        assertEquals(1, third.exitCode(), third::toString);
        assertTrue(third.stderr().contains("Reached maximum number of instances in project \"lp1\""), third::toString);

        // a project with instances cannot go
        LxdClients.Result busy = lxd.lxc(null, "project", "delete", "lp1");
        assertEquals(1, busy.exitCode(), busy::toString);
        assertTrue(busy.stderr().contains("Only empty projects can be removed"), busy::toString);
        lxd.ok("delete", "--force", "c1");
        lxd.ok("delete", "c2");
        lxd.ok("image", "delete", "bb");
        assertEquals(List.of(), lines(lxd.ok("image", "list", "--format", "csv").stdout()));
        lxd.ok("project", "switch", "default");
        assertTrue(lxd.ok("image", "list", "--format", "csv").stdout().startsWith("bb,"), "default's image stays");
        assertEquals(List.of("c1,RUNNING"), lines(lxd.ok("list", "-c", "ns", "--format", "csv").stdout()));
        lxd.ok("delete", "--force", "c1");
        lxd.ok("project", "delete", "lp1");
        assertEquals(List.of("default (current)"),
                lines(lxd.ok("project", "list", "--format", "csv").stdout()).stream().map(l -> l.split(",")[0]).toList());
        LxdClients.Result bad = lxd.lxc(null, "project", "create", "bad/name");
        assertEquals(1, bad.exitCode(), bad::toString);
        checkContract();
    }

    @Test
    void pylxdReachesProjectsThroughTheApi() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(viaSocket(), "pylxd's project scenario runs on the socket (LxcProjectsTest)");
        LxdClients.assumeInstalled("/usr/lib/python3/dist-packages/pylxd/__init__.py", "python3-pylxd");
        Path script = lxd.dir.resolve("pylxd_projects.py");
        try (InputStream in = LxcProjectsTest.class.getResourceAsStream("/pylxd_projects.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        LxdClients.Result r = lxd.run(List.of("/usr/bin/python3", script.toString()), null,
                Map.of("LXD_DIR", lxd.dir.toString(), "PYTHONDONTWRITEBYTECODE", "1", "BUSYBOX", Instances.busyboxImage().toString()));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("ok done"), r::toString);
        checkContract();
    }
}
