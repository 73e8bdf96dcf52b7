package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.http.impl.client.DefaultHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real daemon per test class, and REST Assured pointed at its Unix socket with the openapi.yaml contract filter
 * on every request: tests simply write {@code given().when().get("/1.0")}.
 */
public abstract class DaemonTestBase {
    protected static final ObjectMapper JSON = new ObjectMapper();

    protected static JlxdDaemon daemon;
    private static DefaultHttpClient httpClient;

    @BeforeAll
    static void startDaemon() {
        daemon = JlxdDaemon.start();
        useSocket(daemon);
    }

    @AfterAll
    static void stopDaemon() {
        try {
            if (httpClient != null) {
                httpClient.getConnectionManager().shutdown();
                httpClient = null;
            }
            RestAssured.reset();
        } finally {
            if (daemon != null) {
                String stderr = daemon.stderr();
                daemon.close();
                daemon = null;
                if (Boolean.getBoolean("jlxd.tests.showDaemonLog")) {
                    System.out.println("---- daemon stderr\n" + stderr);
                }
            }
        }
    }

    /** Points REST Assured (globally) at {@code d}'s socket, with the contract filter. */
    @SuppressWarnings("deprecation")
    protected static void useSocket(JlxdDaemon d) {
        if (httpClient != null) {
            httpClient.getConnectionManager().shutdown();
        }
        httpClient = UnixSocketHttpClient.create(d.socket());
        RestAssured.baseURI = "http://localhost";
        RestAssured.port = 80;
        RestAssured.config = RestAssuredConfig.config().httpClient(UnixSocketHttpClient.config(httpClient));
        RestAssured.replaceFiltersWith(new ContractFilter());
    }

    // ---------------------------------------------------------------- helpers

    protected static JsonNode json(Response r) {
        return json(r.asString());
    }

    protected static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }

    protected static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /1.0 (asserting 200) as a response. */
    protected static Response getServer() {
        Response r = given().when().get("/1.0");
        assertEquals(200, r.statusCode(), () -> "GET /1.0: " + r.asString());
        return r;
    }

    /** The metadata of GET /1.0. */
    protected static JsonNode server() {
        return json(getServer()).get("metadata");
    }

    /** The server config as a sorted map. */
    protected static Map<String, String> serverConfig() {
        Map<String, String> config = new TreeMap<>();
        server().get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    protected static String etag() {
        return getServer().getHeader("ETag");
    }

    /** {"config": config} */
    protected static String configBody(Map<String, String> config) {
        return toJson(Map.of("config", config));
    }
}
