package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pylxd (Debian's python3-pylxd 2.2) against a real jlxd, through a {@link ContractProxy} that checks every REST
 * exchange against openapi.yaml: {@code pylxd_scenario.py} (test resources) uploads, aliases, exports and publishes
 * images, creates profiles, drives containers (create, start, exec with stdin/stdout/stderr and exit codes, files,
 * freeze, snapshots, restore, rename, delete) and storage pools and volumes. pylxd 2.2 uses the older
 * {@code /1.0/containers} paths throughout. The scenario runs once on the socket and once over HTTPS, pylxd's client
 * certificate trusted by redeeming a trust token through {@code Client.authenticate}.
 */
class PylxdClientTest extends DaemonTestBase {
    private static LxdClients clients;

    @BeforeAll
    static void setUp() {
        LxdClients.assumeInstalled("/usr/lib/python3/dist-packages/pylxd/__init__.py", "python3-pylxd");
        Instances.openTempRoot(daemon);
        clients = LxdClients.start(daemon);
    }

    @AfterEach
    void cleanup() {
        Instances.cleanup(daemon);
    }

    @AfterAll
    static void close() throws IOException {
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void pythonUserScenario() throws IOException {
        Path script = clients.dir.resolve("pylxd_scenario.py");
        try (InputStream in = PylxdClientTest.class.getResourceAsStream("/pylxd_scenario.py")) {
            Files.copy(in, script);
        }
        LxdClients.Result r = clients.run(List.of("/usr/bin/python3", script.toString()), null,
                Map.of("LXD_DIR", clients.dir.toString(), "IMAGE", Instances.busyboxImage().toString(),
                        "PYTHONDONTWRITEBYTECODE", "1"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("ok done"), r::toString);
        assertTrue(clients.proxy.exchanges().stream().anyMatch(e -> e.startsWith("POST /1.0/containers ")),
                "pylxd 2.2 creates through /1.0/containers: " + clients.proxy.exchanges());
        List<String> violations = clients.takeViolations();
        assertTrue(violations.isEmpty(), () -> violations.size() + " contract violation(s):\n" + String.join("\n", violations));
    }

    /** The same scenario over HTTPS: pylxd's Client(endpoint, cert) made trusted with a token (pylxd's authenticate). */
    @Test
    void pythonUserScenarioOverHttpsWithAToken() throws Exception {
        Path script = clients.dir.resolve("pylxd_scenario_https.py");
        try (InputStream in = PylxdClientTest.class.getResourceAsStream("/pylxd_scenario.py")) {
            Files.copy(in, script);
        }
        Path crt = clients.dir.resolve("py-client.crt");
        Path key = clients.dir.resolve("py-client.key");
        LxdClients.Result gen = clients.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1",
                "-nodes", "-days", "2", "-subj", "/CN=pylxd", "-keyout", key.toString(), "-out", crt.toString()), null, Map.of());
        assertEquals(0, gen.exitCode(), gen::toString);
        int port = Trust.enableHttps();
        String token = Trust.encode(Trust.token("pylxd-https", Map.of()));
        LxdClients.Result r = clients.run(List.of("/usr/bin/python3", script.toString()), null,
                Map.of("ENDPOINT", "https://127.0.0.1:" + port, "CERT", crt.toString(), "KEY", key.toString(), "TOKEN", token,
                        "SERVER_CERT", daemon.dataDir().resolve("server.crt").toString(), "IMAGE", Instances.busyboxImage().toString(), "PYTHONDONTWRITEBYTECODE", "1"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("ok trusted") && r.stdout().contains("ok done"), r::toString);
        assertTrue(given().queryParam("recursion", 1).when().get("/1.0/certificates").asString().contains("pylxd-https"),
                "pylxd's certificate is trusted under the token's name");
    }
}
