package io.jlxd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON document into Jackson's tree nodes without an {@code ObjectMapper}: the tree the lenient mapper's
 * {@code readTree} would give (ints as IntNode, then LongNode, then BigIntegerNode; fractions and exponents as
 * DoubleNode; a repeated key keeps its first place and the last value), for strict RFC 8259 input only. Every
 * {@code jlxc} command reads the API's answers; building a mapper and its parser costs more start-up time than the
 * whole request (Jackson's parser also initialises {@code BigDecimal}, whose static tables are slow to compute
 * before the JIT has run).
 */
public final class JsonTree {
    /** Deeper documents are refused (Jackson's default limit is 1000 too): no stack overflow on hostile input. */
    private static final int MAX_DEPTH = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String s;
    private int i;

    private JsonTree(String s) {
        this.s = s;
    }

    /** The tree of a UTF-8 JSON document (a leading BOM is skipped); throws on anything that is not one. */
    public static JsonNode parse(byte[] utf8) throws JsonSyntaxException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonSyntaxException("invalid UTF-8");
        }
        return parse(text);
    }

    /** The tree of a JSON text; throws on anything that is not exactly one JSON value (whitespace around it). */
    public static JsonNode parse(String text) throws JsonSyntaxException {
        JsonTree p = new JsonTree(text);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            p.i = 1;
        }
        p.skipSpace();
        JsonNode value = p.value(0);
        p.skipSpace();
        if (p.i != text.length()) {
            throw p.error("trailing data");
        }
        return value;
    }

    /** Not JSON. */
    public static final class JsonSyntaxException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        JsonSyntaxException(String message) {
            super(message);
        }
    }

    private JsonSyntaxException error(String what) {
        return new JsonSyntaxException("invalid JSON at offset " + i + ": " + what);
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private JsonNode value(int depth) throws JsonSyntaxException {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return NODES.textNode(string());
            case 't':
                literal("true");
                return NODES.booleanNode(true);
            case 'f':
                literal("false");
                return NODES.booleanNode(false);
            case 'n':
                literal("null");
                return NODES.nullNode();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private void literal(String word) throws JsonSyntaxException {
        if (!s.startsWith(word, i)) {
            throw error("expected " + word);
        }
        i += word.length();
    }

    private ObjectNode object(int depth) throws JsonSyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("nested too deeply");
        }
        i++; // {
        ObjectNode node = NODES.objectNode();
        skipSpace();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return node;
        }
        while (true) {
            skipSpace();
            if (i >= s.length() || s.charAt(i) != '"') {
                throw error("expected a field name");
            }
            String key = string();
            skipSpace();
            if (i >= s.length() || s.charAt(i) != ':') {
                throw error("expected ':'");
            }
            i++;
            skipSpace();
            node.replace(key, value(depth));
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end in an object");
            }
            char c = s.charAt(i++);
            if (c == '}') {
                return node;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private ArrayNode array(int depth) throws JsonSyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("nested too deeply");
        }
        i++; // [
        ArrayNode node = NODES.arrayNode();
        skipSpace();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return node;
        }
        while (true) {
            skipSpace();
            node.add(value(depth));
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end in an array");
            }
            char c = s.charAt(i++);
            if (c == ']') {
                return node;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonSyntaxException {
        int start = ++i; // opening quote
        while (i < s.length()) { // fast path: no escapes
            char c = s.charAt(i);
            if (c == '"') {
                return s.substring(start, i++);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            i++;
        }
        StringBuilder sb = new StringBuilder(s.length() - start < 64 ? 16 : 64).append(s, start, i);
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i++), 16);
                        if (d < 0) {
                            throw error("bad \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                }
                default -> throw error("bad escape \\" + e);
            }
        }
        throw error("unterminated string");
    }

    private JsonNode number() throws JsonSyntaxException {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        digits();
        if (i - intStart > 1 && s.charAt(intStart) == '0') {
            throw error("leading zero");
        }
        boolean integral = true;
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            integral = false;
            digits();
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            integral = false;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            digits();
        }
        String text = s.substring(start, i);
        if (!integral) {
            return NODES.numberNode(Double.parseDouble(text));
        }
        int len = i - intStart;
        if (len <= 9) {
            return NODES.numberNode(Integer.parseInt(text));
        }
        if (len <= 19) {
            long v;
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                return NODES.numberNode(new BigInteger(text));
            }
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        return NODES.numberNode(new BigInteger(text));
    }

    private void digits() throws JsonSyntaxException {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start) {
            throw error("expected a digit");
        }
    }
}
