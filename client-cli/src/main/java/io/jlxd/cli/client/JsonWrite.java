package io.jlxd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the plain request bodies most commands send (maps, lists, strings, booleans, integers, and Jackson trees
 * of those) as JSON without an {@code ObjectMapper}, whose construction costs more start-up time than the request.
 * Anything else (records, floating-point numbers...) is left to the mapper: {@link #encode} returns null.
 */
public final class JsonWrite {
    private final StringBuilder sb = new StringBuilder(256);

    private JsonWrite() {
    }

    /** UTF-8 JSON for {@code value}, or null when it holds a type this writer leaves to the mapper. */
    public static byte[] encode(Object value) {
        JsonWrite w = new JsonWrite();
        return w.value(value) ? w.sb.toString().getBytes(StandardCharsets.UTF_8) : null;
    }

    private boolean value(Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String str) {
            string(str);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return false;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(key);
                sb.append(':');
                if (!value(e.getValue())) {
                    return false;
                }
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> list && !(v instanceof JsonNode)) {
            sb.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (!value(o)) {
                    return false;
                }
            }
            sb.append(']');
        } else if (v instanceof JsonNode node) {
            return node(node);
        } else {
            return false;
        }
        return true;
    }

    private boolean node(JsonNode n) {
        switch (n.getNodeType()) {
            case NULL -> sb.append("null");
            case STRING -> string(n.textValue());
            case BOOLEAN -> sb.append(n.booleanValue());
            case NUMBER -> {
                if (!n.isInt() && !n.isLong()) {
                    return false;
                }
                sb.append(n.longValue());
            }
            case OBJECT -> {
                sb.append('{');
                boolean first = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(e.getKey());
                    sb.append(':');
                    if (!node(e.getValue())) {
                        return false;
                    }
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int k = 0; k < n.size(); k++) {
                    if (k > 0) {
                        sb.append(',');
                    }
                    if (!node(n.get(k))) {
                        return false;
                    }
                }
                sb.append(']');
            }
            default -> {
                return false; // binary, POJO, missing
            }
        }
        return true;
    }

    private void string(String str) {
        sb.append('"');
        for (int k = 0; k < str.length(); k++) {
            char c = str.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
