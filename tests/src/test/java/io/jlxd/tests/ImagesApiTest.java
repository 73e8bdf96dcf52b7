package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /1.0/images} and {@code /1.0/images/aliases} against a real daemon: uploads (unified busybox image from
 * scripts/images/build-image.sh, split images as multipart), LXD fingerprints, export round trips, refused
 * uploads that must leave nothing behind (bad fingerprint, corrupt, truncated, hostile, over the cap, cancelled
 * half way), aliases, and the clean-up at start.
 */
class ImagesApiTest extends DaemonTestBase {
    private static final String BOUNDARY = "jlxdTestBoundary42";

    @AfterEach
    void deleteImages() {
        for (JsonNode url : json(given().when().get("/1.0/images")).get("metadata")) {
            Instances.await(given().when().delete(url.asText()));
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static String sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static byte[] multipart(byte[] metadata, byte[] rootfs, String first, String second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + first
                + "\"; filename=\"meta.tar\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(metadata);
        out.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + second
                + "\"; filename=\"rootfs.tar\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(rootfs);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] tinyUnified(String os) {
        return new TarBuilder().file("metadata.yaml", TarBuilder.metadataYaml(os)).dir("rootfs/").dir("rootfs/etc/")
                .file("rootfs/etc/hello", "hello " + os + "\n").build();
    }

    static byte[] tinyMetadata(String os) {
        return new TarBuilder().file("metadata.yaml", TarBuilder.metadataYaml(os)).build();
    }

    static byte[] tinyRootfs(String os) {
        return new TarBuilder().dir("etc/").file("etc/hello", "hello " + os + "\n").build();
    }

    static RequestSpecification octet(byte[] body) {
        return given().contentType("application/octet-stream").body(body);
    }

    static String upload(byte[] body) {
        return Instances.ok(octet(body).when().post("/1.0/images")).get("metadata").get("fingerprint").asText();
    }

    /**
     * POSTs a multipart body over a raw connection (REST Assured re-encodes multipart bodies itself); returns the
     * status and the parsed answer.
     */
    RawHttp.Answer postMultipart(byte[] body) throws IOException {
        try (UnixSocket s = new UnixSocket(daemon.socket())) {
            s.setSoTimeout(60000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /1.0/images HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary="
                    + BOUNDARY + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return RawHttp.read(s.getInputStream());
        }
    }

    /** Waits for the operation of a raw 202 answer and returns its final state. */
    static JsonNode awaitRaw(RawHttp.Answer a) {
        assertEquals(202, a.status(), a.bodyText());
        String op = json(a.bodyText()).get("operation").asText();
        Response r = given().queryParam("timeout", 120).when().get(op + "/wait");
        JsonNode m = json(r).get("metadata");
        assertEquals("Success", m.get("status").asText(), m::toString);
        return m;
    }

    List<String> imageFiles() throws IOException {
        Path dir = daemon.dataDir().resolve("images");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Nothing stored: no files (waits a little for operations to settle), no rows. */
    void assertNothingStored() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!imageFiles().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), imageFiles(), "image files left behind");
        assertEquals(0, json(given().when().get("/1.0/images")).get("metadata").size());
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void unifiedUploadListShowUpdateExportDelete() throws Exception {
        byte[] file = Files.readAllBytes(Instances.busyboxImage());
        String expected = sha256(file);
        Response accepted = octet(file).header("X-LXD-fingerprint", expected).header("X-LXD-filename", "busybox.tar.xz")
                .header("X-LXD-properties", "description=Busybox%20test&custom=a%26b").header("X-LXD-aliases", "bb")
                .when().post("/1.0/images");
        assertEquals(202, accepted.statusCode(), accepted::asString);
        assertEquals("Uploading image", json(accepted).get("metadata").get("description").asText());
        JsonNode op = Instances.ok(accepted);
        assertEquals(expected, op.get("metadata").get("fingerprint").asText());
        assertEquals(file.length, op.get("metadata").get("size").asLong());
        assertEquals(List.of(expected), imageFiles());

        Response get = given().when().get("/1.0/images/" + expected.substring(0, 12));
        assertEquals(200, get.statusCode(), get::asString);
        JsonNode img = json(get).get("metadata");
        assertEquals(expected, img.get("fingerprint").asText());
        assertEquals("container", img.get("type").asText());
        assertEquals("x86_64", img.get("architecture").asText());
        assertEquals("busybox.tar.xz", img.get("filename").asText());
        assertEquals(file.length, img.get("size").asLong());
        assertFalse(img.get("public").asBoolean());
        assertEquals("Busybox test", img.get("properties").get("description").asText());
        assertEquals("a&b", img.get("properties").get("custom").asText());
        assertEquals("bb", img.get("aliases").get(0).get("name").asText());
        String etag = get.getHeader("ETag");
        assertNotNull(etag);

        JsonNode list = json(given().when().get("/1.0/images")).get("metadata");
        assertEquals("/1.0/images/" + expected, list.get(0).asText());
        list = json(given().queryParam("recursion", 1).when().get("/1.0/images")).get("metadata");
        assertEquals(expected, list.get(0).get("fingerprint").asText());

        // duplicate: 409, nothing changes
        Response dup = octet(file).when().post("/1.0/images");
        assertEquals(409, dup.statusCode(), dup::asString);
        assertTrue(json(dup).get("error").asText().contains("Image with same fingerprint already exists"));
        assertEquals(List.of(expected), imageFiles());

        // PATCH with the ETag, then a stale ETag is refused
        Response patch = given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("public", true, "properties", Map.of("extra", "1")))).when().patch("/1.0/images/" + expected);
        assertEquals(200, patch.statusCode(), patch::asString);
        img = json(given().when().get("/1.0/images/" + expected)).get("metadata");
        assertTrue(img.get("public").asBoolean());
        assertEquals("1", img.get("properties").get("extra").asText());
        assertEquals("Busybox test", img.get("properties").get("description").asText());
        Response stale = given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("public", false))).when().put("/1.0/images/" + expected);
        assertEquals(412, stale.statusCode(), stale::asString);
        Response put = given().contentType("application/json").body(toJson(Map.of("properties", Map.of("os", "busybox"))))
                .when().put("/1.0/images/" + expected);
        assertEquals(200, put.statusCode(), put::asString);
        img = json(given().when().get("/1.0/images/" + expected)).get("metadata");
        assertFalse(img.get("public").asBoolean());
        assertEquals(Map.of("os", "busybox"), JSON.convertValue(img.get("properties"), Map.class));
        Response unknown = given().header(ContractFilter.invalidRequest()).contentType("application/json")
                .body("{\"bogus\": 1}").when().put("/1.0/images/" + expected);
        assertEquals(400, unknown.statusCode(), unknown::asString);

        // export round trip: the same bytes, so the same fingerprint
        Response export = given().when().get("/1.0/images/" + expected + "/export");
        assertEquals(200, export.statusCode());
        assertTrue(export.getHeader("Content-Disposition").contains("busybox.tar.xz"), export.getHeader("Content-Disposition"));
        assertEquals(expected, sha256(export.asByteArray()));

        JsonNode del = Instances.ok(given().when().delete("/1.0/images/" + expected));
        assertEquals("Success", del.get("status").asText());
        assertEquals(404, given().when().get("/1.0/images/" + expected).statusCode());
        assertEquals(404, given().when().get("/1.0/images/aliases/bb").statusCode());
        assertNothingStored();
    }

    @Test
    void splitUploadAsMultipartAndExport() throws Exception {
        byte[] meta = tinyMetadata("split");
        byte[] rootfs = tinyRootfs("split");
        String expected = sha256(meta, rootfs);
        JsonNode op = awaitRaw(postMultipart(multipart(meta, rootfs, "metadata", "rootfs")));
        assertEquals(expected, op.get("metadata").get("fingerprint").asText());
        assertEquals(List.of(expected, expected + ".rootfs"), imageFiles());
        JsonNode img = json(given().when().get("/1.0/images/" + expected)).get("metadata");
        assertEquals("split", img.get("properties").get("os").asText());
        assertEquals(meta.length + rootfs.length, img.get("size").asLong());

        Response export = given().when().get("/1.0/images/" + expected + "/export");
        assertEquals(200, export.statusCode());
        String type = export.getContentType();
        assertTrue(type.startsWith("multipart/form-data; boundary="), type);
        String boundary = type.substring(type.indexOf("boundary=") + 9);
        List<byte[]> parts = parseMultipart(export.asByteArray(), boundary);
        assertEquals(2, parts.size());
        assertEquals(expected, sha256(parts.get(0), parts.get(1)));

        // the exported pair uploads again to the same fingerprint (after deleting the original)
        Instances.ok(given().when().delete("/1.0/images/" + expected));
        JsonNode again = awaitRaw(postMultipart(multipart(parts.get(0), parts.get(1), "metadata", "rootfs")));
        assertEquals(expected, again.get("metadata").get("fingerprint").asText());
    }

    /** Splits a multipart body into part payloads. */
    static List<byte[]> parseMultipart(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delim = "--" + boundary;
        List<byte[]> out = new ArrayList<>();
        int i = text.indexOf(delim);
        while (i >= 0) {
            int headersEnd = text.indexOf("\r\n\r\n", i);
            int next = text.indexOf("\r\n" + delim, i + delim.length());
            if (headersEnd < 0 || next < 0) {
                break;
            }
            out.add(text.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1));
            i = next + 2;
            if (text.startsWith(delim + "--", i)) {
                break;
            }
        }
        return out;
    }

    @Test
    void refusedUploadsLeaveNothing() throws Exception {
        byte[] good = tinyUnified("refused");
        String wrong = "0".repeat(64);
        Response r = octet(good).header("X-LXD-fingerprint", wrong).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertTrue(json(r).get("error").asText().contains("fingerprint mismatch"), r::asString);
        assertNothingStored();

        byte[] random = new byte[70000];
        new java.util.Random(7).nextBytes(random);
        r = octet(random).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertNothingStored();

        byte[] busybox = Files.readAllBytes(Instances.busyboxImage());
        r = octet(java.util.Arrays.copyOf(busybox, busybox.length / 2)).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertNothingStored();

        byte[] hostile = new TarBuilder().file("metadata.yaml", TarBuilder.metadataYaml("evil")).dir("rootfs/")
                .file("rootfs/../../evil", "x").build();
        r = octet(hostile).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertTrue(json(r).get("error").asText().contains(".."), r::asString);
        byte[] absolute = new TarBuilder().file("metadata.yaml", TarBuilder.metadataYaml("evil")).file("/etc/evil", "x").build();
        r = octet(absolute).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        byte[] noMetadata = new TarBuilder().dir("rootfs/").file("rootfs/x", "x").build();
        r = octet(noMetadata).when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertNothingStored();

        // bad headers and bodies
        for (Map.Entry<String, String> h : Map.of("X-LXD-public", "maybe", "X-LXD-fingerprint", "xyz",
                "X-LXD-filename", "../x", "X-LXD-aliases", "a/b", "X-LXD-properties", "a=%zz").entrySet()) {
            Response bad = octet(good).header(h.getKey(), h.getValue()).when().post("/1.0/images");
            assertEquals(400, bad.statusCode(), () -> h + ": " + bad.asString());
        }
        r = given().header(ContractFilter.invalidRequest()).contentType("text/plain").body("hello").when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        r = given().contentType("application/json").body(toJson(Map.of("source", Map.of("type", "url", "url", "http://x"))))
                .when().post("/1.0/images");
        assertEquals(400, r.statusCode(), r::asString);
        assertTrue(json(r).get("error").asText().contains("not supported"), r::asString);
        RawHttp.Answer a = postMultipart(multipart(tinyRootfs("x"), tinyMetadata("x"), "rootfs", "metadata"));
        assertEquals(400, a.status(), a.bodyText());
        assertTrue(a.bodyText().contains("first part must be"), a.bodyText());
        a = postMultipart(multipart(tinyMetadata("x"), tinyRootfs("x"), "metadata", "rootfs.img"));
        assertEquals(400, a.status(), a.bodyText());
        byte[] cut = multipart(tinyMetadata("x"), tinyRootfs("x"), "metadata", "rootfs");
        a = postMultipart(java.util.Arrays.copyOf(cut, cut.length - 30));
        assertEquals(400, a.status(), a.bodyText());
        assertTrue(a.bodyText().contains("closing boundary"), a.bodyText());
        assertNothingStored();
        assertEquals(400, given().when().get("/1.0/images/nothex").statusCode());
        assertEquals(404, given().when().get("/1.0/images/" + "ab".repeat(32)).statusCode());
    }

    @Test
    void bodyOverTheCapIs413() throws Exception {
        try (UnixSocket s = new UnixSocket(daemon.socket())) {
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /1.0/images HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + ((16L << 30) + 1) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.flush();
            RawHttp.Answer a = RawHttp.read(s.getInputStream());
            assertEquals(413, a.status(), a.bodyText());
        }
        assertNothingStored();
    }

    @Test
    void truncatedBodyLeavesNothing() throws Exception {
        byte[] busybox = Files.readAllBytes(Instances.busyboxImage());
        try (UnixSocket s = new UnixSocket(daemon.socket())) {
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /1.0/images HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + busybox.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(busybox, 0, busybox.length / 3);
            out.flush();
            s.shutdownOutput();
            try {
                RawHttp.Answer a = RawHttp.read(s.getInputStream());
                assertTrue(a.status() >= 400, a.bodyText());
            } catch (IOException e) {
                // the server may just drop a connection whose body ended early
            }
        }
        assertNothingStored();
    }

    @Test
    void cancelMidUploadLeavesNothing() throws Exception {
        byte[] busybox = Files.readAllBytes(Instances.busyboxImage());
        long total = 8L << 20;
        try (UnixSocket s = new UnixSocket(daemon.socket())) {
            s.setSoTimeout(20000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /1.0/images HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + total + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(busybox, 0, Math.min(busybox.length, 1 << 20));
            out.flush();
            String opUrl = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (opUrl == null && System.nanoTime() < deadline) {
                JsonNode running = json(given().queryParam("recursion", 1).when().get("/1.0/operations")).get("metadata").path("running");
                for (JsonNode op : running) {
                    if (op.get("description").asText().equals("Uploading image")) {
                        opUrl = "/1.0/operations/" + op.get("id").asText();
                    }
                }
                Thread.sleep(50);
            }
            assertNotNull(opUrl, "no running upload operation");
            assertEquals(200, given().when().delete(opUrl).statusCode());
            // keep trickling until the daemon gives up on the upload
            RawHttp.Answer answer = null;
            byte[] chunk = new byte[64 * 1024];
            InputStream in = s.getInputStream();
            for (int i = 0; i < 100 && answer == null; i++) {
                try {
                    out.write(chunk);
                    out.flush();
                } catch (IOException e) {
                    break;
                }
                if (in.available() > 0) {
                    answer = RawHttp.read(in);
                }
                Thread.sleep(20);
            }
            if (answer == null) {
                try {
                    answer = RawHttp.read(in);
                } catch (IOException e) {
                    // connection dropped: acceptable
                }
            }
            if (answer != null) {
                assertEquals(400, answer.status(), answer.bodyText());
                assertTrue(answer.bodyText().contains("cancelled"), answer.bodyText());
            }
            JsonNode op = json(given().queryParam("timeout", 30).when().get(opUrl + "/wait")).get("metadata");
            assertEquals("Cancelled", op.get("status").asText(), op::toString);
        }
        assertNothingStored();
    }

    @Test
    void aliases() throws Exception {
        String fp = upload(tinyUnified("alias1"));
        String fp2 = upload(tinyUnified("alias2"));
        Response r = given().contentType("application/json").body(toJson(Map.of("name", "a1", "target", fp.substring(0, 10),
                "description", "first"))).when().post("/1.0/images/aliases");
        assertEquals(200, r.statusCode(), r::asString);
        r = given().contentType("application/json").body(toJson(Map.of("name", "a1", "target", fp2))).when().post("/1.0/images/aliases");
        assertEquals(409, r.statusCode(), r::asString);
        for (String bad : List.of("", "a/b")) {
            r = given().header(ContractFilter.invalidRequest()).contentType("application/json")
                    .body(toJson(Map.of("name", bad, "target", fp))).when().post("/1.0/images/aliases");
            assertEquals(400, r.statusCode(), r::asString);
        }
        r = given().contentType("application/json").body(toJson(Map.of("name", "ghost", "target", "ab".repeat(32))))
                .when().post("/1.0/images/aliases");
        assertEquals(404, r.statusCode(), r::asString);
        r = given().header(ContractFilter.invalidRequest()).contentType("application/json")
                .body("{\"name\": \"x\", \"target\": \"" + fp + "\", \"nope\": 1}").when().post("/1.0/images/aliases");
        assertEquals(400, r.statusCode(), r::asString);

        Response get = given().when().get("/1.0/images/aliases/a1");
        assertEquals(200, get.statusCode(), get::asString);
        JsonNode a = json(get).get("metadata");
        assertEquals(fp, a.get("target").asText());
        assertEquals("first", a.get("description").asText());
        String etag = get.getHeader("ETag");

        r = given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("target", fp2, "description", "moved"))).when().put("/1.0/images/aliases/a1");
        assertEquals(200, r.statusCode(), r::asString);
        r = given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("description", "stale"))).when().patch("/1.0/images/aliases/a1");
        assertEquals(412, r.statusCode(), r::asString);
        r = given().contentType("application/json").body(toJson(Map.of("description", "patched"))).when().patch("/1.0/images/aliases/a1");
        assertEquals(200, r.statusCode(), r::asString);
        a = json(given().when().get("/1.0/images/aliases/a1")).get("metadata");
        assertEquals(fp2, a.get("target").asText());
        assertEquals("patched", a.get("description").asText());
        assertEquals("a1", json(given().when().get("/1.0/images/" + fp2)).get("metadata").get("aliases").get(0).get("name").asText());

        r = given().contentType("application/json").body(toJson(Map.of("name", "a2"))).when().post("/1.0/images/aliases/a1");
        assertEquals(200, r.statusCode(), r::asString);
        assertEquals(404, given().when().get("/1.0/images/aliases/a1").statusCode());
        given().contentType("application/json").body(toJson(Map.of("name", "a3", "target", fp))).when().post("/1.0/images/aliases");
        r = given().contentType("application/json").body(toJson(Map.of("name", "a3"))).when().post("/1.0/images/aliases/a2");
        assertEquals(409, r.statusCode(), r::asString);

        JsonNode list = json(given().when().get("/1.0/images/aliases")).get("metadata");
        assertEquals(List.of("/1.0/images/aliases/a2", "/1.0/images/aliases/a3"),
                List.of(list.get(0).asText(), list.get(1).asText()));
        list = json(given().queryParam("recursion", 1).when().get("/1.0/images/aliases")).get("metadata");
        assertEquals("a2", list.get(0).get("name").asText());

        assertEquals(200, given().when().delete("/1.0/images/aliases/a2").statusCode());
        assertEquals(404, given().when().delete("/1.0/images/aliases/a2").statusCode());
        // deleting an image removes its aliases
        Instances.ok(given().when().delete("/1.0/images/" + fp));
        assertEquals(404, given().when().get("/1.0/images/aliases/a3").statusCode());
    }

    @Test
    void lifecycleEvents() throws Exception {
        try (EventStream events = EventStream.open(daemon.socket(), "type=lifecycle")) {
            String fp = upload(tinyUnified("events"));
            events.await(e -> e.at("/metadata/action").asText().equals("image-created")
                    && e.at("/metadata/source").asText().equals("/1.0/images/" + fp), Duration.ofSeconds(10), "image-created");
            given().contentType("application/json").body(toJson(Map.of("name", "ev", "target", fp))).when().post("/1.0/images/aliases");
            events.await(e -> e.at("/metadata/action").asText().equals("image-alias-created"), Duration.ofSeconds(10), "alias-created");
            Instances.ok(given().when().delete("/1.0/images/" + fp));
            events.await(e -> e.at("/metadata/action").asText().equals("image-deleted"), Duration.ofSeconds(10), "image-deleted");
        }
    }

    @Test
    void strayFilesAndRowsAreCleanedAtStart() throws Exception {
        daemon.allowWarnings("files without a database row \\(interrupted upload\\?\\), removing them",
                "database row without files, removing it");
        String fp = upload(tinyUnified("restart"));
        daemon.stop();
        Path images = daemon.dataDir().resolve("images");
        String stray = "cd".repeat(32);
        Files.write(images.resolve(stray), tinyUnified("stray"));
        Files.createDirectory(images.resolve(".upload-crashed"));
        Files.write(images.resolve(".upload-crashed/image"), new byte[100]);
        daemon.startProcess();
        useSocket(daemon);
        assertEquals(List.of(fp), imageFiles());
        assertEquals(200, given().when().get("/1.0/images/" + fp).statusCode());
        // a row whose files are gone is dropped at start
        daemon.stop();
        Files.delete(images.resolve(fp));
        daemon.startProcess();
        useSocket(daemon);
        assertEquals(404, given().when().get("/1.0/images/" + fp).statusCode());
        assertNothingStored();
    }
}
