package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzing from the spec: every operation of openapi.yaml is called with generated hostile path segments, query values,
 * headers and bodies (bodies generated from the operation's request schema, then one field mutated to a wrong type,
 * a hostile value or a deep or huge structure; or malformed JSON). The oracle: never a 5xx; every error in LXD's
 * envelope ({@code type: error}, {@code error_code} equal to the status, a non-empty {@code error}); and after a
 * refused request (4xx) or a failed operation, the daemon's state (server config, instances, snapshots, images,
 * aliases, profiles, pools, volumes, managed networks, certificates) is exactly what it was before.
 *
 * <p>{@code -Djlxd.fuzz.cases=N} cases per operation (default 4 in CI), {@code -Djlxd.fuzz.seed=S} repeats a run.
 */
class ApiFuzzTest extends DaemonTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CASES = Integer.getInteger("jlxd.fuzz.cases", 4);
    private static final long SEED = Long.getLong("jlxd.fuzz.seed", new Random().nextLong());
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    /** Hostile strings (and nothing that names a host other than loopback: tests send traffic nowhere else). */
    private static final List<String> HOSTILE = List.of("", " ", "..", "../../etc/passwd", "/etc/shadow", "a/../../b", "%2e%2e",
            "%00", "\u0000", "a\u0000b", "\n", "\r\nX-Injected: 1", "😀", "\u202e", "x".repeat(300), "x".repeat(70_000), "-1",
            "0", "9999999999999999999999", "1e309", "NaN", "true", "null", "[]", "{}", "${jndi:ldap://127.0.0.1:1/a}",
            "http://127.0.0.1:1/", "'; DROP TABLE instances; --", "<script>", "%s%n%x", "\\", "*", "?", "#", "fz/../fz");

    /**
     * For path segments, query values and headers: the request line and headers stay under the HTTP layer's limits
     * (beyond them the connection is refused before any handler; {@link #anOverlongRequestLineIsRefusedInTheEnvelope}).
     */
    private static final List<String> SHORT_HOSTILE = HOSTILE.stream().filter(s -> s.length() <= 300).toList();

    private static JsonNode spec;
    private static Map<String, String> valid;
    private final Random rnd = new Random(SEED);
    private final List<String> violations = new ArrayList<>();
    private int cases;
    private int refused;
    private int accepted;

    @BeforeAll
    static void fixtures() throws Exception {
        spec = new ObjectMapper(new YAMLFactory()).readTree(TestEnv.openApi().toFile());
        Instances.openTempRoot(daemon);
        daemon.allowWarnings("^\\S+ WARNING "); // refused requests may be logged; ERROR lines still fail the test
        String fp = Instances.importImage(Instances.busyboxImage());
        valid = new TreeMap<>(Map.of("name", "fz", "snapshot", "snap0", "snap", "snap0", "pool", "default", "type", "custom",
                "fingerprint", fp, "profile", "default", "id", "00000000-0000-0000-0000-000000000000"));
        valid.put("volume", "fzv");
        valid.put("alias", "fzimg");
        valid.put("forward", "127.0.0.1");
        valid.put("network", "jthfznone");
        ensureFixtures();
    }

    @AfterAll
    static void cleanup() throws IOException {
        Instances.cleanup(daemon);
        // networks an accepted fuzz case created (their bridge, nft table and dnsmasq outlive the daemon otherwise)
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "GET", "/1.0/networks?recursion=1", null, 60_000);
        for (JsonNode n : JSON.readTree(a.body()).path("metadata")) {
            if (n.path("managed").asBoolean()) {
                RawHttp.request(daemon.socket(), "DELETE", "/1.0/networks/" + enc(n.path("name").asText()), null, 60_000);
            }
        }
    }

    /** A stopped instance fz with snapshot snap0, a custom volume fzv and an alias fzimg (made again when gone). */
    private static void ensureFixtures() {
        if (Instances.names().isEmpty() || !Instances.names().contains("fz")) {
            Instances.ok(Instances.create(Map.of("name", "fz", "source", Map.of("type", "image", "fingerprint", valid.get("fingerprint")))));
        }
        if (io.restassured.RestAssured.given().when().get("/1.0/instances/fz/snapshots/snap0").statusCode() == 404) {
            Instances.ok(io.restassured.RestAssured.given().contentType("application/json").body("{\"name\":\"snap0\"}")
                    .when().post("/1.0/instances/fz/snapshots"));
        }
        if (io.restassured.RestAssured.given().when().get("/1.0/storage-pools/default/volumes/custom/fzv").statusCode() == 404) {
            io.restassured.RestAssured.given().contentType("application/json").body("{\"name\":\"fzv\"}")
                    .when().post("/1.0/storage-pools/default/volumes/custom");
        }
        if (io.restassured.RestAssured.given().when().get("/1.0/images/aliases/fzimg").statusCode() == 404) {
            io.restassured.RestAssured.given().contentType("application/json")
                    .body("{\"name\":\"fzimg\",\"target\":\"" + valid.get("fingerprint") + "\"}").when().post("/1.0/images/aliases");
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.HOURS)
    void hostileRequestsToEveryOperationOfTheSpec() throws Exception {
        System.out.println("ApiFuzzTest: seed " + SEED + " (-Djlxd.fuzz.seed=" + SEED + "), " + CASES + " cases per operation");
        Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields();
        int operations = 0;
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (String method : List.of("get", "put", "post", "patch", "delete")) {
                JsonNode op = p.getValue().get(method);
                if (op == null || skipped(method, p.getKey())) {
                    continue;
                }
                operations++;
                for (int i = 0; i < CASES; i++) {
                    fuzzOnce(method.toUpperCase(), p.getKey(), op);
                }
                ensureFixtures();
            }
        }
        System.out.printf("ApiFuzzTest: seed %d, %d operations, %d cases: %d refused (4xx), %d accepted; %d violations%n",
                SEED, operations, cases, refused, accepted, violations.size());
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " violations (seed " + SEED + "):\n" + String.join("\n", violations));
        }
    }

    @Test
    void anOverlongRequestLineIsRefusedInTheEnvelope() throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "GET", "/1.0/instances/" + "x".repeat(5000), null, 30_000);
        assertEquals(414, a.status(), a::bodyText);
        List<String> v = new ArrayList<>();
        checkEnvelope("GET /1.0/instances/x*5000", a);
        assertEquals(List.of(), violations);
    }

    /** Websocket-only and long-polling routes are driven by their own tests. */
    private static boolean skipped(String method, String path) {
        return path.equals("/1.0/events") || path.endsWith("/websocket") || path.endsWith("/wait");
    }

    private void fuzzOnce(String method, String template, JsonNode op) throws IOException {
        int kind = rnd.nextInt(5);
        boolean hostilePath = kind == 0 || (method.equals("DELETE") && template.contains("{"));
        String path = path(template, hostilePath);
        StringBuilder query = new StringBuilder();
        if (kind == 1) {
            for (String q : List.of("recursion", "filter", "project", "timeout", "target", "force", "path", "all-projects")) {
                if (rnd.nextInt(3) == 0) {
                    query.append(query.isEmpty() ? "?" : "&").append(q).append('=').append(enc(any(SHORT_HOSTILE)));
                }
            }
            if (query.isEmpty()) {
                query.append("?recursion=").append(enc(any(SHORT_HOSTILE)));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = "application/json";
        if (kind == 2) {
            switch (rnd.nextInt(4)) {
                case 0 -> contentType = any(List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=utf-16"));
                case 1 -> headers.put("If-Match", any(List.of("\"garbage\"", "*", "", "x".repeat(5000))));
                case 2 -> headers.put("X-LXD-" + any(List.of("type", "uid", "gid", "mode", "write", "path")), enc(any(SHORT_HOSTILE)));
                default -> headers.put("X-Hostile", "x".repeat(6000));
            }
        }
        byte[] body = null;
        if (!method.equals("GET") && !method.equals("DELETE")) {
            body = body(op, kind);
        }
        quiesce();
        String snapshotBefore = stateSnapshot();
        RawHttp.Answer a;
        try {
            a = RawHttp.request(daemon.socket(), method, path + query, body, body == null ? null : contentType, headers, 60_000);
        } catch (IOException e) {
            violations.add(method + " " + path + query + ": connection failed: " + e.getMessage());
            return;
        }
        cases++;
        String what = method + " " + abbreviate(path + query) + " body " + abbreviate(body == null ? "-" : new String(body, StandardCharsets.UTF_8));
        if (a.status() >= 500) {
            violations.add(what + " → " + a.status() + " " + abbreviate(a.bodyText()));
            return;
        }
        if (a.status() >= 400) {
            refused++;
            checkEnvelope(what, a);
            String after = stateSnapshot();
            if (!after.equals(snapshotBefore)) {
                violations.add(what + " → " + a.status() + " but the state changed:\n" + diff(snapshotBefore, after));
            }
            return;
        }
        accepted++;
        if (a.status() == 202) {
            JsonNode env = JSON.readTree(a.body());
            JsonNode opState = awaitOperation(env.path("operation").asText());
            if ("Failure".equals(opState.path("status").asText())) {
                if (opState.path("err").asText().isEmpty()) {
                    violations.add(what + " → a failed operation without an error");
                }
                String after = stateSnapshot();
                if (!after.equals(snapshotBefore) && !template.equals("/1.0/instances/{name}/state")) {
                    violations.add(what + " → failed operation (" + opState.path("err").asText() + ") but the state changed:\n"
                            + diff(snapshotBefore, after));
                }
            }
        }
    }

    private void checkEnvelope(String what, RawHttp.Answer a) {
        try {
            JsonNode j = JSON.readTree(a.body());
            if (!"error".equals(j.path("type").asText()) || j.path("error_code").asInt() != a.status() || j.path("error").asText().isBlank()) {
                violations.add(what + " → " + a.status() + " outside LXD's envelope: " + abbreviate(a.bodyText()));
            }
        } catch (IOException e) {
            violations.add(what + " → " + a.status() + " not JSON: " + abbreviate(a.bodyText()));
        }
    }

    // ---------------------------------------------------------------- generation

    private String path(String template, boolean hostile) {
        Matcher m = PARAM.matcher(template);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        String victim = hostile && !names.isEmpty() ? any(names) : null;
        StringBuilder out = new StringBuilder();
        m.reset();
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            String n = m.group(1);
            String v = n.equals(victim) ? any(SHORT_HOSTILE) : valid.getOrDefault(n, "fz");
            if (v.isEmpty() && n.equals(victim)) {
                v = "%20";
                out.append(v);
            } else {
                out.append(enc(v));
            }
            last = m.end();
        }
        out.append(template.substring(last));
        return out.toString();
    }

    private byte[] body(JsonNode op, int kind) {
        JsonNode schema = op.path("requestBody").path("content").path("application/json").path("schema");
        if (kind == 3 || schema.isMissingNode()) {
            String raw = any(List.of("", "{", "}", "[", "nul", "{\"a\":", "{\"config\":{\"a\":\"b\"", "\"string\"", "[1,2,3]", "123",
                    "{\"name\":\"x\",\"name\":\"y\"}", "{\"__proto__\":{}}", "\u0000", "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}",
                    "{\"x\":\"" + "y".repeat(9 << 20) + "\"}"));
            return raw.getBytes(StandardCharsets.UTF_8);
        }
        JsonNode value = generate(resolve(schema), 0);
        return mutate(value).toString().getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 10 && s.has("$ref"); i++) {
            String[] parts = s.get("$ref").asText().substring(2).split("/");
            JsonNode n = spec;
            for (String part : parts) {
                n = n.path(part);
            }
            s = n;
        }
        if (s.has("allOf") && s.get("allOf").size() > 0) {
            ObjectNode merged = JsonNodeFactory.instance.objectNode();
            ObjectNode props = merged.putObject("properties");
            for (JsonNode part : s.get("allOf")) {
                JsonNode r = resolve(part);
                if (r.has("properties")) {
                    props.setAll((ObjectNode) r.get("properties"));
                }
            }
            merged.put("type", "object");
            return merged;
        }
        if (s.has("oneOf") || s.has("anyOf")) {
            JsonNode alts = s.has("oneOf") ? s.get("oneOf") : s.get("anyOf");
            return resolve(alts.get(rnd.nextInt(alts.size())));
        }
        return s;
    }

    /** A value that follows the schema (names are the fixtures' where a field is called name). */
    private JsonNode generate(JsonNode schema, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (schema.has("enum")) {
            return schema.get("enum").get(rnd.nextInt(schema.get("enum").size()));
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> {
                ObjectNode o = f.objectNode();
                schema.path("properties").fields().forEachRemaining(e -> {
                    if (depth < 4 && rnd.nextInt(3) > 0) {
                        o.set(e.getKey(), generate(resolve(e.getValue()), depth + 1));
                    }
                });
                if (schema.path("additionalProperties").isObject() && depth < 4 && rnd.nextBoolean()) {
                    o.set("user.fz", generate(resolve(schema.get("additionalProperties")), depth + 1));
                }
                yield o;
            }
            case "array" -> {
                ArrayNode a = f.arrayNode();
                if (depth < 4 && rnd.nextBoolean()) {
                    a.add(generate(resolve(schema.path("items")), depth + 1));
                }
                yield a;
            }
            case "integer", "number" -> f.numberNode(rnd.nextInt(3));
            case "boolean" -> f.booleanNode(rnd.nextBoolean());
            default -> f.textNode(rnd.nextBoolean() ? "fz" + rnd.nextInt(1000) : "");
        };
    }

    /** One field (or the whole value) replaced by something hostile. */
    private JsonNode mutate(JsonNode value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> hostile = List.of(f.textNode(any(HOSTILE)), f.numberNode(-1), f.numberNode(Long.MAX_VALUE),
                f.numberNode(new java.math.BigDecimal("1e400")), f.booleanNode(true), f.nullNode(), f.arrayNode().add("x"),
                f.objectNode().put("x", "y"), deep(500), f.textNode("x".repeat(1 << 20)));
        if (!(value instanceof ObjectNode o) || o.isEmpty() || rnd.nextInt(6) == 0) {
            if (value instanceof ObjectNode o2 && rnd.nextBoolean()) {
                o2.set(any(List.of("unknown_field", "name", "config", "devices", "source", "type")), any(hostile));
                return o2;
            }
            return any(hostile);
        }
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        String k = any(keys);
        if (o.get(k) instanceof ObjectNode inner && rnd.nextBoolean()) {
            inner.set(any(List.of("", "volatile.x", "security.privileged", "raw.lxc", "limits.memory", "x".repeat(300), "type")),
                    any(hostile));
        } else {
            o.set(k, any(hostile));
        }
        return o;
    }

    private static JsonNode deep(int n) {
        JsonNode cur = JsonNodeFactory.instance.textNode("bottom");
        for (int i = 0; i < n; i++) {
            cur = JsonNodeFactory.instance.objectNode().set("a", cur);
        }
        return cur;
    }

    private <T> T any(List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---------------------------------------------------------------- state

    private static final String SNAPSHOTS = "/1.0/instances/fz/snapshots";
    private static final List<String> STATE = List.of("/1.0", "/1.0/instances?recursion=1", SNAPSHOTS,
            "/1.0/images?recursion=1", "/1.0/images/aliases?recursion=1", "/1.0/profiles?recursion=1", "/1.0/storage-pools?recursion=1",
            "/1.0/storage-pools/default/volumes?recursion=1", "/1.0/networks?recursion=1", "/1.0/certificates?recursion=1");

    /** What a refused request must leave as it was (fields that change by themselves left out). */
    /**
     * Waits until no task operation is running, so that the state compared around the next request is not changed
     * meanwhile by an earlier accepted request (an asynchronous snapshot deletion, say). Websocket operations nobody
     * connects to change nothing and are left to their own timeouts.
     */
    private void quiesce() throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "GET", "/1.0/operations?recursion=1", null, 60_000);
        JsonNode running = JSON.readTree(a.body()).path("metadata").path("running");
        for (JsonNode op : running) {
            if ("task".equals(op.path("class").asText())) {
                awaitOperation("/1.0/operations/" + op.path("id").asText());
            }
        }
    }

    /** The operation's final state (it is waited for until it ends; one that never ends is a violation). */
    private JsonNode awaitOperation(String url) throws IOException {
        JsonNode last = null;
        for (int i = 0; i < 20; i++) {
            RawHttp.Answer w = RawHttp.request(daemon.socket(), "GET", url + "/wait?timeout=30", null, 60_000);
            if (w.status() == 404) {
                return JSON.createObjectNode(); // ended and forgotten already
            }
            last = JSON.readTree(w.body()).path("metadata");
            if (!"Running".equals(last.path("status").asText()) && !"Pending".equals(last.path("status").asText())) {
                return last;
            }
        }
        violations.add(url + " still running after 10 minutes: " + abbreviate(String.valueOf(last)));
        return last;
    }

    private static String stateSnapshot() throws IOException {
        StringBuilder s = new StringBuilder();
        for (String p : STATE) {
            RawHttp.Answer a = RawHttp.request(daemon.socket(), "GET", p, null, 60_000);
            JsonNode j = JSON.readTree(a.body()).path("metadata");
            if (p.equals("/1.0")) {
                j = j.path("config");
            }
            if (p.equals(SNAPSHOTS)) {
                j = lastingSnapshots();
            }
            if (p.startsWith("/1.0/networks")) {
                ArrayNode managed = JsonNodeFactory.instance.arrayNode();
                j.forEach(n -> {
                    if (n.path("managed").asBoolean()) {
                        managed.add(n);
                    }
                });
                j = managed;
            }
            s.append(p).append(' ').append(strip(j)).append('\n');
        }
        return s.toString();
    }

    /**
     * The instance's snapshots, less those whose {@code expires_at} has passed or is near (a fuzzed creation may set
     * one): the daemon's scheduler deletes them by itself at any moment, which is no change caused by a request.
     */
    private static JsonNode lastingSnapshots() throws IOException {
        RawHttp.Answer a = RawHttp.request(daemon.socket(), "GET", SNAPSHOTS + "?recursion=1", null, 60_000);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        java.time.Instant soon = java.time.Instant.now().plus(java.time.Duration.ofMinutes(10));
        for (JsonNode s : JSON.readTree(a.body()).path("metadata")) {
            String exp = s.path("expires_at").asText("");
            boolean expiring = false;
            try {
                java.time.Instant at = java.time.OffsetDateTime.parse(exp).toInstant();
                expiring = at.isAfter(java.time.Instant.parse("0002-01-01T00:00:00Z")) && at.isBefore(soon);
            } catch (java.time.format.DateTimeParseException e) {
                // no expiry
            }
            if (!expiring) {
                out.add(SNAPSHOTS + "/" + s.path("name").asText());
            }
        }
        return out;
    }

    private static JsonNode strip(JsonNode j) {
        if (j instanceof ObjectNode o) {
            o.remove(List.of("last_used_at", "status", "status_code", "state"));
            o.fields().forEachRemaining(e -> strip(e.getValue()));
        } else if (j instanceof ArrayNode a) {
            a.forEach(ApiFuzzTest::strip);
        }
        return j;
    }

    private static String diff(String before, String after) {
        String[] b = before.split("\n");
        String[] a = after.split("\n");
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                d.append("    before: ").append(abbreviate(b[i])).append("\n    after:  ").append(abbreviate(a[i])).append('\n');
            }
        }
        return d.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }
}
