package io.jlxd.cli.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapper-free reader gives the lenient mapper's tree (same node classes) and refuses what it refuses. */
class JsonTreeTest {
    private static final List<String> VALID = List.of(
            "{}", "[]", "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
            "1.5", "-0.0", "1e5", "1E-5", "2.5e+3", "1e400", "true", "false", "null", "\"\"",
            "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 é ✓\"",
            " \n\t{ \"type\" : \"sync\", \"metadata\" : { \"a\" : [1, 2.0, \"x\", null, true, {}], \"b\": {\"c\": []} } } \r\n",
            "{\"a\":1,\"b\":2,\"a\":3}", "\uFEFF{\"bom\":1}",
            "[[[[[[[[[[1]]]]]]]]]]", "{\"k\":\"" + "x".repeat(5000) + "\"}");
    private static final List<String> INVALID = List.of(
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "+1", ".5", "1.", "1e", "-", "--1",
            "tru", "nul", "NaN", "Infinity", "\"abc", "\"\\x\"", "\"\\u12\"", "\"a\u0001b\"", "{} {}", "[1] x",
            "{\"a\" 1}", "[1 2]", "// c\n1", "\"\\u00zz\"");

    @Test
    void sameTreeAsTheLenientMapper() throws Exception {
        for (String text : VALID) {
            JsonNode expected = Json.lenient().readTree(text.getBytes(StandardCharsets.UTF_8));
            JsonNode actual = JsonTree.parse(text.getBytes(StandardCharsets.UTF_8));
            assertEquals(expected, actual, text);
            assertSameClasses(expected, actual, text);
        }
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String text : INVALID) {
            assertThrows(JsonTree.JsonSyntaxException.class, () -> JsonTree.parse(text.getBytes(StandardCharsets.UTF_8)),
                    text);
        }
        assertThrows(JsonTree.JsonSyntaxException.class, () -> JsonTree.parse(new byte[] {'"', (byte) 0xff, '"'}));
        assertThrows(JsonTree.JsonSyntaxException.class, () -> JsonTree.parse("[".repeat(2000) + "]".repeat(2000)));
    }

    @Test
    void writesPlainBodiesAsTheMapperReadsThem() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", List.of("sh", "-c", "echo \"$A\"\n\u0001\t\\ é"));
        body.put("environment", Map.of("A", "b"));
        body.put("wait-for-websocket", true);
        body.put("width", 80);
        body.put("user", 1000L);
        body.put("nothing", null);
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("s", "v").put("n", 3).putNull("z");
        tree.putArray("a").add(1).add("x").addObject().put("deep", false);
        body.put("tree", tree);
        byte[] ours = JsonWrite.encode(body);
        assertEquals(new String(Json.lenient().writeValueAsBytes(body), StandardCharsets.UTF_8),
                new String(ours, StandardCharsets.UTF_8));
        assertEquals(Json.lenient().readTree(ours), JsonTree.parse(ours));
    }

    @Test
    void leavesOtherTypesToTheMapper() {
        record R(String a) {
        }
        assertNull(JsonWrite.encode(new R("x")));
        assertNull(JsonWrite.encode(Map.of("d", 1.5)));
        assertNull(JsonWrite.encode(Map.of(1, "non-string key")));
        assertNull(JsonWrite.encode(List.of(JsonNodeFactory.instance.numberNode(2.5))));
        assertArrayEquals("[1,\"a\"]".getBytes(StandardCharsets.UTF_8), JsonWrite.encode(new ArrayList<>(Arrays.asList(1, "a"))));
    }

    private static void assertSameClasses(JsonNode expected, JsonNode actual, String text) {
        assertEquals(expected.getClass(), actual.getClass(), text);
        if (expected.isContainerNode()) {
            assertEquals(expected.size(), actual.size(), text);
            if (expected.isObject()) {
                assertEquals(iterator(expected.fieldNames()), iterator(actual.fieldNames()), text);
                expected.fieldNames().forEachRemaining(f -> assertSameClasses(expected.get(f), actual.get(f), text));
            } else {
                for (int k = 0; k < expected.size(); k++) {
                    assertSameClasses(expected.get(k), actual.get(k), text);
                }
            }
        }
    }

    private static List<String> iterator(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
