package io.jlxd.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.client.http.HttpHeaders;
import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.client.http.ResponseHead;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApiResponseTest {

    private static HttpResponse http(int status, String reason, String contentType, String body) {
        HttpHeaders h = new HttpHeaders();
        if (contentType != null) {
            h.add("Content-Type", contentType);
        }
        h.add("ETag", "abc");
        return new HttpResponse(new ResponseHead("HTTP/1.1", status, reason, h), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void syncEnvelope() throws Exception {
        ApiResponse r = ApiResponse.parse(http(200, "OK", "application/json",
                "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,"
                        + "\"error\":\"\",\"metadata\":{\"a\":1},\"extra_field\":true}"));
        assertEquals("sync", r.envelope().type());
        assertEquals(200, r.envelope().statusCode());
        assertEquals(1, r.metadata().path("a").asInt());
        assertFalse(r.isAsync());
        assertEquals("abc", r.etag());
    }

    @Test
    void asyncEnvelopeNamesItsOperation() throws Exception {
        ApiResponse r = ApiResponse.parse(http(202, "Accepted", "application/json",
                "{\"type\":\"async\",\"status\":\"Operation created\",\"status_code\":100,"
                        + "\"operation\":\"/1.0/operations/u1\",\"error_code\":0,\"error\":\"\",\"metadata\":{\"id\":\"u1\"}}"));
        assertTrue(r.isAsync());
        assertEquals("/1.0/operations/u1", r.operation());
    }

    @Test
    void errorEnvelopeBecomesApiException() {
        ApiException e = assertThrows(ApiException.class, () -> ApiResponse.parse(http(412, "Precondition Failed",
                "application/json", "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\","
                        + "\"error_code\":412,\"error\":\"ETag doesn't match\",\"metadata\":null}")));
        assertEquals(412, e.errorCode());
        assertEquals("ETag doesn't match", e.getMessage());
    }

    @Test
    void nonJsonErrorUsesStatus() {
        ApiException e = assertThrows(ApiException.class,
                () -> ApiResponse.parse(http(404, "Not Found", "text/plain", "")));
        assertEquals(404, e.errorCode());
        assertEquals("Not Found", e.getMessage());
        ApiException withBody = assertThrows(ApiException.class,
                () -> ApiResponse.parse(http(500, "", "text/plain", "boom")));
        assertEquals("Internal Server Error: boom", withBody.getMessage());
    }

    @Test
    void successThatIsNotAnEnvelope() throws Exception {
        HttpResponse raw = http(200, "OK", "application/octet-stream", "file contents");
        assertNull(ApiResponse.parseOrNull(raw));
        assertThrows(ApiException.class, () -> ApiResponse.parse(raw));
    }
}
