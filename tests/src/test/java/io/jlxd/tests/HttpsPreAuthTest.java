package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Before authentication (issue 12), with a raw TLS client and no client certificate: a body is refused on its
 * declared size before a byte of it is read (413 over 64 KiB, 411 when undeclared), a refused request on a trusted
 * endpoint is not drained, every answer to an untrusted caller closes the connection, and a connection that sends
 * nothing is closed by the daemon.
 */
class HttpsPreAuthTest extends DaemonTestBase {
    private static int port;

    @BeforeAll
    static void listen() throws IOException {
        port = HttpsListenerTest.freePort();
        Response r = given().contentType(ContentType.JSON).body(configBody(Map.of("core.https_address", "127.0.0.1:" + port)))
                .when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
    }

    @AfterAll
    static void unlisten() {
        given().contentType(ContentType.JSON).body(configBody(Map.of("core.https_address", ""))).when().patch("/1.0");
    }

    private static SSLSocket connect() throws IOException {
        SSLSocket s = (SSLSocket) Certificates.trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(120_000); // a bound on waiting for the daemon, not a timing assertion
        s.startHandshake();
        return s;
    }

    /** Sends {@code head} (and nothing else) and reads until the daemon closes the connection. */
    private static String exchange(String head) throws IOException {
        try (SSLSocket s = connect()) {
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return readToEnd(s.getInputStream());
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                out.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the daemon kept the connection open; got so far: " + out.toString(StandardCharsets.UTF_8));
        } catch (javax.net.ssl.SSLException e) {
            // a close without close_notify still ends the connection
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertStatus(int status, String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), () -> "expected " + status + ": " + answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\nconnection: close"), () -> "no Connection: close: " + answer);
        assertTrue(answer.contains("\"error_code\":" + status), () -> "not LXD's error envelope: " + answer);
    }

    @Test
    void aLargeDeclaredBodyIsRefusedWithoutReadingIt() throws IOException {
        String answer = exchange("POST /1.0/certificates HTTP/1.1\r\nHost: jlxd\r\nContent-Type: application/json\r\n"
                + "Content-Length: 104857600\r\n\r\n{\"password\":\"");
        assertStatus(413, answer);
        assertTrue(answer.contains("untrusted"), answer);
    }

    @Test
    void aTrustedEndpointIsRefusedBeforeTheBodyAndNotDrained() throws IOException {
        String answer = exchange("POST /1.0/instances HTTP/1.1\r\nHost: jlxd\r\nContent-Type: application/json\r\n"
                + "Content-Length: 50000\r\n\r\n{\"name\":");
        assertStatus(403, answer);
        assertEquals(0, json(given().when().get("/1.0/instances")).get("metadata").size());
    }

    @Test
    void anUndeclaredBodyIsRefused() throws IOException {
        String answer = exchange("POST /1.0/certificates HTTP/1.1\r\nHost: jlxd\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n");
        assertStatus(411, answer);
    }

    @Test
    void anUntrustedCallerGetsOneRequestPerConnection() throws IOException {
        String answer = exchange("GET /1.0 HTTP/1.1\r\nHost: jlxd\r\n\r\nGET /1.0 HTTP/1.1\r\nHost: jlxd\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\nconnection: close"), answer);
        assertEquals(1, answer.split("HTTP/1.1 200 ", -1).length - 1, "the second request was not served: " + answer);
    }

    @Test
    void anIdleConnectionIsClosedByTheDaemon() throws IOException {
        try (SSLSocket s = connect()) {
            assertEquals("", readToEnd(s.getInputStream()), "nothing is sent on a connection that asked nothing");
        }
    }
}
