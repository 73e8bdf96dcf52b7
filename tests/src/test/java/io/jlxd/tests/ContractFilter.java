package io.jlxd.tests;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A REST Assured filter that checks every request/response pair against openapi.yaml and fails the test (by
 * throwing {@link AssertionError}) on any mismatch: an undocumented path, method or status code, a body or header
 * that does not match its schema.
 *
 * <p>Negative tests that deliberately step outside the contract say so per request with a marker header, which
 * the filter removes before the request is sent:
 * <ul>
 *   <li>{@link #invalidRequest()}: the request body or parameters deliberately break the schema (malformed JSON,
 *   unknown field). The route must still be documented, the request must really be invalid, and the response is
 *   fully validated (so the status must be a documented one for that operation).</li>
 *   <li>{@link #undocumentedRoute()}: the path or method deliberately is not in the contract. The request must
 *   really be undocumented, and the answer must be a 404 or a 405 (with {@code Allow}) error envelope.</li>
 * </ul>
 */
public final class ContractFilter implements Filter {
    public static final String MODE_HEADER = "X-Jlxd-Test-Contract";
    static final String INVALID_REQUEST = "invalid-request";
    static final String UNDOCUMENTED_ROUTE = "undocumented-route";
    private static final Set<String> ROUTE_KEYS = Set.of("validation.request.path.missing",
            "validation.request.operation.notAllowed");

    private final OpenApiContract contract;

    public ContractFilter(OpenApiContract contract) {
        this.contract = contract;
    }

    public ContractFilter() {
        this(OpenApiContract.get());
    }

    /** Marks a request whose body or parameters deliberately break the schema. */
    public static Header invalidRequest() {
        return new Header(MODE_HEADER, INVALID_REQUEST);
    }

    /** Marks a request whose path or method deliberately is not in the contract. */
    public static Header undocumentedRoute() {
        return new Header(MODE_HEADER, UNDOCUMENTED_ROUTE);
    }

    @Override
    public Response filter(FilterableRequestSpecification requestSpec, FilterableResponseSpecification responseSpec,
                           FilterContext ctx) {
        String mode = requestSpec.getHeaders().getValue(MODE_HEADER);
        if (mode != null) {
            requestSpec.removeHeader(MODE_HEADER);
        }
        Response response = ctx.next(requestSpec, responseSpec);
        Request request = toValidatorRequest(requestSpec);
        SimpleResponse validatorResponse = toValidatorResponse(response);
        List<String> problems = check(mode, request, validatorResponse, response);
        if (!problems.isEmpty()) {
            String body = response.asString();
            if (body.length() > 4000) {
                body = body.substring(0, 4000) + "...";
            }
            throw new AssertionError("Contract violation (" + contract.file().getFileName() + "): "
                    + request.getMethod() + " " + request.getPath() + " -> HTTP " + response.statusCode() + "\n"
                    + String.join("", problems) + "  response body: " + body);
        }
        return response;
    }

    /** The problems of one exchange, empty if it conforms; {@code mode} is null or a marker value. */
    List<String> check(String mode, Request request, SimpleResponse validatorResponse, Response raw) {
        List<String> problems = new ArrayList<>();
        if (mode == null) {
            add(problems, OpenApiContract.errors(contract.validate(request, validatorResponse)));
        } else if (INVALID_REQUEST.equals(mode)) {
            List<ValidationReport.Message> requestErrors = OpenApiContract.errors(contract.validateRequest(request));
            List<ValidationReport.Message> routeErrors = requestErrors.stream()
                    .filter(m -> ROUTE_KEYS.contains(m.getKey())).toList();
            if (!routeErrors.isEmpty()) {
                problems.add("  - the request was marked invalid-request but its route is not documented\n");
                add(problems, routeErrors);
            } else if (requestErrors.isEmpty()) {
                problems.add("  - the request was marked invalid-request but conforms to the contract (fix the test)\n");
            }
            if (routeErrors.isEmpty()) {
                add(problems, OpenApiContract.errors(
                        contract.validateResponse(request.getPath(), request.getMethod(), validatorResponse)));
            }
        } else if (UNDOCUMENTED_ROUTE.equals(mode)) {
            List<ValidationReport.Message> requestErrors = OpenApiContract.errors(contract.validateRequest(request));
            if (requestErrors.stream().noneMatch(m -> ROUTE_KEYS.contains(m.getKey()))) {
                problems.add("  - the request was marked undocumented-route but its route is documented (fix the test)\n");
            }
            int status = raw.statusCode();
            String responseName = switch (status) {
                case 404 -> "NotFound";
                case 405 -> "MethodNotAllowed";
                default -> null;
            };
            if (responseName == null) {
                problems.add("  - an undocumented route must answer 404 (unknown path) or 405 (wrong method), not "
                        + status + "\n");
            } else {
                add(problems, OpenApiContract.errors(
                        contract.validateBody(raw.asString(), contract.responseSchema(responseName))));
                if (status == 405 && raw.getHeader("Allow") == null) {
                    problems.add("  - a 405 answer must carry an Allow header\n");
                }
                String contentType = raw.getContentType();
                if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
                    problems.add("  - an error answer must be application/json, got " + contentType + "\n");
                }
            }
        } else {
            problems.add("  - unknown " + MODE_HEADER + " value " + mode + "\n");
        }
        return problems;
    }

    private static void add(List<String> problems, List<ValidationReport.Message> messages) {
        if (!messages.isEmpty()) {
            problems.add(OpenApiContract.describe(messages));
        }
    }

    static Request toValidatorRequest(FilterableRequestSpecification spec) {
        URI uri = URI.create(spec.getURI());
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        SimpleRequest.Builder b = new SimpleRequest.Builder(spec.getMethod(), path);
        for (Map.Entry<String, List<String>> q : parseQuery(uri.getRawQuery()).entrySet()) {
            b.withQueryParam(q.getKey(), q.getValue());
        }
        spec.getHeaders().forEach(h -> {
            if (!h.getName().equalsIgnoreCase("Content-Type")) {
                b.withHeader(h.getName(), h.getValue());
            }
        });
        if (spec.getContentType() != null) {
            b.withContentType(spec.getContentType());
        }
        Object body = spec.getBody();
        if (body instanceof byte[] bytes) {
            b.withBody(bytes);
        } else if (body != null) {
            b.withBody(body.toString());
        }
        return b.build();
    }

    static SimpleResponse toValidatorResponse(Response response) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(response.statusCode());
        response.getHeaders().forEach(h -> {
            if (!h.getName().equalsIgnoreCase("Content-Type")) {
                b.withHeader(h.getName(), h.getValue());
            }
        });
        if (response.getContentType() != null && !response.getContentType().isEmpty()) {
            b.withContentType(response.getContentType());
        }
        byte[] body = response.asByteArray();
        if (body != null && body.length > 0) {
            b.withBody(body);
        }
        return b.build();
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
