package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every path and method of openapi.yaml over real HTTPS (path parameters filled with plausible values) as
 * an untrusted client, a client without a certificate, a revoked client and two restricted clients, so that a
 * route added later cannot slip through: whatever is not in the short public list below answers 403 to the
 * untrusted ones, and a restricted client gets 403 exactly on the server-wide routes (the TRUSTED list) and
 * outside its projects.
 */
class TrustAccessWalkTest extends DaemonTestBase {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete", "head");

    /** LXD's AllowUntrusted routes (anything else must refuse an untrusted caller). */
    private static final Set<String> PUBLIC = Set.of(
            "GET /", "GET /1.0", "POST /1.0/certificates",
            "GET /1.0/images", "GET /1.0/images/{fingerprint}", "GET /1.0/images/{fingerprint}/export",
            "GET /1.0/images/aliases", "GET /1.0/images/aliases/{name}",
            "GET /1.0/operations/{id}/websocket");

    /** Server-wide routes: full trust only, refused to restricted certificates. */
    private static final Set<String> TRUSTED = Set.of(
            "PUT /1.0", "PATCH /1.0",
            "GET /1.0/certificates", "POST /1.0/certificates", "GET /1.0/certificates/{fingerprint}",
            "PUT /1.0/certificates/{fingerprint}", "PATCH /1.0/certificates/{fingerprint}",
            "DELETE /1.0/certificates/{fingerprint}",
            "POST /1.0/storage-pools", "PUT /1.0/storage-pools/{pool}", "PATCH /1.0/storage-pools/{pool}",
            "DELETE /1.0/storage-pools/{pool}", "GET /1.0/storage-pools/{pool}/resources",
            "GET /1.0/metrics", "GET /1.0/resources",
            "POST /1.0/networks", "PUT /1.0/networks/{name}", "PATCH /1.0/networks/{name}", "POST /1.0/networks/{name}",
            "DELETE /1.0/networks/{name}", "POST /1.0/networks/{name}/forwards",
            "PUT /1.0/networks/{name}/forwards/{listen_address}", "PATCH /1.0/networks/{name}/forwards/{listen_address}",
            "DELETE /1.0/networks/{name}/forwards/{listen_address}",
            "GET /1.0/warnings", "GET /1.0/warnings/{uuid}", "PUT /1.0/warnings/{uuid}", "PATCH /1.0/warnings/{uuid}",
            "DELETE /1.0/warnings/{uuid}",
            "POST /1.0/projects", "PUT /1.0/projects/{name}", "PATCH /1.0/projects/{name}", "POST /1.0/projects/{name}",
            "DELETE /1.0/projects/{name}");

    /** What a certificate of type metrics may call besides the public routes. */
    private static final Set<String> METRICS = Set.of("GET /1.0/metrics");

    private static final Map<String, String> VALUES = Map.of(
            "name", "walk-c1", "fingerprint", "ab".repeat(32), "id", UUID.randomUUID().toString(), "file", "lxc.log",
            "snap", "snap0", "pool", "default", "type", "custom", "listen_address", "192.0.2.1", "uuid", UUID.randomUUID().toString());

    private static int port;
    private static List<String[]> routes;

    @BeforeAll
    static void setUp() throws Exception {
        port = Trust.enableHttps();
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(TestEnv.openApi().toFile());
        routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            for (Iterator<String> ops = p.getValue().fieldNames(); ops.hasNext(); ) {
                String m = ops.next();
                if (METHODS.contains(m)) {
                    routes.add(new String[] {m.toUpperCase(Locale.ROOT), p.getKey()});
                }
            }
        }
        assertTrue(routes.size() > 80, "openapi.yaml lists " + routes.size() + " routes");
        for (String key : PUBLIC) {
            assertTrue(routes.stream().anyMatch(r -> key.equals(r[0] + " " + r[1])), "public route not in openapi.yaml: " + key);
        }
        for (String key : TRUSTED) {
            assertTrue(routes.stream().anyMatch(r -> key.equals(r[0] + " " + r[1])), "trusted route not in openapi.yaml: " + key);
        }
    }

    private static String fill(String template) {
        return fill(template, "default");
    }

    /** Path parameters filled; the {name} of /1.0/projects/{name} is {@code project}. */
    private static String fill(String template, String project) {
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = template.startsWith("/1.0/projects/") && m.group(1).equals("name") ? project : VALUES.get(m.group(1));
            assertTrue(v != null, "no plausible value for {" + m.group(1) + "} in " + template + ": add one to VALUES");
            m.appendReplacement(sb, v);
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static HttpsClient.Answer call(HttpsClient c, String method, String path, String query) {
        return call(c, method, path, query, "default");
    }

    private static HttpsClient.Answer call(HttpsClient c, String method, String path, String query, String project) {
        boolean body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return c.send(method, fill(path, project) + query, body ? "{}" : null);
    }

    @Test
    void aClientRestrictedToOneProjectIsRefusedEveryRouteOfAnother() {
        for (String p : List.of("walk-a", "walk-b")) {
            assertEquals(200, io.restassured.RestAssured.given().contentType("application/json").body("{\"name\":\"" + p + "\"}")
                    .when().post("/1.0/projects").statusCode());
        }
        ClientIdentity id = ClientIdentity.create("walk-a-tenant");
        Trust.trust(id, "walk-a-tenant", true, List.of("walk-a"));
        List<String> wrong = new ArrayList<>();
        try (HttpsClient t = new HttpsClient(port, id)) {
            for (String[] r : routes) {
                String key = r[0] + " " + r[1];
                if (PUBLIC.contains(key)) {
                    continue;
                }
                boolean projectPath = r[1].startsWith("/1.0/projects/");
                HttpsClient.Answer other = call(t, r[0], r[1], projectPath ? "" : "?project=walk-b", "walk-b");
                if (key.equals("GET /1.0/projects")) {
                    if (other.status() != 200 || other.body().contains("walk-b")) { // the list: its own projects only
                        wrong.add("walk-b " + key + " -> " + other);
                    }
                } else if (r[1].startsWith("/1.0/operations/{id}")) {
                    // addressed by id, whatever ?project= says: an operation outside its projects is not found
                    if (other.status() != 404) {
                        wrong.add("walk-b " + key + " -> " + other.status() + " (expected 404)");
                    }
                } else if (other.status() != 403) {
                    wrong.add("walk-b " + key + " -> " + other.status() + " (expected 403)");
                }
                HttpsClient.Answer own = call(t, r[0], r[1], projectPath ? "" : "?project=walk-a", "walk-a");
                // walk-a has LXD's default features (its own images, profiles, volumes): only server-wide routes refuse
                boolean refused = TRUSTED.contains(key);
                if (own.status() >= 500) {
                    wrong.add("walk-a " + key + " -> " + own);
                } else if (refused != (own.status() == 403)) {
                    wrong.add("walk-a " + key + " -> " + own.status() + (refused ? " (expected 403)" : " (expected allowed)"));
                }
            }
        } finally {
            Trust.untrust(id);
            for (String p : List.of("walk-a", "walk-b")) {
                io.restassured.RestAssured.given().when().delete("/1.0/projects/" + p);
            }
        }
        assertEquals(List.of(), wrong, "a client restricted to walk-a");
    }

    /** Every route but the public ones answers 403 to {@code client}. */
    private static void assertUntrustedEverywhere(HttpsClient client, String who) {
        List<String> wrong = new ArrayList<>();
        for (String[] r : routes) {
            String key = r[0] + " " + r[1];
            HttpsClient.Answer a = call(client, r[0], r[1], "");
            if (a.status() >= 500) {
                wrong.add(key + " -> " + a);
            } else if (!PUBLIC.contains(key) && a.status() != 403) {
                wrong.add(key + " -> " + a.status() + " (expected 403)");
            }
        }
        assertEquals(List.of(), wrong, who + ": routes that did not refuse");
        assertEquals("untrusted", client.get("/1.0").metadata().get("auth").asText());
    }

    @Test
    void untrustedClientsGet403Everywhere() {
        try (HttpsClient c = new HttpsClient(port, ClientIdentity.create("stranger"))) {
            assertUntrustedEverywhere(c, "an untrusted certificate");
        }
        try (HttpsClient c = new HttpsClient(port, null)) {
            assertUntrustedEverywhere(c, "no certificate");
        }
    }

    @Test
    void aRevokedClientGets403Everywhere() {
        ClientIdentity id = ClientIdentity.create("revoked");
        Trust.trust(id, "revoked", false, List.of());
        try (HttpsClient c = new HttpsClient(port, id)) {
            assertEquals(200, c.get("/1.0/instances").status());
            Trust.untrust(id);
            assertUntrustedEverywhere(c, "a revoked certificate (same connection pool)");
        }
        try (HttpsClient c = new HttpsClient(port, id)) {
            assertUntrustedEverywhere(c, "a revoked certificate (new connections)");
        }
    }

    @Test
    void aMetricsCertificateMayOnlyScrape() {
        ClientIdentity id = ClientIdentity.create("scraper");
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("name", "scraper", "type", "metrics", "certificate", id.pem()));
        assertEquals(200, io.restassured.RestAssured.given().contentType("application/json").body(toJson(body))
                .when().post("/1.0/certificates").statusCode());
        List<String> wrong = new ArrayList<>();
        try (HttpsClient c = new HttpsClient(port, id)) {
            for (String[] r : routes) {
                String key = r[0] + " " + r[1];
                HttpsClient.Answer a = call(c, r[0], r[1], "");
                if (a.status() >= 500) {
                    wrong.add(key + " -> " + a);
                } else if (METRICS.contains(key) && a.status() == 403) {
                    wrong.add(key + " -> 403 (expected allowed)");
                } else if (!PUBLIC.contains(key) && !METRICS.contains(key) && a.status() != 403) {
                    wrong.add(key + " -> " + a.status() + " (expected 403)");
                }
            }
        }
        Trust.untrust(id);
        assertEquals(List.of(), wrong, "a metrics certificate");
    }

    @Test
    void restrictedClientsMayUseOnlyTheirProjects() {
        ClientIdentity tenant = ClientIdentity.create("tenant");
        ClientIdentity nowhere = ClientIdentity.create("nowhere");
        Trust.trust(tenant, "tenant", true, List.of("default"));
        Trust.trust(nowhere, "nowhere", true, List.of());
        List<String> wrong = new ArrayList<>();
        try (HttpsClient t = new HttpsClient(port, tenant); HttpsClient n = new HttpsClient(port, nowhere)) {
            for (String[] r : routes) {
                String key = r[0] + " " + r[1];
                HttpsClient.Answer a = call(t, r[0], r[1], "");
                boolean refused = a.status() == 403;
                if (a.status() >= 500) {
                    wrong.add("tenant " + key + " -> " + a);
                } else if (TRUSTED.contains(key) != refused) {
                    wrong.add("tenant " + key + " -> " + a.status() + (TRUSTED.contains(key) ? " (expected 403)" : " (expected allowed)"));
                }
                HttpsClient.Answer other = call(t, r[0], r[1], "?project=other");
                // /1.0/projects/{name} routes name their project in the path, operations are addressed by id (the
                // walk-a test covers both)
                if (!PUBLIC.contains(key) && !r[1].startsWith("/1.0/projects") && !r[1].startsWith("/1.0/operations/{id}")
                        && other.status() != 403) {
                    wrong.add("tenant ?project=other " + key + " -> " + other.status() + " (expected 403)");
                }
                HttpsClient.Answer b = call(n, r[0], r[1], "");
                if (b.status() >= 500) {
                    wrong.add("nowhere " + key + " -> " + b);
                } else if (!PUBLIC.contains(key) && b.status() != 403) {
                    wrong.add("nowhere " + key + " -> " + b.status() + " (expected 403)");
                }
            }
        }
        Trust.untrust(tenant);
        Trust.untrust(nowhere);
        assertEquals(List.of(), wrong, "restricted clients");
    }
}
