package io.jlxd.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.jlxd.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One API request as handlers see it: path parameters, query, headers, a size-limited body, and who is calling.
 */
public final class ApiRequest {
    /** Default limit of a JSON request body. */
    public static final long DEFAULT_BODY_LIMIT = 8L * 1024 * 1024;

    private final String method;
    private final String path;
    private final Map<String, String> params;
    private final Map<String, String> query;
    private final Function<String, Optional<String>> headers;
    private final long contentLength;
    private final InputStream body;
    private final Caller caller;

    /** The project of requests that name none. */
    public static final String DEFAULT_PROJECT = "default";
    /** For access checks: some project, any (the list of projects; each caller sees those it may use). */
    public static final String ANY_PROJECT = "*";

    /**
     * Who sent a request: over the Unix socket (trusted by file permission; {@code peer} names the local user),
     * or over HTTPS with a client certificate ({@code identity} is its trust store entry, null when untrusted).
     */
    public record Caller(boolean trusted, String protocol, String address, java.security.cert.X509Certificate certificate,
                         io.jlxd.api.Certificate identity, String peer) {
        public Caller(boolean trusted, String protocol, String address, java.security.cert.X509Certificate certificate) {
            this(trusted, protocol, address, certificate, null, "");
        }

        public static Caller unix() {
            return unix("");
        }

        /** A Unix socket caller; {@code peer} describes the local user ("uid=0 pid=42"). */
        public static Caller unix(String peer) {
            return new Caller(true, "unix", "@", null, null, peer == null ? "" : peer);
        }

        /**
         * An HTTPS caller with its trust store entry ({@code identity}, null when untrusted). Trusted means a
         * {@code client} certificate; a {@code metrics} certificate is not trusted, it may only read metrics.
         */
        public static Caller tls(String address, java.security.cert.X509Certificate certificate, io.jlxd.api.Certificate identity) {
            return new Caller(identity != null && "client".equals(identity.type()), "tls", address, certificate, identity, "");
        }

        /** Whether this caller may scrape {@code /1.0/metrics}: full trust, or a {@code metrics} certificate. */
        public boolean mayReadMetrics() {
            return fullyTrusted() || (identity != null && "metrics".equals(identity.type()) && !identity.restricted());
        }

        /**
         * Full trust: the Unix socket, or a trusted certificate that is not restricted to projects. Server-wide
         * actions (server config, certificates, storage pools, host paths) need it.
         */
        public boolean fullyTrusted() {
            return trusted && (identity == null || !identity.restricted());
        }

        /** A trusted certificate restricted to its projects. */
        public boolean restricted() {
            return trusted && identity != null && identity.restricted();
        }

        /** Whether this caller may act in {@code project}: full trust, or a restricted certificate listing it. */
        public boolean mayUseProject(String project) {
            if (fullyTrusted()) {
                return true;
            }
            return trusted && identity.projects() != null
                    && (project.equals(ANY_PROJECT) ? !identity.projects().isEmpty() : identity.projects().contains(project));
        }

        /** The caller as lifecycle events name it. */
        public io.jlxd.daemon.events.EventBus.Requestor requestor() {
            String user = certificate == null ? (protocol.equals("unix") ? "root" : "")
                    : io.jlxd.daemon.tls.ServerCertificate.fingerprint(certificate);
            return new io.jlxd.daemon.events.EventBus.Requestor(user, protocol, address);
        }

        /** For the log: "unix uid=0 pid=42" or "tls 127.0.0.1 certificate FP (name)". */
        public String describe() {
            if (protocol.equals("unix")) {
                return "unix socket" + (peer.isEmpty() ? "" : " " + peer);
            }
            if (identity != null) {
                return "https " + address + " certificate " + identity.fingerprint() + " (" + identity.name() + ")"
                        + (identity.restricted() ? " restricted to " + identity.projects() : "");
            }
            return "https " + address + (certificate == null ? " without certificate"
                    : " untrusted certificate " + io.jlxd.daemon.tls.ServerCertificate.fingerprint(certificate));
        }
    }

    public ApiRequest(String method, String path, Map<String, String> params, Map<String, String> query,
                      Function<String, Optional<String>> headers, long contentLength, InputStream body, Caller caller) {
        this.method = method;
        this.path = path;
        this.params = params;
        this.query = query;
        this.headers = headers;
        this.contentLength = contentLength;
        this.body = body;
        this.caller = caller;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("no path parameter " + name);
        }
        return v;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** An integer query parameter, 400 when it is not one. */
    public long queryLong(String name, long fallback) {
        Optional<String> v = query(name);
        if (v.isEmpty() || v.get().isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid value for query parameter \"" + name + "\": \"" + v.get() + "\" is not an integer");
        }
    }

    /**
     * The host-wide key of the instance named by the {@code {name}} path parameter in the request's project
     * ({@code <project>_<name>} outside default). A name with "_" is no instance name: 404, so that a key is never
     * reachable as a name of another project.
     */
    public String instanceKey() {
        String name = param("name");
        if (name.indexOf('_') >= 0) {
            throw ApiException.notFound("Instance not found");
        }
        return io.jlxd.daemon.project.ProjectKeys.key(project(), name);
    }

    /** The request's project ({@code ?project=}, {@code default} when absent); the dispatcher checked it exists. */
    public String project() {
        String p = query.get("project");
        return p == null || p.isEmpty() ? DEFAULT_PROJECT : p;
    }

    /**
     * LXD's {@code all-projects=true} on lists: the projects to list, null for all; a restricted caller gets only
     * its own. Without it, just the request's project.
     */
    public java.util.function.Predicate<String> projectsToList() {
        String all = query.getOrDefault("all-projects", "");
        if (!all.equals("true") && !all.equals("1")) {
            if (!all.isEmpty() && !all.equals("false") && !all.equals("0")) {
                throw ApiException.badRequest("Invalid value for query parameter \"all-projects\": \"" + all + "\" (true or false)");
            }
            String p = project();
            return p::equals;
        }
        if (query.containsKey("project") && !query.get("project").isEmpty()) {
            throw ApiException.badRequest("Cannot specify a project when requesting all projects");
        }
        return caller::mayUseProject;
    }

    /** Whether the list asks for every project ({@code all-projects=true}). */
    public boolean allProjects() {
        String all = query.getOrDefault("all-projects", "");
        return all.equals("true") || all.equals("1");
    }

    /** LXD's recursion level (0, 1 or 2). */
    public int recursion(int max) {
        long r = queryLong("recursion", 0);
        if (r < 0 || r > max) {
            throw ApiException.badRequest("Invalid value for query parameter \"recursion\": must be 0.." + max);
        }
        return (int) r;
    }

    public Optional<String> header(String name) {
        return headers.apply(name);
    }

    public Caller caller() {
        return caller;
    }

    /** The raw body, refused with 413 when larger than the limit. */
    public byte[] bodyBytes(long limit) {
        if (contentLength > limit) {
            throw ApiException.tooLarge("Request body too large: " + contentLength + " bytes, limit is " + limit);
        }
        try {
            byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (data.length > limit) {
                throw ApiException.tooLarge("Request body too large: limit is " + limit + " bytes");
            }
            return data;
        } catch (IOException e) {
            throw ApiException.badRequest("Cannot read the request body: " + e.getMessage());
        }
    }

    /** Declared Content-Length, -1 when the body is chunked or absent. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The body as a stream, for large uploads (images): 413 at once when the declared Content-Length is over
     * {@code limit}; reading past it throws {@link BodyTooLargeException}. A body that ends before its declared
     * length, or a broken connection, is an {@link IOException} from read.
     */
    public InputStream bodyStream(long limit) {
        if (contentLength > limit) {
            throw ApiException.tooLarge("Request body too large: " + contentLength + " bytes, limit is " + limit);
        }
        return new LimitedBody(body, limit, contentLength);
    }

    /** Thrown by {@link #bodyStream} streams when the body grows over the limit (answer 413). */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long limit) {
            super("Request body too large: limit is " + limit + " bytes");
        }
    }

    private static final class LimitedBody extends InputStream {
        private final InputStream in;
        private final long limit;
        private final long declared;
        private long read;

        LimitedBody(InputStream in, long limit, long declared) {
            this.in = in;
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException e) { // Helidon signals a closed connection or a short body with runtime exceptions
                throw new IOException("the request body ended early (" + read + " bytes received"
                        + (declared >= 0 ? " of " + declared : "") + "): " + e.getMessage(), e);
            }
            if (n < 0) {
                if (declared >= 0 && read < declared) {
                    throw new IOException("the request body ended early (" + read + " of " + declared + " bytes)");
                }
                return n;
            }
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
            return n;
        }
    }

    /** The body parsed strictly as JSON into a wire type: unknown fields and malformed JSON give 400. */
    public <T> T bodyAs(Class<T> type) {
        byte[] data = bodyBytes(DEFAULT_BODY_LIMIT);
        if (data.length == 0) {
            throw ApiException.badRequest("Request body required (JSON)");
        }
        try {
            T value = Json.strict().readValue(data, type);
            if (value == null) {
                throw ApiException.badRequest("Request body must be a JSON object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("Unknown field \"" + e.getPropertyName() + "\" in request body");
        } catch (MismatchedInputException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw ApiException.badRequest("Invalid request body" + (where.isEmpty() ? "" : " at \"" + where + "\"")
                    + ": expected " + jsonKind(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("Invalid JSON in request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("Cannot read the request body: " + e.getMessage());
        }
    }

    /** What a Java type looks like in JSON, for error messages that name no Java classes. */
    static String jsonKind(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** Checks If-Match against the current ETag of the resource (412 on mismatch, no header = no check). */
    public void checkEtag(String current) {
        Optional<String> expected = header("If-Match");
        if (expected.isEmpty() || expected.get().isBlank()) {
            return;
        }
        String want = expected.get().trim();
        if (want.startsWith("\"") && want.endsWith("\"") && want.length() >= 2) {
            want = want.substring(1, want.length() - 1);
        }
        if (!want.equals(current)) {
            throw ApiException.preconditionFailed("ETag doesn't match: " + want + " vs " + current);
        }
    }
}
