package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code jlxc image ...} against a real daemon: import (unified and split), list, info, export, aliases, delete, build. */
class ImageCliTest extends DaemonTestBase {
    private static Path work;

    @BeforeAll
    static void tempDir() throws Exception {
        work = Files.createTempDirectory("jlxc-image-");
    }

    @AfterAll
    static void removeTempDir() throws Exception {
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @org.junit.jupiter.api.AfterEach
    void deleteImages() {
        for (JsonNode url : json(given().when().get("/1.0/images")).get("metadata")) {
            Instances.await(given().when().delete(url.asText()));
        }
    }

    static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), Duration.ofSeconds(120), args);
    }

    static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void importListInfoExportAliasDelete() throws Exception {
        Path busybox = Instances.busyboxImage();
        String fp = ImagesApiTest.sha256(Files.readAllBytes(busybox));
        Jlxc.Result r = ok("image", "import", busybox.toString(), "--alias", "bb");
        assertEquals("Image imported with fingerprint: " + fp, r.stdout().trim());
        assertFalse(r.stderr().contains("Transferring"), "no progress without a terminal: " + r.stderr());

        r = ok("image", "list");
        assertTrue(r.stdout().contains("FINGERPRINT") && r.stdout().contains("UPLOAD DATE"), r::toString);
        assertTrue(r.stdout().contains(fp.substring(0, 12)) && r.stdout().contains("bb"), r::toString);
        r = ok("image", "list", "--format", "csv");
        assertTrue(r.stdout().startsWith("bb," + fp.substring(0, 12) + ",no,"), r::toString);
        JsonNode listed = json(ok("image", "list", "--format", "json").stdout());
        assertEquals(fp, listed.get(0).get("fingerprint").asText());

        r = ok("image", "info", "bb");
        assertTrue(r.stdout().contains("Fingerprint: " + fp), r::toString);
        assertTrue(r.stdout().contains("    - bb"), r::toString);
        ok("image", "info", fp.substring(0, 8));

        Path out = work.resolve("export");
        Files.createDirectory(out);
        r = ok("image", "export", "bb", out.toString());
        Path exported = out.resolve(busybox.getFileName().toString());
        assertTrue(Files.exists(exported), () -> "exported files: " + out.toFile().list());
        assertEquals(fp, ImagesApiTest.sha256(Files.readAllBytes(exported)));

        ok("image", "alias", "create", "second", fp.substring(0, 12), "--description", "two");
        r = ok("image", "alias", "list");
        assertTrue(r.stdout().contains("second") && r.stdout().contains("two"), r::toString);
        ok("image", "alias", "rename", "second", "third");
        r = jlxc("image", "alias", "create", "third", fp);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("Error: "), r::toString);
        ok("image", "alias", "delete", "third");
        assertFalse(ok("image", "alias", "list").stdout().contains("third"));

        r = jlxc("image", "import", work.resolve("missing.tar").toString());
        assertEquals(1, r.exitCode(), r::toString);
        r = jlxc("image", "import", busybox.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("already exists"), r::toString);

        ok("image", "delete", "bb");
        assertEquals(0, json(given().when().get("/1.0/images")).get("metadata").size());
        r = jlxc("image", "info", "bb");
        assertEquals(1, r.exitCode(), r::toString);
    }

    @Test
    void splitImportAndBuild() throws Exception {
        Path meta = work.resolve("meta.tar");
        Path rootfs = work.resolve("rootfs.tar");
        Files.write(meta, ImagesApiTest.tinyMetadata("cli"));
        Files.write(rootfs, ImagesApiTest.tinyRootfs("cli"));
        String fp = ImagesApiTest.sha256(Files.readAllBytes(meta), Files.readAllBytes(rootfs));
        Jlxc.Result r = ok("-q", "image", "import", meta.toString(), rootfs.toString(), "--public");
        assertEquals("", r.stdout().trim());
        JsonNode img = json(given().when().get("/1.0/images/" + fp)).get("metadata");
        assertTrue(img.get("public").asBoolean());
        Path out = work.resolve("split-export");
        Files.createDirectory(out);
        ok("image", "export", fp, out.toString());
        Path m = out.resolve("meta.tar");
        Path rf;
        try (Stream<Path> files = Files.list(out)) {
            rf = files.filter(f -> f.getFileName().toString().startsWith(fp + ".rootfs")).findFirst().orElse(out.resolve("none"));
        }
        assertTrue(Files.exists(m) && Files.exists(rf), () -> java.util.Arrays.toString(out.toFile().list()));
        assertEquals(fp, ImagesApiTest.sha256(Files.readAllBytes(m), Files.readAllBytes(rf)));
        ok("image", "delete", fp.substring(0, 10));

        r = ok("image", "build", "busybox", "--alias", "built");
        String built = ImagesApiTest.sha256(Files.readAllBytes(Instances.busyboxImage()));
        assertEquals("Image imported with fingerprint: " + built, r.stdout().trim());
        assertEquals(built, json(given().when().get("/1.0/images/aliases/built")).get("metadata").get("target").asText());
        ok("image", "delete", "built");
        r = jlxc("image", "build", "nonsense");
        assertEquals(1, r.exitCode(), r::toString);
    }
}
