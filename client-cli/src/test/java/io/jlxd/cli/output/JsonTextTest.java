package io.jlxd.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.api.Json;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    @Test
    void prettyIsGoMarshalIndentStyle() throws Exception {
        var node = Json.lenient().readTree("{\"a\":[1,{\"b\":\"<x>\"}],\"e\":[],\"o\":{},\"s\":\"é\"}");
        assertEquals("{\n\t\"a\": [\n\t\t1,\n\t\t{\n\t\t\t\"b\": \"<x>\"\n\t\t}\n\t],\n\t\"e\": [],\n\t\"o\": {},\n"
                + "\t\"s\": \"é\"\n}", JsonText.pretty(node));
    }

    @Test
    void compactIsOneLine() throws Exception {
        var node = Json.lenient().readTree("{ \"a\" : [ 1, 2 ], \"b\" : null }");
        assertEquals("{\"a\":[1,2],\"b\":null}", JsonText.compact(node));
    }
}
