package io.jlxd.daemon.http;

import io.helidon.http.Method;
import java.util.List;

/**
 * One REST endpoint: method, path template ({@code /1.0/operations/{id}}), who may call it, its handler and a
 * one-line summary. All of them are listed in {@link Endpoints}.
 */
public record Endpoint(Method method, String path, Access access, ApiHandler handler, String summary) {

    /** The template split into segments; a segment in braces is a parameter. */
    public List<String> segments() {
        return Router.split(path);
    }
}
