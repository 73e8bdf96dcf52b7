package io.jlxd.tests;

import static io.jlxd.tests.Instances.await;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Disk full, for real: a 256 MiB btrfs loop-file pool receives an image that does not fit (the launch fails with the
 * reason: the unpacker stops once the files add up to more than the pool's free space, and neither the instance, its volume nor a half-unpacked image volume is left) and a pushed file that does
 * not fit (a 413 before anything is written when its length is announced, else a 500 with the reason when the pool
 * fills up; no partial file either way); a dir pool whose directory is a 64 MiB tmpfs runs out of space
 * during a snapshot of a running container (the operation fails with the reason, no snapshot row or volume is left,
 * and the container runs on, not frozen).
 */
class DiskFullTest extends DaemonTestBase {
    private static final String BTRFS = "jthfullb";
    private static final String DIR = "jthfulld";

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Map<String, Object> onPool(String name, String fp, String pool) {
        return Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fp),
                "devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", pool)));
    }

    private static Response post(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().post(path);
    }

    /** A unified image whose rootfs holds {@code mib} MiB of incompressible data (plain tar, no compression). */
    private static byte[] bigImage(int mib) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((mib + 1) << 20);
        byte[] meta = TarBuilder.metadataYaml("big").getBytes(StandardCharsets.UTF_8);
        header(out, "metadata.yaml", '0', meta.length);
        out.writeBytes(meta);
        pad(out, meta.length);
        header(out, "rootfs/", '5', 0);
        header(out, "rootfs/big", '0', (long) mib << 20);
        byte[] chunk = new byte[1 << 20];
        Random r = new Random(42);
        for (int i = 0; i < mib; i++) {
            r.nextBytes(chunk);
            out.writeBytes(chunk);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, type == '5' ? "0000755" : "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "14000000000");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        out.writeBytes(h);
    }

    private static void pad(ByteArrayOutputStream out, int len) {
        out.writeBytes(new byte[(512 - len % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static List<String> leftovers(Path dir) throws Exception {
        try (var w = Files.walk(dir, 3)) {
            return w.map(p -> p.getFileName().toString()).filter(n -> n.contains(".jlxd-")).toList();
        }
    }

    @Test
    void aSmallLoopFilePoolRunsOutOfSpaceCleanly() throws Exception {
        daemon.allowWarnings("No space left on device", "operation .* failed");
        Instances.openTempRoot(daemon);
        String busybox = busybox();
        assertEquals(200, post("/1.0/storage-pools", Map.of("name", BTRFS, "driver", "btrfs", "config", Map.of("size", "256MiB"))).statusCode());
        Path pool = daemon.dataDir().resolve("storage-pools/" + BTRFS);

        // an image larger than the pool: its launch fails with the reason, nothing is left
        String big = Instances.importImage(writeTemp(bigImage(300)));
        JsonNode failed = await(create(onPool("df-big", big, BTRFS)));
        assertEquals("Failure", failed.get("status").asText(), failed::toString);
        // refused by the unpacker's limit (the pool's free space) before the pool is full
        assertTrue(failed.get("err").asText().contains("expands to more than"), failed::toString);
        assertTrue(failed.get("err").asText().contains("free space of the storage pool"), failed::toString);
        assertEquals(404, given().when().get("/1.0/instances/df-big").statusCode());
        assertFalse(Files.exists(pool.resolve("containers/df-big")));
        assertFalse(Files.exists(pool.resolve("images/" + big)), "no half-unpacked image volume");
        assertEquals(List.of(), leftovers(pool));

        // a pushed file larger than the pool: refused with the reason, no partial file, the old content kept
        ok(create(onPool("df-small", busybox, BTRFS)));
        assertEquals(200, given().contentType("application/octet-stream").body("old\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/1.0/instances/df-small/files?path=/root/f").statusCode());
        // announced (Content-Length): refused before anything is written
        Response push = given().contentType("application/octet-stream").body(new byte[300 << 20])
                .when().post("/1.0/instances/df-small/files?path=/root/f");
        assertEquals(413, push.statusCode(), push::asString);
        assertTrue(json(push).get("error").asText().contains("does not fit in the free space"), push::asString);
        // streamed without a length: written until the storage is full, then a server condition with the reason (as
        // LXD), the partial file removed
        push = given().contentType("application/octet-stream").body(new Zeros(300L << 20))
                .when().post("/1.0/instances/df-small/files?path=/root/f");
        assertEquals(500, push.statusCode(), push::asString);
        assertTrue(json(push).get("error").asText().toLowerCase().contains("no space"), push::asString);
        Response old = given().when().get("/1.0/instances/df-small/files?path=/root/f");
        assertEquals("old\n", old.asString());
        assertEquals(List.of(), leftovers(pool));
        try (var s = Files.list(pool.resolve("containers/df-small/rootfs/root"))) {
            assertEquals(List.of("f"), s.map(p -> p.getFileName().toString()).toList(), "no temporary of the push");
        }
        ok(given().when().delete("/1.0/instances/df-small"));
        ok(given().when().delete("/1.0/images/" + big));
    }

    @Test
    void aSnapshotThatRunsOutOfSpaceLeavesNothing() throws Exception {
        daemon.allowWarnings("No space left on device", "operation .* failed");
        Instances.openTempRoot(daemon);
        String busybox = busybox();
        assertEquals(200, post("/1.0/storage-pools", Map.of("name", DIR, "driver", "dir")).statusCode());
        Path pool = daemon.dataDir().resolve("storage-pools/" + DIR);
        // the pool's directory becomes a 64 MiB tmpfs (unmounted with the data directory at the end)
        daemon.stop();
        Path saved = Files.createTempDirectory(daemon.dataDir(), ".layout");
        HostState.run("cp", "-a", pool + "/.", saved.toString());
        HostState.run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0710", "jthfull", pool.toString());
        HostState.run("cp", "-a", saved + "/.", pool.toString());
        JlxdDaemon.deleteTree(saved);
        daemon.startProcess();
        useSocket(daemon);

        ok(create(Map.of("name", "df-snap", "source", Map.of("type", "image", "fingerprint", busybox), "start", true,
                "devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", DIR)))));
        long pid = Instances.state("df-snap").get("pid").asLong();
        HostState.run("dd", "if=/dev/urandom", "of=" + pool.resolve("containers/df-snap/rootfs/fill"), "bs=1M", "count=40");
        JsonNode failed = await(post("/1.0/instances/df-snap/snapshots", Map.of("name", "s1")));
        assertEquals("Failure", failed.get("status").asText(), failed::toString);
        assertTrue(failed.get("err").asText().toLowerCase().contains("no space"), failed::toString);
        assertEquals("[]", json(given().when().get("/1.0/instances/df-snap/snapshots")).get("metadata").toString());
        assertFalse(Files.exists(pool.resolve("containers-snapshots/df-snap/s1")));
        assertEquals(List.of(), leftovers(pool));
        JsonNode st = Instances.state("df-snap");
        assertEquals("Running", st.get("status").asText(), "unfrozen after the failure");
        assertEquals(pid, st.get("pid").asLong());
        ok(Instances.action("df-snap", Map.of("action", "stop", "force", true)));
        ok(given().when().delete("/1.0/instances/df-snap"));
    }

    /** The busybox image's fingerprint, imported unless it is there already (both tests share the daemon). */
    private static String busybox() throws Exception {
        Path tar = Instances.busyboxImage();
        String fp = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tar)));
        return given().when().get("/1.0/images/" + fp).statusCode() == 200 ? fp : Instances.importImage(tar);
    }

    /** {@code n} zero bytes as a stream of unknown length (sent chunked). */
    private static final class Zeros extends java.io.InputStream {
        private long left;

        Zeros(long n) {
            left = n;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    private static Path writeTemp(byte[] data) throws Exception {
        Path p = Files.createTempFile(daemon.dataDir().getParent(), "big", ".tar");
        Files.write(p, data);
        return p;
    }
}
