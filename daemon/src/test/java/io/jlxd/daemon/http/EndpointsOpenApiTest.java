package io.jlxd.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jlxd.daemon.routes.CertificateRoutes;
import io.jlxd.daemon.routes.OperationRoutes;
import io.jlxd.daemon.routes.ServerRoutes;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The endpoint table, openapi.yaml and docs/api.md list exactly the same endpoints: none may drift. */
class EndpointsOpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete", "head", "options");

    @Test
    void everyEndpointIsDocumentedAndEveryDocumentedEndpointExists() throws Exception {
        Set<String> table = new TreeSet<>();
        Set<String> access = new TreeSet<>();
        for (Endpoint e : Endpoints.all(new Endpoints.Routes(
                new ServerRoutes(null, null, null, null, null, null),
                new OperationRoutes(null),
                new CertificateRoutes(null, null, null, null, null, null, null),
                new io.jlxd.daemon.routes.ImageRoutes(null, null, null, null, null),
                new io.jlxd.daemon.routes.ImageAliasRoutes(null, null),
                new io.jlxd.daemon.routes.InstanceRoutes(null, null, null, null, null),
                new io.jlxd.daemon.routes.ProfileRoutes(null, null, null, null),
                new io.jlxd.daemon.routes.ExecRoutes(null, null, null, null),
                new io.jlxd.daemon.routes.InstanceLogRoutes(null, null),
                new io.jlxd.daemon.routes.FileRoutes(null, null),
                new io.jlxd.daemon.routes.ConsoleRoutes(null, null, null, null, null),
                new io.jlxd.daemon.routes.InstanceSnapshotRoutes(null, null),
                new io.jlxd.daemon.routes.StoragePoolRoutes(null, null, null),
                new io.jlxd.daemon.routes.StorageVolumeRoutes(null, null, null, null, null),
                new io.jlxd.daemon.routes.StorageVolumeSnapshotRoutes(null, null, null, null),
                new io.jlxd.daemon.routes.MetricsRoutes(null),
                new io.jlxd.daemon.routes.NetworkRoutes(null, null),
                new io.jlxd.daemon.routes.NetworkForwardRoutes(null, null),
                new io.jlxd.daemon.routes.WarningRoutes(null),
                new io.jlxd.daemon.routes.ProjectRoutes(null, null, null),
                new io.jlxd.daemon.routes.MigrationCheckRoutes(null)))) {
            table.add(e.method().text() + " " + e.path());
            access.add(e.method().text() + " " + e.path() + " " + e.access().name().toLowerCase(Locale.ROOT));
        }
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Path.of(System.getProperty("jlxd.openapi", "../openapi.yaml")).toFile());
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            JsonNode item = p.getValue();
            if (item.has("$ref")) { // an alias path: "#/paths/<escaped target>" (Endpoints.ALIASES)
                String target = item.get("$ref").asText().substring("#/paths/".length()).replace("~1", "/").replace("~0", "~");
                assertEquals(Endpoints.ALIASES.entrySet().stream()
                                .filter(a -> target.startsWith(a.getValue())).map(a -> a.getKey() + target.substring(a.getValue().length()))
                                .findFirst().orElse("no alias of " + target), p.getKey(), "alias path of " + target);
                item = spec.path("paths").path(target);
            }
            for (Iterator<String> ops = item.fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                if (METHODS.contains(op)) {
                    documented.add(op.toUpperCase(Locale.ROOT) + " " + p.getKey());
                }
            }
        }
        assertEquals(table, documented, "the endpoint table (Endpoints.java) and openapi.yaml differ");

        Set<String> inDocs = new TreeSet<>();
        Set<String> accessInDocs = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| (GET|HEAD|PUT|POST|PATCH|DELETE) \\| `([^`]+)` \\| (\\w+) \\|")
                .matcher(java.nio.file.Files.readString(Path.of(System.getProperty("jlxd.openapi", "../openapi.yaml")).resolveSibling("docs/api.md")));
        while (m.find()) {
            inDocs.add(m.group(1) + " " + m.group(2));
            accessInDocs.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        // the alias table: "| alias | `/1.0/containers` | `/1.0/instances` |" serves every endpoint of the target
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("(?m)^\\| alias \\| `([^`]+)` \\| `([^`]+)` \\|")
                .matcher(java.nio.file.Files.readString(Path.of(System.getProperty("jlxd.openapi", "../openapi.yaml")).resolveSibling("docs/api.md")));
        Map<String, String> docAliases = new java.util.TreeMap<>();
        while (a.find()) {
            docAliases.put(a.group(1), a.group(2));
        }
        assertEquals(new java.util.TreeMap<>(Endpoints.ALIASES), docAliases, "the alias tables of Endpoints.java and docs/api.md differ");
        for (String e : Set.copyOf(inDocs)) {
            String path = e.substring(e.indexOf(' ') + 1);
            docAliases.forEach((alias, target) -> {
                if (path.equals(target) || path.startsWith(target + "/")) {
                    inDocs.add(e.substring(0, e.indexOf(' ')) + " " + alias + path.substring(target.length()));
                }
            });
        }
        for (String e : Set.copyOf(accessInDocs)) {
            String[] f = e.split(" ");
            docAliases.forEach((alias, target) -> {
                if (f[1].equals(target) || f[1].startsWith(target + "/")) {
                    accessInDocs.add(f[0] + " " + alias + f[1].substring(target.length()) + " " + f[2]);
                }
            });
        }
        assertEquals(table, inDocs, "the endpoint table (Endpoints.java) and docs/api.md differ");
        assertEquals(access, accessInDocs, "the access levels of Endpoints.java and docs/api.md differ");
    }
}
