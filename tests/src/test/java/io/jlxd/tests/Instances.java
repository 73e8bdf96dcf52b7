package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Helpers of the instance tests: the busybox test image, operations, state, cgroups, cleanup. */
final class Instances {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Instances() {
    }

    /** Builds (cached) the busybox image with scripts/images/build-image.sh and returns its path. */
    static Path busyboxImage() {
        return image("busybox");
    }

    /** Builds (cached) an image of scripts/images/build-image.sh ("busybox", "debian/bookworm", ...); its path. */
    static Path image(String which) {
        Path script = TestEnv.openApi().getParent().resolve("scripts/images/build-image.sh");
        try {
            Process p = new ProcessBuilder(script.toString(), which).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("build-image.sh " + which + " failed: " + out);
            }
            for (String line : out.split("\n")) {
                if (line.startsWith("path: ")) {
                    return Path.of(line.substring(6).trim());
                }
            }
            throw new AssertionError("build-image.sh printed no path: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Uploads a unified image with POST /1.0/images and returns its fingerprint. */
    static String importImage(Path tarball) {
        try {
            Response r = given().contentType("application/octet-stream").body(Files.readAllBytes(tarball)).when().post("/1.0/images");
            JsonNode op = ok(r);
            return op.get("metadata").get("fingerprint").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unprivileged containers need every parent of their rootfs searchable: the test's temp dir is 0700. */
    static void openTempRoot(JlxdDaemon d) {
        try {
            Files.setPosixFilePermissions(d.dataDir().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Response r) {
        try {
            return JSON.readTree(r.asString());
        } catch (IOException e) {
            throw new UncheckedIOException(r.asString(), e);
        }
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the operation of a 202 answer and returns its final state. */
    static JsonNode await(Response accepted) {
        assertEquals(202, accepted.statusCode(), accepted::asString);
        String op = json(accepted).get("operation").asText();
        Response r = given().queryParam("timeout", 120).when().get(op + "/wait");
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    /** Waits and asserts success. */
    static JsonNode ok(Response accepted) {
        JsonNode op = await(accepted);
        assertEquals("Success", op.get("status").asText(), () -> "operation failed: " + op);
        return op;
    }

    static Response create(Map<String, Object> body) {
        return given().contentType("application/json").body(toJson(body)).when().post("/1.0/instances");
    }

    static Response action(String name, Map<String, Object> body) {
        return given().contentType("application/json").body(toJson(body)).when().put("/1.0/instances/" + name + "/state");
    }

    static JsonNode instance(String name) {
        Response r = given().when().get("/1.0/instances/" + name);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    static JsonNode state(String name) {
        Response r = given().when().get("/1.0/instances/" + name + "/state");
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    static List<String> names() {
        Response r = given().when().get("/1.0/instances");
        assertEquals(200, r.statusCode(), r::asString);
        List<String> out = new java.util.ArrayList<>();
        json(r).get("metadata").forEach(n -> out.add(n.asText().substring("/1.0/instances/".length())));
        return out;
    }

    /** A v1 cgroup file of a process: /sys/fs/cgroup/CONTROLLER/PATH/FILE. */
    static String cgroupFile(long pid, String controller, String file) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return Files.readString(Path.of("/sys/fs/cgroup", controller, f[2], file)).trim();
            }
        }
        throw new AssertionError("no " + controller + " cgroup for pid " + pid);
    }

    /** Host uid owning a process. */
    static long uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Uid in /proc/" + pid + "/status");
    }

    /** Force-stops and deletes every instance through the API; then kills whatever liblxc still runs in the data dir. */
    static void cleanup(JlxdDaemon d) {
        if (d == null) {
            return;
        }
        try {
            if (d.isAlive()) {
                for (String n : names()) {
                    try {
                        await(action(n, Map.of("action", "unfreeze")));
                    } catch (Throwable ignored) {
                        // not frozen
                    }
                    try {
                        await(action(n, Map.of("action", "stop", "force", true)));
                    } catch (Throwable ignored) {
                        // not running
                    }
                    try {
                        await(given().when().delete("/1.0/instances/" + n));
                    } catch (Throwable ignored) {
                        // reported below by the directory check
                    }
                }
            }
        } catch (Throwable ignored) {
            // fall through to the low-level cleanup
        }
        Path lxcpath = d.dataDir().resolve("containers");
        if (Files.isDirectory(lxcpath, LinkOption.NOFOLLOW_LINKS)) {
            try (var list = Files.list(lxcpath)) {
                for (Path c : list.toList()) {
                    new ProcessBuilder("lxc-stop", "-k", "-n", c.getFileName().toString(), "-P", lxcpath.toString())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
                    new ProcessBuilder("lxc-destroy", "-n", c.getFileName().toString(), "-P", lxcpath.toString())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                // best effort
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
