package io.jlxd.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPatchTest {
    private static Map<String, String> given() {
        Map<String, String> g = new HashMap<>();
        g.put("a", "1");
        g.put("b", "");
        g.put("c", null); // JSON null
        return g;
    }

    @Test
    void putReplacesAndReadsNullAsEmpty() {
        assertEquals(Map.of("a", "1", "b", "", "c", ""), ConfigPatch.apply(Map.of("x", "old"), given(), false));
        assertEquals(Map.of(), ConfigPatch.apply(Map.of("x", "old"), null, false));
    }

    @Test
    void patchMergesAndRemovesEmptyAndNullKeys() {
        assertEquals(Map.of("a", "1", "x", "old"), ConfigPatch.apply(Map.of("x", "old", "b", "2", "c", "3"), given(), true));
        assertEquals(Map.of("a", "1"), ConfigPatch.setKeys(given()));
    }
}
