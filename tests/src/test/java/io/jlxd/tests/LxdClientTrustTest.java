package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LXD's own client ({@code lxc} from Debian's lxd-client, installed by scripts/setup-host.sh) against jlxd's trust
 * model: {@code lxc remote add NAME TOKEN} with a token jlxd issued (LXD's format: the client checks the server's
 * fingerprint from the token and redeems it with its own certificate), then trusted calls, a second use of the
 * token refused, and {@code lxc config trust add} issuing a token that the client prints in LXD's form.
 */
class LxdClientTrustTest extends DaemonTestBase {
    private static Path conf;

    @BeforeAll
    static void clientConfig() throws Exception {
        conf = Files.createTempDirectory("jlxd-lxc-conf-");
    }

    @AfterAll
    static void removeConfig() throws Exception {
        try (var files = Files.walk(conf)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    record Run(int code, String out) {
    }

    static Run lxc(Path config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("lxc"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LXD_CONF", config.toString());
        pb.environment().put("HOME", config.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "lxc " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    @Test
    void lxcRemoteAddWithAJlxdToken() throws Exception {
        int port = Trust.enableHttps();
        JsonNode op = Trust.token("lxc-laptop", Map.of());
        String token = Trust.encode(op);

        Run add = lxc(conf, "remote", "add", "jl", token);
        assertEquals(0, add.code(), add.out());
        Run info = lxc(conf, "query", "jl:/1.0");
        assertEquals(0, info.code(), info.out());
        JsonNode server = JSON.readTree(info.out());
        assertEquals("trusted", server.get("auth").asText(), info.out());
        Run list = lxc(conf, "query", "jl:/1.0/instances"); // (lxc list needs LXD's "instances" extension: not this branch's)
        assertEquals(0, list.code(), list.out());

        JsonNode certs = json(given().queryParam("recursion", 1).when().get("/1.0/certificates")).get("metadata");
        JsonNode mine = null;
        for (JsonNode c : certs) {
            if (c.get("name").asText().equals("lxc-laptop")) {
                mine = c;
            }
        }
        assertTrue(mine != null, "lxc's certificate is trusted under the token's name: " + certs);
        assertEquals("Success", json(given().when().get("/1.0/operations/" + op.get("id").asText())).get("metadata")
                .get("status").asText());

        // The same token a second time, from another client configuration: refused.
        Path other = Files.createTempDirectory("jlxd-lxc-conf2-");
        try {
            Run again = lxc(other, "remote", "add", "jl", token);
            assertNotEquals(0, again.code(), again.out());
        } finally {
            try (var files = Files.walk(other)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        // lxc config trust add (remote): the token it prints is LXD's format with this server's fingerprint and address.
        assertEquals(0, lxc(conf, "remote", "switch", "jl").code());
        Run issued = lxc(conf, "config", "trust", "add", "--name", "from-lxc"); // lxc 5.0 reads "jl:" as a file name
        assertEquals(0, lxc(conf, "remote", "switch", "local").code());
        assertEquals(0, issued.code(), issued.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9+/=]{60,}").matcher(issued.out());
        assertTrue(m.find(), "lxc printed no token: " + issued.out());
        String printed = m.group();
        JsonNode decoded = JSON.readTree(java.util.Base64.getDecoder().decode(printed));
        assertEquals("from-lxc", decoded.get("client_name").asText());
        assertEquals(server().get("environment").get("certificate_fingerprint").asText(), decoded.get("fingerprint").asText());
        assertEquals(List.of("127.0.0.1:" + port), ServerApiTest.strings(decoded.get("addresses")));

        given().when().delete("/1.0/certificates/" + mine.get("fingerprint").asText());
        Run refused = lxc(conf, "query", "jl:/1.0/instances");
        assertNotEquals(0, refused.code(), "a revoked lxc client is refused: " + refused.out());
    }
}
