package io.jlxd.cli.client.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpWireTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String body(InputStream in, String method) throws Exception {
        ResponseHead head = HttpWire.readHead(in);
        return new String(HttpWire.readBody(HttpWire.bodyStream(in, head, method), 1 << 20), StandardCharsets.UTF_8);
    }

    @Test
    void writesRequestWithBody() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpRequest r = HttpRequest.withBody("PATCH", "/1.0", "application/json", "{\"a\":1}".getBytes())
                .header("If-Match", "e1");
        HttpWire.writeRequest(out, r, "unix.socket");
        assertEquals("PATCH /1.0 HTTP/1.1\r\nHost: unix.socket\r\nContent-Type: application/json\r\n"
                + "If-Match: e1\r\nContent-Length: 7\r\n\r\n{\"a\":1}", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void contentLengthOnlyWhereItBelongs() throws Exception {
        ByteArrayOutputStream get = new ByteArrayOutputStream();
        HttpWire.writeRequest(get, HttpRequest.of("GET", "/1.0/operations?recursion=1"), "h");
        assertEquals("GET /1.0/operations?recursion=1 HTTP/1.1\r\nHost: h\r\n\r\n", get.toString());
        ByteArrayOutputStream post = new ByteArrayOutputStream();
        HttpWire.writeRequest(post, HttpRequest.of("POST", "/x"), "h");
        assertTrue(post.toString().contains("Content-Length: 0\r\n"));
    }

    @Test
    void refusesHeaderInjectionAndBadTargets() {
        assertThrows(IllegalArgumentException.class, () -> HttpWire.writeRequest(new ByteArrayOutputStream(),
                HttpRequest.of("GET", "/").header("X", "a\r\nEvil: 1"), "h"));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("GET", "/a b"));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("GET", "relative"));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("get me", "/"));
    }

    @Test
    void readsContentLengthBodyAndNoFurther() throws Exception {
        InputStream in = in("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhelloNEXT");
        ResponseHead head = HttpWire.readHead(in);
        assertEquals(200, head.status());
        assertEquals("OK", head.reason());
        assertEquals("application/json", head.headers().first("content-type").orElseThrow());
        assertEquals("hello", new String(HttpWire.readBody(HttpWire.bodyStream(in, head, "GET"), 100)));
        assertArrayEquals("NEXT".getBytes(), in.readAllBytes());
    }

    @Test
    void readsChunkedBodyWithExtensionsAndTrailers() throws Exception {
        InputStream in = in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1A\r\n, this is a chunked body!!\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT");
        assertEquals("hello, this is a chunked body!!", body(in, "GET"));
        assertArrayEquals("NEXT".getBytes(), in.readAllBytes());
    }

    @Test
    void bodylessResponses() throws Exception {
        assertEquals("", body(in("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"), "DELETE"));
        assertEquals("", body(in("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), "HEAD"));
        // no framing at all: taken as empty, never read to EOF
        ResponseHead head = HttpWire.readHead(in("HTTP/1.1 200 OK\r\n\r\n"));
        assertFalse(HttpWire.isDelimited(head, "GET"));
    }

    @Test
    void skipsInterimResponses() throws Exception {
        InputStream in = in("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        assertEquals("ok", body(in, "POST"));
    }

    @Test
    void statusLineWithoutReasonAndFoldedHeader() throws Exception {
        ResponseHead head = HttpWire.readHead(in("HTTP/1.0 404\r\nX-A: one\r\n  two\r\nConnection: keep-alive\r\n\r\n"));
        assertEquals(404, head.status());
        assertEquals("", head.reason());
        assertEquals("one two", head.headers().first("x-a").orElseThrow());
        assertTrue(head.keepAlive());
        assertFalse(HttpWire.readHead(in("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")).keepAlive());
        assertFalse(HttpWire.readHead(in("HTTP/1.0 200 OK\r\n\r\n")).keepAlive());
    }

    @Test
    void protocolErrors() {
        assertThrows(HttpProtocolException.class, () -> HttpWire.readHead(in("HTTP/2 200 OK\r\n\r\n")));
        assertThrows(HttpProtocolException.class, () -> HttpWire.readHead(in("HTTP/1.1 200 OK\r\nbad header\r\n\r\n")));
        assertThrows(HttpProtocolException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"), "GET"));
        assertThrows(HttpProtocolException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), "GET"));
        assertThrows(HttpProtocolException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "GET"));
        assertThrows(HttpProtocolException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n"), "GET"));
        assertThrows(HttpProtocolException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), "GET"));
    }

    @Test
    void truncatedMessages() {
        assertThrows(EOFException.class, () -> HttpWire.readHead(in("")));
        assertThrows(EOFException.class, () -> HttpWire.readHead(in("HTTP/1.1 200 OK\r\nA: b\r\n")));
        assertThrows(EOFException.class, () -> body(in("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), "GET"));
        assertThrows(EOFException.class,
                () -> body(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), "GET"));
    }

    @Test
    void bodyLimit() {
        assertThrows(HttpProtocolException.class, () -> HttpWire.readBody(
                HttpWire.bodyStream(in("0123456789"), new ResponseHead("HTTP/1.1", 200, "",
                        new HttpHeaders().add("Content-Length", "10")), "GET"), 5));
    }
}
