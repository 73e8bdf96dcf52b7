package io.jlxd.cli.client.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An ordered list of HTTP header fields with case-insensitive lookup. Names and values are kept as sent. */
public final class HttpHeaders {
    private final List<String[]> fields = new ArrayList<>();

    public HttpHeaders add(String name, String value) {
        fields.add(new String[] {name, value});
        return this;
    }

    /** Appends to the last field's value (obsolete line folding). */
    void appendToLast(String more) {
        if (fields.isEmpty()) {
            throw new IllegalStateException("no header to continue");
        }
        String[] last = fields.getLast();
        last[1] = last[1] + " " + more;
    }

    public Optional<String> first(String name) {
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                return Optional.of(f[1]);
            }
        }
        return Optional.empty();
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                values.add(f[1]);
            }
        }
        return values;
    }

    /** True if a comma-separated header (Connection, Upgrade, Transfer-Encoding...) contains the token. */
    public boolean hasToken(String name, String token) {
        return tokens(name).contains(token.toLowerCase(Locale.ROOT));
    }

    /** All comma-separated tokens of a header, lower-cased, in order. */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : all(name)) {
            for (String t : value.split(",")) {
                String trimmed = t.strip();
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    /** Name/value pairs in order. */
    public List<String[]> fields() {
        return Collections.unmodifiableList(fields);
    }
}
