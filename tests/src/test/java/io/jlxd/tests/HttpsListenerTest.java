package io.jlxd.tests;

import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.ApiExtensions;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * core.https_address: the HTTPS listener starts, moves and stops at once; it serves the untrusted view of GET /1.0
 * with the server certificate and refuses everything else with 403.
 */
class HttpsListenerTest extends DaemonTestBase {

    @AfterEach
    void unsetAddress() {
        Response r = given().contentType(ContentType.JSON).body(configBody(Map.of("core.https_address", "")))
                .when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A request over HTTPS with the default (TCP) HTTP client, any server certificate accepted; still validated. */
    private static RequestSpecification https() {
        return given().config(RestAssuredConfig.config()).relaxedHTTPSValidation("TLS");
    }

    private static void setAddress(String address) {
        Response r = given().contentType(ContentType.JSON).body(configBody(Map.of("core.https_address", address)))
                .when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
    }

    private static void assertClosed(int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getInputStream(); // connected: the port is still open
            }
        }, "port " + port + " still accepts connections");
    }

    @Test
    void httpsServesTheUntrustedViewAtOnceAndStopsWhenUnset() throws Exception {
        int port = freePort();
        String base = "https://127.0.0.1:" + port;
        JsonNode trusted = server();
        String fingerprint = trusted.get("environment").get("certificate_fingerprint").asText();
        assertClosed(port);

        setAddress("127.0.0.1:" + port);
        // No retry loop: the listener must be up when the PATCH has answered.
        Response r = https().when().get(base + "/1.0");
        assertEquals(200, r.statusCode(), r::asString);
        JsonNode untrusted = json(r).get("metadata");
        assertEquals("untrusted", untrusted.get("auth").asText());
        assertEquals(new TreeSet<>(Set.of("api_extensions", "api_status", "api_version", "auth", "auth_methods", "public")),
                new TreeSet<>(OperationsApiTest.fieldNames(untrusted)), "the untrusted view shows only these fields");
        assertEquals(ApiExtensions.ALL, ServerApiTest.strings(untrusted.get("api_extensions")));
        assertEquals("1.0", untrusted.get("api_version").asText());
        assertEquals("stable", untrusted.get("api_status").asText());
        assertEquals(List.of("tls"), ServerApiTest.strings(untrusted.get("auth_methods")));
        assertEquals(false, untrusted.get("public").asBoolean());

        assertEquals(fingerprint, Certificates.fingerprint(Certificates.served("127.0.0.1", port)),
                "HTTPS serves the certificate of environment.certificate_fingerprint");
        assertEquals(List.of("127.0.0.1:" + port), ServerApiTest.strings(server().get("environment").get("addresses")));
        assertEquals("127.0.0.1:" + port, serverConfig().get("core.https_address"));

        Response root = https().when().get(base + "/");
        assertEquals(200, root.statusCode(), root::asString);
        assertEquals(List.of("/1.0"), ServerApiTest.strings(json(root).get("metadata")));

        setAddress("");
        assertClosed(port);
        assertEquals(0, server().get("environment").get("addresses").size());
    }

    @Test
    void untrustedCallersGet403Elsewhere() throws Exception {
        int port = freePort();
        String base = "https://127.0.0.1:" + port;
        setAddress("127.0.0.1:" + port);
        Map<String, String> before = serverConfig();

        assertError(https().when().get(base + "/1.0/operations"), 403);
        assertError(https().when().get(base + "/1.0/operations/" + java.util.UUID.randomUUID()), 403);
        // A plain GET (no websocket upgrade headers, so marked invalid): refused before anything else.
        assertError(https().header(ContractFilter.invalidRequest()).when().get(base + "/1.0/events"), 403);
        assertError(https().contentType(ContentType.JSON).body(configBody(Map.of("user.x", "1")))
                .when().patch(base + "/1.0"), 403);
        assertError(https().contentType(ContentType.JSON).body(configBody(Map.of()))
                .when().put(base + "/1.0"), 403);
        assertError(https().contentType(ContentType.JSON).body("{\"name\":\"evil\",\"token\":true}")
                .when().post(base + "/1.0/certificates"), 403);
        assertEquals(before, serverConfig(), "nothing changed through untrusted HTTPS");
        assertEquals(0, json(given().when().get("/1.0/operations")).get("metadata").size(), "no token was created");
    }

    @Test
    void listenerMovesToANewAddressAtOnce() throws Exception {
        int first = freePort();
        setAddress("127.0.0.1:" + first);
        assertEquals(200, https().when().get("https://127.0.0.1:" + first + "/1.0").statusCode());
        int second = freePort();
        setAddress("127.0.0.1:" + second);
        assertEquals(200, https().when().get("https://127.0.0.1:" + second + "/1.0").statusCode());
        assertClosed(first);
    }
}
