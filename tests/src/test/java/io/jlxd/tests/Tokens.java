package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Trust-token operations: the one operation the foundation can create on demand. */
final class Tokens {
    private Tokens() {
    }

    /** POST /1.0/certificates {"name": name, "token": true}; asserts the async envelope and returns the Operation. */
    static JsonNode create(String name) {
        Response r = given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"token\":true}")
                .when().post("/1.0/certificates");
        assertEquals(202, r.statusCode(), r::asString);
        JsonNode body = DaemonTestBase.json(r);
        assertEquals("async", body.get("type").asText());
        assertEquals("Operation created", body.get("status").asText());
        assertEquals(100, body.get("status_code").asInt());
        JsonNode op = body.get("metadata");
        String url = "/1.0/operations/" + op.get("id").asText();
        assertEquals(url, body.get("operation").asText());
        assertEquals(url, r.getHeader("Location"), "Location names the operation");
        return op;
    }

    static Response cancel(String id) {
        return given().when().delete("/1.0/operations/" + id);
    }
}
