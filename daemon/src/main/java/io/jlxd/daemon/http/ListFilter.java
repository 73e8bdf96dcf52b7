package io.jlxd.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * LXD's {@code ?filter=} on collections: clauses {@code [not] FIELD eq|ne VALUE} joined by {@code and} / {@code or},
 * evaluated left to right ({@code a or b and c} is {@code (a or b) and c}, as LXD does). Values may be quoted with
 * double or single quotes. A FIELD is a dotted path into the object's JSON; map keys that contain dots are found
 * too ({@code config.image.os}, {@code expanded_devices.root.pool}). Values compare as strings (numbers and booleans
 * by their JSON text); a missing field equals nothing. A malformed filter is a 400.
 */
public final class ListFilter {
    private record Clause(boolean not, String field, boolean eq, String value, String join) {
    }

    private final List<Clause> clauses;

    private ListFilter(List<Clause> clauses) {
        this.clauses = clauses;
    }

    /** Parses {@code text}; throws a 400 ApiException naming what is wrong. */
    public static ListFilter parse(String text) {
        List<String> t = tokens(text);
        List<Clause> out = new ArrayList<>();
        int i = 0;
        String join = null;
        while (i < t.size()) {
            boolean not = false;
            if (t.get(i).equals("not")) {
                not = true;
                i++;
            }
            if (i + 3 > t.size()) {
                throw ApiException.badRequest("Invalid filter \"" + text + "\": expected FIELD eq|ne VALUE");
            }
            String field = t.get(i);
            String op = t.get(i + 1);
            if (!op.equals("eq") && !op.equals("ne")) {
                throw ApiException.badRequest("Invalid filter \"" + text + "\": unknown operator \"" + op + "\" (eq, ne)");
            }
            out.add(new Clause(not, field, op.equals("eq"), t.get(i + 2), join));
            i += 3;
            if (i < t.size()) {
                join = t.get(i);
                if (!join.equals("and") && !join.equals("or")) {
                    throw ApiException.badRequest("Invalid filter \"" + text + "\": expected and/or, got \"" + join + "\"");
                }
                i++;
                if (i == t.size()) {
                    throw ApiException.badRequest("Invalid filter \"" + text + "\": ends with \"" + join + "\"");
                }
            }
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("Invalid filter: empty");
        }
        return new ListFilter(out);
    }

    /** Whether any clause looks at a field under {@code prefix} (e.g. "state": then the caller needs full objects). */
    public boolean uses(String prefix) {
        return clauses.stream().anyMatch(c -> c.field().equals(prefix) || c.field().startsWith(prefix + "."));
    }

    public boolean matches(JsonNode obj) {
        boolean result = false;
        for (Clause c : clauses) {
            JsonNode v = resolve(obj, c.field());
            // status is compared without case, as LXD does (lxc list status=stopped sends "status eq stopped")
            boolean equal = v != null && !v.isContainerNode() && !v.isNull() && (c.field().equals("status")
                    ? v.asText().equalsIgnoreCase(c.value()) : v.asText().equals(c.value()));
            boolean r = (c.eq() == equal) != c.not();
            result = c.join() == null ? r : c.join().equals("and") ? result && r : result || r;
        }
        return result;
    }

    /** Walks {@code path}, at each object trying the longest run of remaining segments that is a key. */
    static JsonNode resolve(JsonNode node, String path) {
        String[] parts = path.split("\\.", -1);
        int i = 0;
        while (i < parts.length) {
            if (node == null || !node.isObject()) {
                return null;
            }
            JsonNode next = null;
            int used = 0;
            for (int j = parts.length; j > i && next == null; j--) {
                next = node.get(String.join(".", java.util.Arrays.copyOfRange(parts, i, j)));
                used = j - i;
            }
            if (next == null) {
                return null;
            }
            node = next;
            i += used;
        }
        return node;
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw ApiException.badRequest("Invalid filter \"" + s + "\": unterminated quote");
                }
                out.add(s.substring(i + 1, end));
                i = end + 1;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
