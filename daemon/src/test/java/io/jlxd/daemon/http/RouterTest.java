package io.jlxd.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.http.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final ApiHandler NOOP = r -> Reply.empty();
    private final Router router = new Router(List.of(
            new Endpoint(Method.GET, "/", Access.PUBLIC, NOOP, "root"),
            new Endpoint(Method.GET, "/1.0/operations/{id}", Access.TRUSTED, NOOP, "get"),
            new Endpoint(Method.DELETE, "/1.0/operations/{id}", Access.TRUSTED, NOOP, "delete"),
            new Endpoint(Method.GET, "/1.0/operations/{id}/wait", Access.TRUSTED, NOOP, "wait")));

    @Test
    void bindsParameters() {
        Router.Found f = assertInstanceOf(Router.Found.class, router.match(Method.GET, "/1.0/operations/abc"));
        assertEquals(Map.of("id", "abc"), f.params());
        assertEquals("get", f.endpoint().summary());
        Router.Found w = assertInstanceOf(Router.Found.class, router.match(Method.GET, "/1.0/operations/abc/wait/"));
        assertEquals("wait", w.endpoint().summary());
    }

    @Test
    void tellsWrongMethodFromMissingPath() {
        Router.WrongMethod m = assertInstanceOf(Router.WrongMethod.class, router.match(Method.PUT, "/1.0/operations/x"));
        assertEquals(Set.of("GET", "DELETE"), m.allowed());
        assertInstanceOf(Router.NotFound.class, router.match(Method.GET, "/1.0/operations/x/y"));
        assertInstanceOf(Router.NotFound.class, router.match(Method.GET, "/2.0"));
        assertInstanceOf(Router.Found.class, router.match(Method.GET, "/"));
    }

    @Test
    void refusesDuplicateEndpoints() {
        assertThrows(IllegalArgumentException.class, () -> new Router(List.of(
                new Endpoint(Method.GET, "/a", Access.PUBLIC, NOOP, "1"),
                new Endpoint(Method.GET, "/a", Access.PUBLIC, NOOP, "2"))));
    }

    @Test
    void etagIsStableAcrossMapOrder() {
        Map<String, String> a = new java.util.LinkedHashMap<>();
        a.put("x", "1");
        a.put("y", "2");
        Map<String, String> b = new java.util.LinkedHashMap<>();
        b.put("y", "2");
        b.put("x", "1");
        assertEquals(Etag.of(a), Etag.of(b));
        org.junit.jupiter.api.Assertions.assertNotEquals(Etag.of(a), Etag.of(Map.of("x", "1")));
    }
}
