package io.jlxd.daemon.http;

import io.helidon.http.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a method and path against the endpoint table. Distinguishes "no such path" (404) from "path exists,
 * method does not" (405, with the allowed methods).
 */
public final class Router {
    private final List<Endpoint> endpoints;

    public Router(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        Set<String> seen = new java.util.HashSet<>();
        for (Endpoint e : endpoints) {
            if (!seen.add(e.method().text() + " " + e.path())) {
                throw new IllegalArgumentException("endpoint listed twice: " + e.method().text() + " " + e.path());
            }
        }
    }

    /** Which projects exist: a request naming another one ({@code ?project=}) answers 404. */
    private volatile java.util.function.Predicate<String> projectExists = ApiRequest.DEFAULT_PROJECT::equals;

    public void projectExists(java.util.function.Predicate<String> exists) {
        projectExists = exists;
    }

    public boolean projectExists(String name) {
        return projectExists.test(name);
    }

    /** Whether a project uses default's objects of a route's kind (its feature off); set by the daemon. */
    private volatile java.util.function.BiPredicate<String, String> sharedWithDefault = (project, template) -> false;

    public void sharedWithDefault(java.util.function.BiPredicate<String, String> shared) {
        sharedWithDefault = shared;
    }

    public boolean sharedWithDefault(String project, String template) {
        return sharedWithDefault.test(project, template);
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The outcome of matching a request. */
    public sealed interface Match {
    }

    public record Found(Endpoint endpoint, Map<String, String> params) implements Match {
    }

    public record NotFound() implements Match {
    }

    public record WrongMethod(Set<String> allowed) implements Match {
    }

    public Match match(Method method, String path) {
        List<String> parts = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Endpoint e : endpoints) {
            Map<String, String> params = bind(e.segments(), parts);
            if (params == null) {
                continue;
            }
            if (e.method().equals(method)) {
                return new Found(e, params);
            }
            allowed.add(e.method().text());
        }
        return allowed.isEmpty() ? new NotFound() : new WrongMethod(allowed);
    }

    /** Splits "/1.0/operations/x/" into [1.0, operations, x]; "/" gives []. */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static Map<String, String> bind(List<String> template, List<String> parts) {
        if (template.size() != parts.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), parts.get(i));
            } else if (!t.equals(parts.get(i))) {
                return null;
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return Arrays.toString(endpoints.stream().map(e -> e.method().text() + " " + e.path()).toArray());
    }
}
