package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueryBodyTest {
    private static String body(String data) throws Exception {
        return new String(QueryCommand.encodeBody(data), StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsSentAsItIsAndTextAsAJsonString() throws Exception {
        assertEquals("{\"config\": {}}", body("{\"config\": {}}"));
        assertEquals("42", body("42"));
        assertEquals("\"hello world\"", body("hello world"));
        assertEquals("\"\"", body(""));
        assertEquals("\"{broken\"", body("{broken"));
    }
}
