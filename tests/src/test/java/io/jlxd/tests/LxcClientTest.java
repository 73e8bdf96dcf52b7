package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jlxd.api.ApiExtensions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's LXD client ({@code lxc} 5.0.2, package lxd-client) against a real jlxd over the Unix socket, through a
 * {@link ContractProxy}: every REST exchange lxc makes is checked against openapi.yaml, and each test fails on a
 * violation. The busybox test image is imported with {@code lxc image import} under the alias "bb".
 */
class LxcClientTest extends DaemonTestBase {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static LxdClients lxd;
    static String fingerprint;

    @BeforeAll
    static void importImage(org.junit.jupiter.api.TestInfo info) throws Exception {
        LxdClients.assumeInstalled("/usr/bin/lxc", "lxd-client");
        Instances.openTempRoot(daemon);
        lxd = LxdClients.start(daemon);
        if (!LxdClients.instanceOf(info, LxcClientTest.class).viaSocket()) {
            lxd.useHttpsRemote("jl"); // every command goes over HTTPS from here on
        }
        Path tarball = Instances.busyboxImage();
        fingerprint = sha256(tarball);
        String out = lxd.ok("image", "import", tarball.toString(), "--alias", "bb").stdout();
        assertTrue(out.contains(fingerprint), out);
    }

    @AfterEach
    void cleanupAndCheckContract() {
        Instances.cleanup(daemon);
        if (lxd != null) {
            List<String> violations = lxd.takeViolations();
            assertTrue(violations.isEmpty(), () -> violations.size() + " contract violation(s):\n" + String.join("\n", violations));
        }
    }

    @AfterAll
    static void closeClients() throws IOException {
        if (lxd != null) {
            lxd.close();
            lxd = null;
        }
    }

    @Test
    void serverInfoResourcesAndQuery() throws Exception {
        JsonNode info = yaml(lxd.ok("info").stdout());
        List<String> extensions = new ArrayList<>();
        info.get("api_extensions").forEach(e -> extensions.add(e.asText()));
        assertEquals(ApiExtensions.ALL, extensions);
        assertEquals("jlxd", info.get("environment").get("server").asText());
        assertEquals("true", info.get("environment").get("lxc_features").get("cgroup2").asText());

        String resources = lxd.ok("info", "--resources").stdout();
        assertTrue(resources.contains("CPU (") && resources.contains("Memory:") && resources.contains("Disk"), resources);
        JsonNode res = JSON.readTree(lxd.ok("query", "/1.0/resources").stdout());
        long cpus;
        try (Stream<Path> s = Files.list(Path.of("/sys/devices/system/cpu"))) {
            cpus = s.filter(p -> p.getFileName().toString().matches("cpu[0-9]+")).count();
        }
        assertEquals(cpus, res.get("cpu").get("total").asLong());
        long memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.split("\\s+")[1]) * 1024).findFirst().orElseThrow();
        assertEquals(memTotal, res.get("memory").get("total").asLong());
        assertEquals("\"/1.0\"", JSON.readTree(lxd.ok("query", "/").stdout()).get(0).toString());
        assertEquals(1, lxd.lxc(null, "query", "/1.0/nothing-here").exitCode());
        if (viaSocket()) {
            assertEquals(List.of("GET /1.0/nothing-here"), lxd.proxy.unknownPaths());
            assertEquals("", lxd.ok("config", "get", "core.https_address").stdout().trim());
        } else {
            assertEquals("trusted", JSON.readTree(lxd.ok("query", "/1.0").stdout()).get("auth").asText());
            assertTrue(lxd.ok("config", "get", "core.https_address").stdout().trim().startsWith("127.0.0.1:"));
        }
    }

    @Test
    void launchListExecAndStateChanges() throws Exception {
        lxd.ok("launch", "bb", "c1");
        lxd.ok("init", "bb", "c2");
        assertEquals(List.of("c1,RUNNING", "c2,STOPPED"), lines(lxd.ok("list", "-c", "ns", "--format", "csv").stdout()));
        JsonNode json = JSON.readTree(lxd.ok("list", "--format", "json").stdout());
        assertEquals(2, json.size());
        assertEquals("Running", json.get(0).get("state").get("status").asText());
        assertEquals("c2", yaml(lxd.ok("list", "--format", "yaml").stdout()).get(1).get("name").asText());
        assertTrue(lxd.ok("list").stdout().contains("| c1   | RUNNING |"), lxd.ok("list").stdout());
        assertTrue(lxd.ok("list", "--format", "compact").stdout().contains("c2"));
        assertEquals(List.of("c2"), lines(lxd.ok("list", "status=stopped", "-c", "n", "--format", "csv").stdout()));

        LxdClients.Result r = lxd.lxc(null, "exec", "c1", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, r.exitCode(), r::toString);
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertEquals("/tmp\n", lxd.ok("exec", "c1", "--cwd", "/tmp", "--", "pwd").stdout());
        assertEquals("v\n", lxd.ok("exec", "c1", "--env", "K=v", "--", "sh", "-c", "echo $K").stdout());
        LxdClients.Result missing = lxd.lxc(null, "exec", "c1", "--", "/no/such/binary");
        assertEquals(127, missing.exitCode(), missing::toString);
        // interactive: lxc on a pty (script(1)), the shell's own pty inside
        LxdClients.Result pty = lxd.run(List.of("script", "-qec", "lxc exec c1 -- sh", "/dev/null"),
                "echo inter$((6*7))\nexit 5\n", Map.of("LXD_DIR", lxd.dir.toString(), "LXD_CONF", lxd.conf.toString()));
        assertEquals(5, pty.exitCode(), pty::toString);
        assertTrue(pty.stdout().contains("inter42"), pty::toString);

        lxd.ok("stop", "c1");
        assertEquals("STOPPED", status("c1"));
        lxd.ok("start", "c1");
        assertEquals("RUNNING", status("c1"));
        lxd.ok("restart", "c1");
        assertEquals("RUNNING", status("c1"));
        lxd.ok("pause", "c1");
        assertEquals("FROZEN", status("c1"));
        lxd.ok("start", "c1");
        assertEquals("RUNNING", status("c1"));
        LxdClients.Result running = lxd.lxc(null, "delete", "c1");
        assertEquals(1, running.exitCode(), running::toString);
        lxd.ok("delete", "--force", "c1");
        lxd.ok("delete", "c2");
        assertEquals(List.of(), lines(lxd.ok("list", "--format", "csv").stdout()));
    }

    @Test
    void consoleLog() {
        lxd.ok("launch", "bb", "con1", "-c", "migration.stateful=false");
        lxd.ok("console", "con1", "--show-log");
    }

    @Test
    void filesPushPullDeleteRecursive() throws Exception {
        lxd.ok("launch", "bb", "f1");
        Path work = Files.createDirectories(lxd.dir.resolve("files"));
        Path one = Files.writeString(work.resolve("one.txt"), "one\n");
        lxd.ok("file", "push", one.toString(), "f1/root/");
        assertEquals("one\n", lxd.ok("exec", "f1", "--", "cat", "/root/one.txt").stdout());
        lxd.ok("file", "push", "-p", one.toString(), "f1/deep/er/one.txt");
        Path back = work.resolve("back.txt");
        lxd.ok("file", "pull", "f1/deep/er/one.txt", back.toString());
        assertEquals("one\n", Files.readString(back));
        assertEquals("one\n", lxd.ok("file", "pull", "f1/root/one.txt", "-").stdout());
        lxd.ok("file", "delete", "f1/root/one.txt");
        assertEquals(1, lxd.lxc(null, "exec", "f1", "--", "test", "-e", "/root/one.txt").exitCode());

        Path tree = Files.createDirectories(work.resolve("tree/sub"));
        Files.writeString(tree.resolve("a"), "A");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a"));
        lxd.ok("file", "push", "-r", work.resolve("tree").toString(), "f1/root/");
        assertEquals("A", lxd.ok("exec", "f1", "--", "cat", "/root/tree/sub/a").stdout());
        Path pulled = Files.createDirectories(work.resolve("pulled"));
        lxd.ok("file", "pull", "-r", "f1/root/tree", pulled.toString());
        assertEquals("A", Files.readString(pulled.resolve("tree/sub/a")));
        // LXD answers a relative link's target joined to its directory (filepath.Join): jlxd does the same
        assertEquals(Path.of("/root/tree/sub/a"), Files.readSymbolicLink(pulled.resolve("tree/sub/link")));
        LxdClients.Result nothing = lxd.lxc(null, "file", "pull", "f1/no/such/file", work.resolve("x").toString());
        assertNotEquals(0, nothing.exitCode(), nothing::toString);
    }

    @Test
    void configDevicesAndProfiles() throws Exception {
        lxd.ok("init", "bb", "k1");
        lxd.ok("config", "set", "k1", "user.a", "1");
        assertEquals("1", lxd.ok("config", "get", "k1", "user.a").stdout().trim());
        lxd.ok("config", "unset", "k1", "user.a");
        assertEquals("", lxd.ok("config", "get", "k1", "user.a").stdout().trim());
        LxdClients.Result bad = lxd.lxc(null, "config", "set", "k1", "limits.memory", "lots");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().contains("limits.memory"), bad::toString);
        String shown = lxd.ok("config", "show", "k1").stdout();
        assertTrue(shown.contains("volatile.base_image: " + fingerprint), shown);
        lxd.okIn(shown.replace("config:\n", "config:\n  user.edited: \"yes\"\n"), "config", "edit", "k1");
        assertEquals("yes", lxd.ok("config", "get", "k1", "user.edited").stdout().trim());

        lxd.ok("storage", "volume", "create", "default", "kvol");
        lxd.ok("config", "device", "add", "k1", "data", "disk", "pool=default", "source=kvol", "path=/data");
        assertTrue(lxd.ok("config", "device", "show", "k1").stdout().contains("source: kvol"));
        lxd.ok("start", "k1");
        assertEquals(0, lxd.lxc(null, "exec", "k1", "--", "test", "-d", "/data").exitCode());
        lxd.ok("stop", "k1", "--force");
        lxd.ok("config", "device", "remove", "k1", "data");
        assertFalse(lxd.ok("config", "device", "list", "k1").stdout().contains("data"));
        lxd.ok("storage", "volume", "delete", "default", "kvol");

        // a host directory, read-only, and a host file
        Path share = Files.createDirectories(daemon.dataDir().resolveSibling("host-share"));
        Files.setPosixFilePermissions(share, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(share.resolve("greeting"), "from the host\n");
        Path single = Files.writeString(daemon.dataDir().resolveSibling("host-file.conf"), "k=v\n");
        lxd.ok("config", "device", "add", "k1", "share", "disk", "source=" + share, "path=/mnt/share", "readonly=true",
                "propagation=rslave");
        lxd.ok("config", "device", "add", "k1", "conf", "disk", "source=" + single, "path=/etc/host.conf");
        lxd.ok("config", "device", "add", "k1", "shifted", "disk", "source=" + share, "path=/mnt/shifted", "shift=true");
        lxd.ok("start", "k1");
        assertEquals("from the host\n", lxd.ok("exec", "k1", "--", "cat", "/mnt/share/greeting").stdout());
        assertEquals("k=v\n", lxd.ok("exec", "k1", "--", "cat", "/etc/host.conf").stdout());
        assertNotEquals(0, lxd.lxc(null, "exec", "k1", "--", "touch", "/mnt/share/x").exitCode(), "read-only");
        // without shift the host's root is nobody inside; shifted (idmapped to the container) it is root
        assertEquals("65534\n", lxd.ok("exec", "k1", "--", "stat", "-c", "%u", "/mnt/share/greeting").stdout());
        assertEquals("0\n", lxd.ok("exec", "k1", "--", "stat", "-c", "%u", "/mnt/shifted/greeting").stdout());
        lxd.ok("exec", "k1", "--", "touch", "/mnt/shifted/made-inside");
        assertEquals(0, ((Number) Files.getAttribute(share.resolve("made-inside"), "unix:uid")).intValue(),
                "the container's root writes as the host's root through a shifted disk");
        // hot-plug: added to and removed from the running container
        lxd.ok("config", "device", "add", "k1", "hot", "disk", "source=" + share, "path=/mnt/hot", "readonly=true");
        assertEquals("from the host\n", lxd.ok("exec", "k1", "--", "cat", "/mnt/hot/greeting").stdout());
        lxd.ok("config", "device", "remove", "k1", "hot");
        assertNotEquals(0, lxd.lxc(null, "exec", "k1", "--", "test", "-e", "/mnt/hot/greeting").exitCode(), "unmounted");
        lxd.ok("stop", "k1", "--force");
        lxd.ok("config", "device", "remove", "k1", "share");
        lxd.ok("config", "device", "remove", "k1", "conf");
        lxd.ok("config", "device", "remove", "k1", "shifted");
        assertFalse(Files.exists(share.resolve("x")));

        lxd.ok("profile", "create", "p1");
        lxd.ok("profile", "set", "p1", "user.p", "v");
        assertEquals("v", lxd.ok("profile", "get", "p1", "user.p").stdout().trim());
        String profile = lxd.ok("profile", "show", "p1").stdout();
        lxd.okIn(profile.replace("description: \"\"", "description: edited"), "profile", "edit", "p1");
        assertEquals("edited", yaml(lxd.ok("profile", "show", "p1").stdout()).get("description").asText());
        lxd.ok("profile", "copy", "p1", "p2");
        lxd.ok("profile", "rename", "p2", "p3");
        lxd.ok("profile", "add", "k1", "p1");
        assertTrue(yaml(lxd.ok("profile", "show", "p1").stdout()).get("used_by").toString().contains("/1.0/instances/k1"));
        assertEquals("v", yaml(lxd.ok("config", "show", "k1", "--expanded").stdout()).get("config").get("user.p").asText());
        lxd.ok("profile", "remove", "k1", "p1");
        String list = lxd.ok("profile", "list", "--format", "csv").stdout();
        assertTrue(list.contains("p1") && list.contains("p3") && list.contains("default"), list);
        lxd.ok("profile", "unset", "p1", "user.p");
        lxd.ok("profile", "delete", "p1");
        lxd.ok("profile", "delete", "p3");
    }

    @Test
    void snapshotsRestoreCopyAndRename() throws Exception {
        lxd.ok("launch", "bb", "s1");
        lxd.ok("exec", "s1", "--", "sh", "-c", "echo before > /root/mark");
        lxd.ok("snapshot", "s1", "snap0");
        assertTrue(lxd.ok("info", "s1").stdout().contains("snap0"));
        lxd.ok("exec", "s1", "--", "sh", "-c", "echo after > /root/mark");
        lxd.ok("restore", "s1", "snap0");
        assertEquals("before\n", lxd.ok("exec", "s1", "--", "cat", "/root/mark").stdout());
        lxd.ok("copy", "s1/snap0", "s2");
        lxd.ok("copy", "s1", "s3");
        assertEquals("1", lines(lxd.ok("list", "s3", "-c", "S", "--format", "csv").stdout()).getFirst(), "copied with its snapshot");
        assertEquals("0", lines(lxd.ok("list", "s2", "-c", "S", "--format", "csv").stdout()).getFirst());
        lxd.ok("rename", "s2", "s4");
        lxd.ok("move", "s4", "s5");
        lxd.ok("start", "s5");
        assertEquals("before\n", lxd.ok("exec", "s5", "--", "cat", "/root/mark").stdout());
        lxd.ok("move", "s1/snap0", "s1/snap1");
        assertTrue(lxd.ok("info", "s1").stdout().contains("snap1"));
        lxd.ok("delete", "s1/snap1");
        assertFalse(lxd.ok("info", "s1").stdout().contains("snap1"));
        LxdClients.Result missing = lxd.lxc(null, "restore", "s1", "nope");
        assertEquals(1, missing.exitCode(), missing::toString);
    }

    @Test
    void imagesAliasesExportAndPublish() throws Exception {
        String list = lxd.ok("image", "list", "--format", "csv").stdout();
        assertTrue(list.contains("bb,") && list.contains(fingerprint.substring(0, 12)), list);
        assertTrue(lxd.ok("image", "info", "bb").stdout().contains("Fingerprint: " + fingerprint));
        lxd.ok("image", "alias", "create", "bb2", fingerprint);
        assertTrue(lxd.ok("image", "alias", "list", "--format", "csv").stdout().contains("bb2,"));
        lxd.ok("image", "alias", "rename", "bb2", "bb3");
        lxd.ok("image", "alias", "delete", "bb3");
        assertFalse(lxd.ok("image", "alias", "list", "--format", "csv").stdout().contains("bb3"));

        Path exportDir = Files.createDirectories(lxd.dir.resolve("export"));
        lxd.ok("image", "export", "bb", exportDir.resolve("img").toString());
        Path exported;
        try (Stream<Path> s = Files.list(exportDir)) {
            exported = s.findFirst().orElseThrow();
        }
        assertEquals(fingerprint, sha256(exported), "lxc image export gives the uploaded tarball back");

        lxd.ok("launch", "bb", "pub1");
        lxd.ok("exec", "pub1", "--", "sh", "-c", "echo published > /root/mark");
        LxdClients.Result running = lxd.lxc(null, "publish", "pub1", "--alias", "pubimg");
        assertEquals(1, running.exitCode(), running::toString);
        lxd.ok("stop", "pub1", "--force");
        lxd.ok("publish", "pub1", "--alias", "pubimg", "--compression", "gzip", "os=busybox", "release=mine");
        JsonNode img = yaml(lxd.ok("image", "show", "pubimg").stdout());
        assertEquals("mine", img.get("properties").get("release").asText());
        lxd.ok("launch", "pubimg", "pub2");
        assertEquals("published\n", lxd.ok("exec", "pub2", "--", "cat", "/root/mark").stdout());
        lxd.ok("snapshot", "pub1", "ps0");
        lxd.ok("publish", "pub1/ps0", "--alias", "pubsnap");
        lxd.ok("image", "delete", "pubsnap");
        Path roundTrip = Files.createDirectories(lxd.dir.resolve("roundtrip"));
        lxd.ok("image", "export", "pubimg", roundTrip.resolve("p").toString());
        String published = JSON.readTree(lxd.ok("query", "/1.0/images/aliases/pubimg").stdout()).get("target").asText();
        lxd.ok("delete", "--force", "pub2");
        lxd.ok("image", "delete", "pubimg");
        Path file;
        try (Stream<Path> s = Files.list(roundTrip)) {
            file = s.findFirst().orElseThrow();
        }
        assertEquals(published, sha256(file));
        String again = lxd.ok("image", "import", file.toString(), "--alias", "pubimg2").stdout();
        assertTrue(again.contains(published), again);
        lxd.ok("image", "delete", "pubimg2");
    }

    @Test
    void storagePoolsAndVolumes() throws Exception {
        lxd.ok("storage", "create", "lp1", "dir");
        assertTrue(lxd.ok("storage", "list", "--format", "csv").stdout().contains("lp1,dir"));
        assertEquals("dir", yaml(lxd.ok("storage", "show", "lp1").stdout()).get("driver").asText());
        assertTrue(lxd.ok("storage", "info", "lp1").stdout().contains("total space"));
        lxd.ok("storage", "set", "lp1", "user.x", "y");
        assertEquals("y", lxd.ok("storage", "get", "lp1", "user.x").stdout().trim());
        lxd.ok("storage", "unset", "lp1", "user.x");
        lxd.ok("storage", "volume", "create", "lp1", "v1");
        lxd.ok("storage", "volume", "set", "lp1", "v1", "user.k", "v");
        assertEquals("v", lxd.ok("storage", "volume", "get", "lp1", "v1", "user.k").stdout().trim());
        lxd.ok("storage", "volume", "unset", "lp1", "v1", "user.k");
        assertEquals("v1", yaml(lxd.ok("storage", "volume", "show", "lp1", "v1").stdout()).get("name").asText());
        lxd.ok("storage", "volume", "snapshot", "lp1", "v1", "vs1");
        lxd.ok("storage", "volume", "restore", "lp1", "v1", "vs1");
        lxd.ok("storage", "volume", "copy", "lp1/v1", "lp1/v2");
        lxd.ok("storage", "volume", "rename", "lp1", "v2", "v3");
        String vols = lxd.ok("storage", "volume", "list", "lp1", "--format", "csv").stdout();
        assertTrue(vols.contains("custom,v1") && vols.contains("custom,v3"), vols);
        lxd.ok("init", "bb", "sv1", "-s", "lp1");
        lxd.ok("storage", "volume", "attach", "lp1", "v1", "sv1", "/mnt/v1");
        lxd.ok("start", "sv1");
        assertEquals(0, lxd.lxc(null, "exec", "sv1", "--", "test", "-d", "/mnt/v1").exitCode());
        lxd.ok("stop", "sv1", "--force");
        lxd.ok("storage", "volume", "detach", "lp1", "v1", "sv1");
        lxd.ok("delete", "sv1");
        lxd.ok("storage", "volume", "rename", "lp1", "v1/vs1", "v1/vs2");
        lxd.ok("storage", "volume", "delete", "lp1", "v1/vs2");
        lxd.ok("storage", "volume", "delete", "lp1", "v1");
        lxd.ok("storage", "volume", "delete", "lp1", "v3");
        LxdClients.Result bad = lxd.lxc(null, "storage", "create", "lp2", "zfs");
        assertEquals(1, bad.exitCode(), bad::toString);
        lxd.ok("storage", "delete", "lp1");
    }

    @Test
    void operationsMonitorAndQuery() throws Exception {
        Path log = lxd.dir.resolve("monitor.log");
        ProcessBuilder pb = new ProcessBuilder("lxc", "monitor", "--type", "lifecycle", "--pretty")
                .redirectOutput(log.toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("LXD_DIR", lxd.dir.toString(), "LXD_CONF", lxd.conf.toString(), "HOME", lxd.dir.toString()));
        Process monitor = pb.start();
        try {
            // the monitor is connected once a lifecycle event reaches it: create instances until one does
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            int n = 0;
            while (!Files.readString(log).contains("instance-created")) {
                assertTrue(Instant.now().isBefore(deadline), () -> "lxc monitor saw no event: " + read(log));
                lxd.ok("init", "bb", "m" + n++);
                waitFor(() -> read(log).contains("instance-created"), Duration.ofSeconds(5));
            }
        } finally {
            monitor.destroy();
            monitor.waitFor();
        }
        String op = lxd.ok("query", "--request", "POST", "--data", "{\"name\": \"q0\"}", "/1.0/instances/m0/snapshots").stdout();
        String id = JSON.readTree(op).get("id").asText();
        lxd.ok("query", "/1.0/operations/" + id + "/wait");
        JsonNode shown = yaml(lxd.ok("operation", "show", id).stdout());
        assertEquals("Success", shown.get("status").asText());
        assertTrue(lxd.ok("operation", "list", "--format", "csv").stdout().contains(id));
        assertEquals("q0", JSON.readTree(lxd.ok("query", "/1.0/instances/m0/snapshots?recursion=1").stdout())
                .get(0).get("name").asText());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** lxc talks to the daemon's Unix socket through the contract proxy (else to its HTTPS address: a subclass). */
    boolean viaSocket() {
        return true;
    }

    private static String status(String name) {
        return lines(lxd.ok("list", name, "-c", "s", "--format", "csv").stdout()).getFirst();
    }

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }

    private static JsonNode yaml(String text) throws IOException {
        return YAML.readTree(text);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        Instant deadline = Instant.now().plus(max);
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
