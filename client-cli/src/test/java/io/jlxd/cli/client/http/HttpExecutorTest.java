package io.jlxd.cli.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.client.FakeConnection;
import io.jlxd.cli.client.FakeTransport;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class HttpExecutorTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";

    @Test
    void reusesKeptAliveConnectionForIdempotentRequests() throws Exception {
        FakeConnection c = new FakeConnection(OK + CHUNKED);
        FakeTransport t = new FakeTransport(c);
        try (HttpExecutor http = new HttpExecutor(t)) {
            assertEquals("ok", http.execute(HttpRequest.of("GET", "/1.0")).bodyText());
            assertEquals("hi", http.execute(HttpRequest.of("GET", "/1.0")).bodyText());
        }
        assertEquals(1, t.opened().size());
        assertTrue(c.closed());
    }

    @Test
    void nonIdempotentRequestsUseAFreshConnection() throws Exception {
        FakeConnection first = new FakeConnection(OK);
        FakeConnection second = new FakeConnection(OK);
        FakeTransport t = new FakeTransport(first, second);
        try (HttpExecutor http = new HttpExecutor(t)) {
            http.execute(HttpRequest.of("GET", "/1.0"));
            http.execute(HttpRequest.of("POST", "/1.0/x"));
        }
        assertEquals(2, t.opened().size());
        assertTrue(first.closed());
        assertTrue(second.writtenText().startsWith("POST /1.0/x HTTP/1.1\r\n"));
    }

    @Test
    void connectionCloseIsHonouredWithoutReadingToEof() throws Exception {
        // the scripted input never reaches EOF: the body must be read by its length only
        FakeConnection first = new FakeConnection("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        FakeConnection second = new FakeConnection(OK);
        FakeTransport t = new FakeTransport(first, second);
        try (HttpExecutor http = new HttpExecutor(t)) {
            http.execute(HttpRequest.of("GET", "/a"));
            assertTrue(first.closed());
            http.execute(HttpRequest.of("GET", "/b"));
        }
        assertEquals(2, t.opened().size());
    }

    @Test
    void unframedBodyIsEmptyAndTheConnectionDropped() throws Exception {
        FakeConnection c = new FakeConnection("HTTP/1.1 200 OK\r\n\r\n");
        try (HttpExecutor http = new HttpExecutor(new FakeTransport(c))) {
            assertEquals("", http.execute(HttpRequest.of("GET", "/")).bodyText());
        }
        assertTrue(c.closed());
    }

    @Test
    void eofOnAReusedConnectionRetriesOnANewOne() throws Exception {
        FakeConnection stale = new FakeConnection(OK, true);   // the server closes the idle connection
        FakeConnection fresh = new FakeConnection(OK);
        FakeTransport t = new FakeTransport(stale, fresh);
        try (HttpExecutor http = new HttpExecutor(t)) {
            http.execute(HttpRequest.of("GET", "/a"));
            assertEquals("ok", http.execute(HttpRequest.of("GET", "/b")).bodyText());
        }
        assertEquals(2, t.opened().size());
        assertTrue(stale.closed());
    }

    @Test
    void eofOnAFreshConnectionIsAnError() {
        FakeTransport t = new FakeTransport(new FakeConnection("", true));
        try (HttpExecutor http = new HttpExecutor(t)) {
            assertThrows(IOException.class, () -> http.execute(HttpRequest.of("GET", "/")));
        }
    }
}
