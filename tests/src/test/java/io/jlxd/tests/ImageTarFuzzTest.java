package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tarball fuzzing of the image importer: valid small images broken in one way each — truncated anywhere, size fields
 * huge or not octal, bad checksums, GNU long names and pax records of absurd lengths, hard-link and symlink loops,
 * links out of the rootfs with files written through them, GNU sparse members, device nodes, many entries, members
 * declaring gigabytes. Every upload is refused with a clear error (400 or a failed operation, in LXD's envelope) or
 * accepted; nothing is left in the image store after a refusal; an accepted image is launched (the unpacker runs)
 * and nothing appears outside the container's rootfs; the daemon never answers 5xx.
 *
 * <p>{@code -Djlxd.fuzz.tar.cases=N} (default 40), {@code -Djlxd.fuzz.seed=S}.
 */
class ImageTarFuzzTest extends DaemonTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CASES = Integer.getInteger("jlxd.fuzz.tar.cases", 40);
    private static final long SEED = Long.getLong("jlxd.fuzz.seed", new Random().nextLong());
    private static Path outside;
    private final Random rnd = new Random(SEED);
    private final List<String> violations = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        Instances.openTempRoot(daemon);
        daemon.allowWarnings("^\\S+ WARNING ");
        outside = Files.createTempDirectory("jth-tarfuzz-outside-");
    }

    @AfterAll
    static void cleanup() throws IOException {
        Instances.cleanup(daemon);
        JlxdDaemon.deleteTree(outside);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.HOURS)
    void brokenAndHostileTarballsAreRefusedCleanly() throws Exception {
        System.out.println("ImageTarFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Set<String> storeBefore = store();
        int refused = 0;
        int acceptedCount = 0;
        for (int i = 0; i < CASES; i++) {
            int kind = rnd.nextInt(14);
            byte[] tar = hostile(kind, i);
            RawHttp.Answer a = RawHttp.request(daemon.socket(), "POST", "/1.0/images", tar, "application/octet-stream", java.util.Map.of(), 300_000);
            String what = "case " + i + " (kind " + kind + ", " + tar.length + " bytes)";
            if (a.status() >= 500) {
                violations.add(what + ": " + a.status() + " " + a.bodyText());
                continue;
            }
            JsonNode j = JSON.readTree(a.body());
            String error = null;
            String fp = null;
            if (a.status() == 202) {
                JsonNode op = JSON.readTree(RawHttp.request(daemon.socket(), "GET", j.path("operation").asText() + "/wait?timeout=240",
                        null, 300_000).body()).path("metadata");
                if ("Failure".equals(op.path("status").asText())) {
                    error = op.path("err").asText();
                } else {
                    fp = op.path("metadata").path("fingerprint").asText();
                }
            } else if (a.status() >= 400) {
                if (!"error".equals(j.path("type").asText()) || j.path("error_code").asInt() != a.status()) {
                    violations.add(what + ": outside LXD's envelope: " + a.bodyText());
                }
                error = j.path("error").asText();
            } else {
                violations.add(what + ": unexpected " + a.status() + " " + a.bodyText());
                continue;
            }
            if (error != null) {
                refused++;
                if (error.isBlank()) {
                    violations.add(what + ": refused without a reason");
                }
                if (!store().equals(storeBefore)) {
                    violations.add(what + ": refused (" + error + ") but the image store changed: " + store());
                }
            } else {
                acceptedCount++;
                launchAndCheck(what, fp);
            }
            if (!Files.exists(daemon.socket()) || !daemon.isAlive()) {
                throw new AssertionError(what + ": the daemon died");
            }
        }
        try (var s = Files.list(outside)) {
            List<Path> escaped = s.toList();
            assertEquals(List.of(), escaped, "written outside the rootfs");
        }
        System.out.printf("ImageTarFuzzTest: seed %d, %d tarballs: %d refused, %d accepted (launched); %d violations%n", SEED, CASES,
                refused, acceptedCount, violations.size());
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " violations (seed " + SEED + "):\n" + String.join("\n", violations));
        }
    }

    /** An accepted image is unpacked by a launch (which may fail cleanly); then image and instance go again. */
    private void launchAndCheck(String what, String fp) throws IOException {
        RawHttp.Answer c = RawHttp.request(daemon.socket(), "POST", "/1.0/instances",
                ("{\"name\":\"tf\",\"source\":{\"type\":\"image\",\"fingerprint\":\"" + fp + "\"}}").getBytes(StandardCharsets.UTF_8),
                "application/json", java.util.Map.of(), 300_000);
        if (c.status() >= 500) {
            violations.add(what + ": launch answered " + c.status() + " " + c.bodyText());
        } else if (c.status() == 202) {
            JsonNode op = JSON.readTree(RawHttp.request(daemon.socket(), "GET", JSON.readTree(c.body()).path("operation").asText()
                    + "/wait?timeout=240", null, 300_000).body()).path("metadata");
            if ("Failure".equals(op.path("status").asText())) {
                if (op.path("err").asText().isBlank()) {
                    violations.add(what + ": the launch failed without a reason");
                }
                System.out.println(what + ": accepted, its launch failed: " + op.path("err").asText());
                if (Files.exists(daemon.dataDir().resolve("storage-pools/default/containers/tf"))) {
                    violations.add(what + ": a failed launch left its volume");
                }
                try (var w = Files.walk(daemon.dataDir().resolve("storage-pools/default"), 2)) {
                    List<Path> tmp = w.filter(p -> p.getFileName().toString().contains(".jlxd-")).toList();
                    if (!tmp.isEmpty()) {
                        violations.add(what + ": a failed launch (" + op.path("err").asText() + ") left " + tmp);
                    }
                }
            } else {
                deleteAndWait("/1.0/instances/tf");
            }
        }
        deleteAndWait("/1.0/images/" + fp);
    }

    /** DELETE and wait for its operation to end (the row goes first, the files when the operation ends). */
    private static void deleteAndWait(String path) throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "DELETE", path, null, 60_000);
        assertEquals(202, a.status(), a::bodyText);
        JsonNode op = JSON.readTree(RawHttp.request(daemon.socket(), "GET", JSON.readTree(a.body()).path("operation").asText()
                + "/wait?timeout=120", null, 150_000).body()).path("metadata");
        assertEquals("Success", op.path("status").asText(), op::toString);
    }

    private static Set<String> store() throws IOException {
        Set<String> out = new TreeSet<>();
        try (var s = Files.walk(daemon.dataDir().resolve("images"))) {
            s.forEach(p -> out.add(daemon.dataDir().relativize(p).toString()));
        }
        try (var s = Files.walk(daemon.dataDir().resolve("storage-pools/default"), 2)) {
            s.forEach(p -> out.add(daemon.dataDir().relativize(p).toString()));
        }
        return out;
    }

    // ---------------------------------------------------------------- the tarballs

    private byte[] hostile(int kind, int i) {
        Tar t = new Tar().file("metadata.yaml", TarBuilder.metadataYaml("tarfuzz" + i + "-" + rnd.nextInt()).getBytes(StandardCharsets.UTF_8))
                .dir("rootfs/").dir("rootfs/etc/");
        String out = outside.toString();
        switch (kind) {
            case 0 -> { // truncated anywhere
                byte[] whole = t.file("rootfs/etc/data", new byte[4096]).build();
                return Arrays.copyOf(whole, rnd.nextInt(whole.length));
            }
            case 1 -> t.raw("rootfs/etc/huge", '0', "77777777777", new byte[512]); // declares 8 GiB, has 512 bytes
            case 2 -> t.raw("rootfs/etc/bad", '0', "12x4", new byte[0]); // size not octal
            case 3 -> t.corruptChecksum("rootfs/etc/x");
            case 4 -> t.raw("././@LongLink", 'L', Long.toOctalString(1L << 30), "rootfs/etc/long".getBytes(StandardCharsets.UTF_8));
            case 5 -> t.raw("pax", 'x', "1000", "99999999999 path=rootfs/etc/p\n".getBytes(StandardCharsets.UTF_8))
                    .file("rootfs/etc/p", "x".getBytes(StandardCharsets.UTF_8));
            case 6 -> t.link("rootfs/etc/a", '1', "rootfs/etc/b").link("rootfs/etc/b", '1', "rootfs/etc/a"); // hard-link loop
            case 7 -> t.link("rootfs/etc/loop", '2', "loop").file("rootfs/etc/loop/x", "x".getBytes(StandardCharsets.UTF_8)); // symlink loop
            case 8 -> t.link("rootfs/evil", '2', out).file("rootfs/evil/escaped", "x".getBytes(StandardCharsets.UTF_8)); // out, absolute
            case 9 -> t.link("rootfs/evil", '2', "../../../../../../../../.." + out).file("rootfs/evil/escaped", "x".getBytes(StandardCharsets.UTF_8));
            case 10 -> t.link("rootfs/etc/h", '1', out + "/escaped"); // hard link to a host path
            case 11 -> t.raw("rootfs/etc/sparse", 'S', "1000", new byte[512]); // GNU sparse with a bogus map
            case 12 -> t.raw("rootfs/dev-null", '3', "0", new byte[0]).raw("rootfs/fifo", '6', "0", new byte[0]); // device and fifo
            default -> {
                for (int k = 0; k < 3000; k++) {
                    t.file("rootfs/etc/f" + k, new byte[0]);
                }
            }
        }
        return t.build();
    }

    /** A ustar writer that writes whatever it is told (sizes, types, checksums). */
    private static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar file(String name, byte[] data) {
            return entry(name, '0', "", Long.toOctalString(data.length), data, true);
        }

        Tar dir(String name) {
            return entry(name, '5', "", "0", new byte[0], true);
        }

        Tar link(String name, char type, String target) {
            return entry(name, type, target, "0", new byte[0], true);
        }

        /** A member whose size field says {@code size} (octal text as given) whatever the data. */
        Tar raw(String name, char type, String size, byte[] data) {
            return entry(name, type, "", size, data, true);
        }

        Tar corruptChecksum(String name) {
            return entry(name, '0', "", "1", "x".getBytes(StandardCharsets.UTF_8), false);
        }

        private Tar entry(String name, char type, String link, String size, byte[] data, boolean goodSum) {
            byte[] h = new byte[512];
            put(h, 0, name, 100);
            put(h, 100, "0000644", 8);
            put(h, 108, "0000000", 8);
            put(h, 116, "0000000", 8);
            put(h, 124, size, 12);
            put(h, 136, "14000000000", 12);
            Arrays.fill(h, 148, 156, (byte) ' ');
            h[156] = (byte) type;
            put(h, 157, link, 100);
            put(h, 257, "ustar", 6);
            put(h, 263, "00", 2);
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", goodSum ? sum : sum + 1), 7);
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        private static void put(byte[] h, int off, String s, int max) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, off, Math.min(b.length, max));
        }

        byte[] build() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }
    }
}
