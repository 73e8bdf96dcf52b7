package io.jlxd.cli.client.http;

/**
 * One HTTP/1.1 request. {@code target} is the origin-form path with its query ({@code /1.0/operations?recursion=1});
 * {@code body} is null for requests without one.
 */
public record HttpRequest(String method, String target, HttpHeaders headers, byte[] body) {

    public HttpRequest {
        if (method == null || !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("bad HTTP method: " + method);
        }
        if (target == null || !target.startsWith("/") || target.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("bad request target: " + target);
        }
        headers = headers == null ? new HttpHeaders() : headers;
    }

    public static HttpRequest of(String method, String target) {
        return new HttpRequest(method, target, new HttpHeaders(), null);
    }

    /** A request with a body of the given content type. */
    public static HttpRequest withBody(String method, String target, String contentType, byte[] body) {
        return new HttpRequest(method, target, new HttpHeaders().add("Content-Type", contentType), body);
    }

    public HttpRequest header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** GET, HEAD, PUT, DELETE and OPTIONS may be sent twice without changing the result (RFC 9110 9.2.2). */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
            default -> false;
        };
    }
}
