package io.jlxd.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import org.junit.jupiter.api.Test;

class ListFilterTest {
    private static JsonNode obj(String json) throws Exception {
        return Json.lenient().readTree(json);
    }

    private final JsonNode c1;

    ListFilterTest() throws Exception {
        c1 = obj("""
                {"name":"c1","status":"Running","ephemeral":false,
                 "config":{"image.os":"Debian","user.a":"x y"},
                 "expanded_devices":{"root":{"type":"disk","pool":"default"}}}""");
    }

    @Test
    void clauses() {
        assertTrue(ListFilter.parse("name eq c1").matches(c1));
        assertFalse(ListFilter.parse("name eq c2").matches(c1));
        assertTrue(ListFilter.parse("name ne c2").matches(c1));
        assertTrue(ListFilter.parse("not name eq c2").matches(c1));
        assertTrue(ListFilter.parse("config.image.os eq Debian").matches(c1));
        assertTrue(ListFilter.parse("config.user.a eq \"x y\"").matches(c1));
        assertTrue(ListFilter.parse("config.user.a eq 'x y'").matches(c1));
        assertTrue(ListFilter.parse("expanded_devices.root.pool eq default").matches(c1));
        assertTrue(ListFilter.parse("ephemeral eq false").matches(c1));
        assertFalse(ListFilter.parse("config.absent eq x").matches(c1));
        assertFalse(ListFilter.parse("config eq x").matches(c1), "objects equal nothing");
    }

    @Test
    void leftAssociative() {
        // (name eq c2 or status eq Running) and name eq c1
        assertTrue(ListFilter.parse("name eq c2 or status eq Running and name eq c1").matches(c1));
        // (name eq c1 or x) and status eq Stopped
        assertFalse(ListFilter.parse("name eq c1 or name eq c9 and status eq Stopped").matches(c1));
        assertTrue(ListFilter.parse("name eq c1 and status eq Running").matches(c1));
        assertTrue(ListFilter.parse("status eq running").matches(c1), "status without case, as lxc list status=running sends it");
        assertFalse(ListFilter.parse("name eq C1").matches(c1));
    }

    @Test
    void usesPrefix() {
        assertTrue(ListFilter.parse("state.pid ne 0").uses("state"));
        assertFalse(ListFilter.parse("status eq Running").uses("state"));
    }

    @Test
    void malformed() {
        for (String bad : new String[] {"", "name", "name eq", "name gt 1", "name eq c1 and", "name eq c1 xor a eq b", "name eq \"c1"}) {
            ApiException e = assertThrows(ApiException.class, () -> ListFilter.parse(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }
}
