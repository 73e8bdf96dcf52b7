package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlxd.api.ApiExtensions;
import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.http.impl.client.DefaultHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Proves that openapi.yaml and the contract filter catch drift: fabricated answers that break the contract are
 * reported, conforming ones are not. No daemon needed.
 */
class ContractValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID = "0b7e5a3c-1f2d-4e5f-8a9b-0c1d2e3f4a5b";

    private final OpenApiContract contract = OpenApiContract.get();

    // ---------------------------------------------------------------- fabricated documents

    static Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("addresses", List.of());
        env.put("architectures", List.of("x86_64"));
        env.put("certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        env.put("certificate_fingerprint", "a".repeat(64));
        env.put("driver", "lxc");
        env.put("driver_version", "5.0.2");
        env.put("firewall", "nftables");
        env.put("kernel", "Linux");
        env.put("kernel_architecture", "x86_64");
        env.put("kernel_version", "6.18.44");
        env.put("os_name", "Debian GNU/Linux");
        env.put("os_version", "12");
        env.put("project", "default");
        env.put("server", "jlxd");
        env.put("server_clustered", false);
        env.put("server_event_mode", "full-mesh");
        env.put("server_name", "host");
        env.put("server_pid", 123);
        env.put("server_version", "0.1.0");
        env.put("storage", "dir");
        env.put("storage_version", "1");
        env.put("storage_supported_drivers", List.of(Map.of("name", "dir", "version", "1", "remote", false)));
        env.put("kernel_features", Map.of("idmapped_mounts", "true"));
        env.put("lxc_features", Map.of("cgroup2", "true"));
        env.put("cgroup_controllers", Map.of("memory", "v1"));
        return env;
    }

    static Map<String, Object> server() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("config", Map.of("user.a", "b"));
        s.put("api_extensions", ApiExtensions.ALL);
        s.put("api_status", "stable");
        s.put("api_version", "1.0");
        s.put("auth", "trusted");
        s.put("auth_methods", List.of("tls"));
        s.put("public", false);
        s.put("environment", environment());
        return s;
    }

    static Map<String, Object> operation() {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("id", UUID);
        op.put("class", "token");
        op.put("description", "Trust token");
        op.put("created_at", "2026-11-25T05:57:00.123456789Z");
        op.put("updated_at", "2026-11-25T05:57:00+01:00");
        op.put("status", "Running");
        op.put("status_code", 103);
        op.put("resources", null);
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("request", Map.of("name", "t1", "token", true));
        md.put("id", UUID);
        md.put("secret", "00ff");
        md.put("fingerprint", "b".repeat(64));
        md.put("addresses", List.of());
        md.put("expiresAt", null);
        op.put("metadata", md);
        op.put("may_cancel", true);
        op.put("err", "");
        op.put("location", "host");
        return op;
    }

    static Map<String, Object> sync(Object metadata) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "sync");
        r.put("status", "Success");
        r.put("status_code", 200);
        r.put("operation", "");
        r.put("error_code", 0);
        r.put("error", "");
        r.put("metadata", metadata);
        return r;
    }

    static Map<String, Object> error(int code, String message) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "error");
        r.put("status", "");
        r.put("status_code", 0);
        r.put("operation", "");
        r.put("error_code", code);
        r.put("error", message);
        r.put("metadata", null);
        return r;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(Map<String, Object> server) {
        return (Map<String, Object>) server.get("environment");
    }

    private List<ValidationReport.Message> check(Request request, int status, Map<String, String> headers, Object body) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status).withContentType("application/json");
        headers.forEach(b::withHeader);
        if (body != null) {
            b.withBody(json(body));
        }
        return OpenApiContract.errors(contract.validate(request, b.build()));
    }

    private List<ValidationReport.Message> checkGetServer(Consumer<Map<String, Object>> mutateEnvelope) {
        Map<String, Object> envelope = sync(server());
        mutateEnvelope.accept(envelope);
        return check(SimpleRequest.Builder.get("/1.0").build(), 200, Map.of("ETag", "\"abc\""), envelope);
    }

    private static void assertMentions(List<ValidationReport.Message> errors, String... words) {
        assertTrue(!errors.isEmpty(), "expected a contract violation, got none");
        String all = OpenApiContract.describe(errors);
        for (String w : words) {
            assertTrue(all.contains(w), () -> "expected the violation to mention " + w + ":\n" + all);
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void conformingServerAnswerPasses() {
        List<ValidationReport.Message> errors = checkGetServer(e -> { });
        assertTrue(errors.isEmpty(), () -> OpenApiContract.describe(errors));
    }

    @SuppressWarnings("unchecked")
    @Test
    void missingRequiredFieldIsCaught() {
        assertMentions(checkGetServer(e -> env((Map<String, Object>) e.get("metadata")).remove("server_pid")), "server_pid");
        assertMentions(checkGetServer(e -> ((Map<String, Object>) e.get("metadata")).remove("api_extensions")), "api_extensions");
        assertMentions(checkGetServer(e -> e.remove("error_code")), "error_code");
    }

    @SuppressWarnings("unchecked")
    @Test
    void wrongTypeOrEnumIsCaught() {
        assertMentions(checkGetServer(e -> env((Map<String, Object>) e.get("metadata")).put("server_pid", "123")), "server_pid");
        assertMentions(checkGetServer(e -> env((Map<String, Object>) e.get("metadata")).put("driver", "qemu")), "qemu");
        assertMentions(checkGetServer(e -> e.put("status_code", 100)), "100");
        assertMentions(checkGetServer(e -> e.put("type", "async")), "async");
        assertMentions(checkGetServer(e -> ((Map<String, Object>) e.get("metadata")).put("auth", "untrusted")), "auth");
    }

    @SuppressWarnings("unchecked")
    @Test
    void metadataMayGrowButTheEnvelopeMayNot() {
        List<ValidationReport.Message> ok = checkGetServer(e -> {
            ((Map<String, Object>) e.get("metadata")).put("new_field", 1);
            env((Map<String, Object>) e.get("metadata")).put("new_env_field", "x");
        });
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        assertMentions(checkGetServer(e -> e.put("extra", 1)), "extra");
    }

    @Test
    void untrustedViewMustNotLeakEnvironment() {
        Map<String, Object> untrusted = new LinkedHashMap<>(server());
        untrusted.remove("config");
        untrusted.remove("environment");
        untrusted.put("auth", "untrusted");
        Request get = SimpleRequest.Builder.get("/1.0").build();
        List<ValidationReport.Message> ok = check(get, 200, Map.of("ETag", "x"), sync(untrusted));
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        untrusted.put("environment", environment());
        assertTrue(!check(get, 200, Map.of("ETag", "x"), sync(untrusted)).isEmpty());
    }

    @Test
    void missingDocumentedHeaderIsCaught() {
        Map<String, Object> async = new LinkedHashMap<>();
        async.put("type", "async");
        async.put("status", "Operation created");
        async.put("status_code", 100);
        async.put("operation", "/1.0/operations/" + UUID);
        async.put("error_code", 0);
        async.put("error", "");
        async.put("metadata", operation());
        Request post = SimpleRequest.Builder.post("/1.0/certificates").withContentType("application/json")
                .withBody("{\"name\":\"t1\",\"token\":true}").build();
        List<ValidationReport.Message> ok = check(post, 202, Map.of("Location", "/1.0/operations/" + UUID), async);
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        assertMentions(check(post, 202, Map.of(), async), "Location");
    }

    @Test
    void undocumentedPathMethodAndStatusAreCaught() {
        assertMentions(check(SimpleRequest.Builder.get("/1.0/bogus").build(), 200, Map.of(), sync(Map.of())),
                "validation.request.path.missing");
        assertMentions(check(SimpleRequest.Builder.delete("/1.0").build(), 200, Map.of(), sync(Map.of())),
                "validation.request.operation.notAllowed");
        // (GET /1.0 may answer 404 since ?project= names a project; 409 it never does)
        assertMentions(check(SimpleRequest.Builder.get("/1.0").build(), 409, Map.of(), error(409, "conflict")),
                "validation.response.status.unknown");
    }

    @Test
    void errorEnvelopeMustMatchTheHttpStatus() {
        Request get = SimpleRequest.Builder.get("/1.0/operations/" + UUID).build();
        List<ValidationReport.Message> ok = check(get, 404, Map.of(), error(404, "Operation not found"));
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        assertMentions(check(get, 404, Map.of(), error(400, "Operation not found")), "error_code");
        assertMentions(check(get, 404, Map.of(), error(404, "")), "error");
    }

    @Test
    void operationAnswersAreChecked() {
        Request get = SimpleRequest.Builder.get("/1.0/operations/" + UUID).build();
        List<ValidationReport.Message> ok = check(get, 200, Map.of(), sync(operation()));
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        Map<String, Object> op = operation();
        op.put("status", "Cancelling");
        assertMentions(check(get, 200, Map.of(), sync(op)), "Cancelling");
        op = operation();
        op.put("class", "Token");
        assertMentions(check(get, 200, Map.of(), sync(op)), "Token");
        op = operation();
        op.put("created_at", "yesterday");
        assertMentions(check(get, 200, Map.of(), sync(op)), "yesterday");

        Request list = SimpleRequest.Builder.get("/1.0/operations").withQueryParam("recursion", "0").build();
        List<ValidationReport.Message> listOk = check(list, 200, Map.of(),
                sync(Map.of("running", List.of("/1.0/operations/" + UUID))));
        assertTrue(listOk.isEmpty(), () -> OpenApiContract.describe(listOk));
        assertTrue(!check(list, 200, Map.of(), sync(Map.of("Running", List.of("/1.0/operations/" + UUID)))).isEmpty());
        assertTrue(!check(list, 200, Map.of(), sync(Map.of("running", List.of()))).isEmpty());
        assertMentions(check(SimpleRequest.Builder.get("/1.0/operations").withQueryParam("recursion", "7").build(),
                200, Map.of(), sync(Map.of())), "(7)");
    }

    @Test
    void eventsAreChecked() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "operation");
        event.put("timestamp", "2026-11-25T05:57:00.5Z");
        event.put("location", "host");
        event.put("project", "");
        event.put("metadata", operation());
        List<ValidationReport.Message> ok = OpenApiContract.errors(contract.validateSchema(json(event), "Event"));
        assertTrue(ok.isEmpty(), () -> OpenApiContract.describe(ok));
        event.put("metadata", Map.of("message", "hello"));
        assertTrue(!OpenApiContract.errors(contract.validateSchema(json(event), "Event")).isEmpty(),
                "an operation event whose metadata is not an Operation must be refused");
    }

    /**
     * The whole chain without a daemon: REST Assured over a Unix socket (a fake server that, like Helidon, keeps the
     * connection open) with the contract filter must fail the request whose answer lacks a required field.
     */
    @SuppressWarnings({"deprecation", "unchecked"})
    @Test
    void filterFailsTheTestOnAFabricatedAnswer() throws Exception {
        try (CannedUnixServer fake = new CannedUnixServer()) {
            DefaultHttpClient client = UnixSocketHttpClient.create(fake.socket());
            RestAssuredConfig config = RestAssuredConfig.config().httpClient(UnixSocketHttpClient.config(client));
            try {
                Map<String, Object> good = sync(server());
                fake.answer(200, Map.of("ETag", "\"e1\""), json(good));
                for (int i = 0; i < 3; i++) { // also proves keep-alive reuse works without EOF
                    assertEquals("host", given().config(config).baseUri("http://localhost").port(80)
                            .filter(new ContractFilter(contract))
                            .when().get("/1.0").then().statusCode(200)
                            .extract().path("metadata.environment.server_name"));
                }

                Map<String, Object> bad = sync(server());
                ((Map<String, Object>) bad.get("metadata")).remove("environment");
                fake.answer(200, Map.of("ETag", "\"e1\""), json(bad));
                AssertionError e = assertThrows(AssertionError.class, () -> given().config(config)
                        .baseUri("http://localhost").port(80).filter(new ContractFilter(contract))
                        .when().get("/1.0"));
                assertTrue(e.getMessage().contains("environment"), e::getMessage);

                fake.answer(404, Map.of(), json(error(404, "not found")));
                AssertionError undocumented = assertThrows(AssertionError.class, () -> given().config(config)
                        .baseUri("http://localhost").port(80).filter(new ContractFilter(contract))
                        .when().get("/1.0/nothing-here"));
                assertTrue(undocumented.getMessage().contains("path.missing"), undocumented::getMessage);

                // With the marker the same 404 is accepted, but only as a proper error envelope.
                given().config(config).baseUri("http://localhost").port(80).filter(new ContractFilter(contract))
                        .header(ContractFilter.undocumentedRoute())
                        .when().get("/1.0/nothing-here").then().statusCode(404);
                fake.answer(404, Map.of(), json(sync(Map.of())));
                assertThrows(AssertionError.class, () -> given().config(config).baseUri("http://localhost").port(80)
                        .filter(new ContractFilter(contract)).header(ContractFilter.undocumentedRoute())
                        .when().get("/1.0/nothing-here"));
            } finally {
                client.getConnectionManager().shutdown();
                RestAssured.reset();
            }
        }
    }
}
