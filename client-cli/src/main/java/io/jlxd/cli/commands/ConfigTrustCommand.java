package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Paths;
import io.jlxd.api.TrustToken;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import io.jlxd.cli.remote.Pem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc config trust ...}: the server's trust store ({@code /1.0/certificates}) and its certificate add tokens
 * (token operations), in lxc's shapes. {@code add} without a certificate file issues a token for a new client.
 */
@Command(name = "trust", description = "Manage trusted clients")
public final class ConfigTrustCommand implements Runnable {
    static final List<String> HEADER = List.of("TYPE", "NAME", "COMMON NAME", "FINGERPRINT", "ISSUE DATE", "EXPIRY DATE");
    static final List<String> TOKEN_HEADER = List.of("NAME", "TOKEN", "EXPIRES AT");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm 'UTC'");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ConfigTrustCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "add", description = {"Add new trusted client",
        "Without CERT_FILE, prints a token for the client to use with `jlxc remote add NAME TOKEN`;",
        "with a PEM CERT_FILE, trusts that certificate directly."})
    int add(@Parameters(paramLabel = "[REMOTE:] [CERT_FILE]", arity = "0..2") List<String> args,
            @Option(names = "--name", paramLabel = "NAME", description = "Alternative certificate name") String name,
            @Option(names = "--type", paramLabel = "TYPE", description = "Type of certificate (client or metrics)") String type,
            @Option(names = "--restricted", description = "Restrict the certificate to one or more projects") boolean restricted,
            @Option(names = "--projects", paramLabel = "LIST", description = "List of projects to restrict the certificate to")
            String projects) throws IOException {
        List<String> rest = new ArrayList<>(args == null ? List.of() : args);
        if (!rest.isEmpty() && ctx.remoteOnly(rest.getFirst())) {
            rest.removeFirst();
        }
        if (rest.size() > 1) {
            throw new CliException("Too many arguments: [REMOTE:] [CERT_FILE]");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type == null ? "client" : type);
        body.put("restricted", restricted);
        body.put("projects", projects == null || projects.isBlank() ? List.of()
                : Arrays.stream(projects.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        if (!rest.isEmpty()) {
            X509Certificate cert = readCertificate(Path.of(rest.getFirst()));
            body.put("name", name != null ? name : Path.of(rest.getFirst()).getFileName().toString().replaceFirst("\\.crt$", ""));
            body.put("certificate", Base64.getEncoder().encodeToString(encoded(cert)));
            ctx.client().call("POST", Paths.CERTIFICATES, body, null);
            return 0;
        }
        String client = name;
        if (client == null || client.isBlank()) {
            if (!ctx.interactive()) {
                throw new CliException("A client name is required to issue a token (--name NAME)");
            }
            ctx.out().print("Please provide client name: ");
            ctx.out().flush();
            client = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8)).readLine();
            if (client == null || client.isBlank()) {
                throw new CliException("A client name is required to issue a token");
            }
        }
        body.put("name", client.trim());
        body.put("token", true);
        ApiResponse r = ctx.client().call("POST", Paths.CERTIFICATES, body, null);
        String token = token(r.metadata());
        if (token == null) {
            throw new CliException("The server answered without a token (no secret in the operation's metadata)");
        }
        if (!ctx.quiet()) {
            ctx.out().println("Client " + client.trim() + " certificate add token:");
        }
        ctx.out().println(token);
        return 0;
    }

    /** The token of a token operation (LXD's ToCertificateAddToken), or null when it is not one. */
    /** A token's expiry from its operation's metadata: LXD's "expiresAt" (or "expires_at"); "" for none. */
    static String expiresAt(JsonNode meta) {
        JsonNode e = meta.hasNonNull("expiresAt") ? meta.path("expiresAt") : meta.path("expires_at");
        return e.isNull() || e.isMissingNode() ? "" : e.asText("");
    }

    static String token(JsonNode op) {
        JsonNode meta = op.path("metadata");
        String secret = meta.path("secret").asText("");
        if (secret.isEmpty()) {
            return null;
        }
        List<String> addresses = new ArrayList<>();
        meta.path("addresses").forEach(a -> addresses.add(a.asText()));
        OffsetDateTime expires = null;
        String e = expiresAt(meta);
        if (!e.isEmpty()) {
            try {
                expires = OffsetDateTime.parse(e);
            } catch (java.time.format.DateTimeParseException ignored) {
                // shown as no expiry
            }
        }
        return new TrustToken(meta.path("request").path("name").asText(""), meta.path("fingerprint").asText(""),
                addresses, secret, expires).encode();
    }

    @Command(name = "list", aliases = "ls", description = "List trusted clients")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        remoteArgument(remote);
        List<JsonNode> certs = new ArrayList<>();
        ctx.client().get(Paths.CERTIFICATES + "?recursion=1").metadata().forEach(certs::add);
        certs.sort(Comparator.comparing((JsonNode c) -> c.path("name").asText("")).thenComparing(c -> c.path("fingerprint").asText("")));
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : certs) {
            String common = "";
            String issued = "";
            String expires = "";
            try {
                X509Certificate x = parse(c.path("certificate").asText(""));
                common = commonName(x);
                issued = DATE.format(x.getNotBefore().toInstant().atOffset(ZoneOffset.UTC));
                expires = DATE.format(x.getNotAfter().toInstant().atOffset(ZoneOffset.UTC));
            } catch (CertificateException | IllegalArgumentException ignored) {
                // shown without the certificate's details
            }
            String fp = c.path("fingerprint").asText("");
            rows.add(List.of(c.path("type").asText(""), c.path("name").asText(""), common,
                    fp.length() > 12 ? fp.substring(0, 12) : fp, issued, expires));
            raw.add(c);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    @Command(name = "show", description = "Show trust configurations")
    int show(@Parameters(paramLabel = "[REMOTE:]FINGERPRINT") String arg) throws IOException {
        String path = certificatePath(arg);
        Documents.print(ctx, ctx.client().get(path).metadata());
        return 0;
    }

    @Command(name = "edit", description = {"Edit trust configurations as YAML",
        "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "[REMOTE:]FINGERPRINT") String arg) throws IOException {
        String path = certificatePath(arg);
        ApiResponse current = ctx.client().get(path);
        Editor.edit(ctx, ConfigCommand.EDIT_HEADER, writable(current.metadata()),
                edited -> ctx.client().call("PUT", path, writable(edited), current.etag()));
        return 0;
    }

    /** CertificatePut: name, type, restricted, projects, certificate, description. */
    static ObjectNode writable(JsonNode cert) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String key : List.of("name", "type", "restricted", "projects", "certificate", "description")) {
            if (cert.has(key)) {
                out.set(key, cert.get(key));
            }
        }
        return out;
    }

    @Command(name = "remove", aliases = "rm", description = "Remove trusted client")
    int remove(@Parameters(paramLabel = "[REMOTE:]FINGERPRINT") String arg) throws IOException {
        String path = certificatePath(arg);
        ctx.client().call("DELETE", path, null, null);
        return 0;
    }

    @Command(name = "list-tokens", description = "List all active certificate add tokens")
    int listTokens(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        remoteArgument(remote);
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode op : tokenOperations()) {
            JsonNode meta = op.path("metadata");
            String expires = expiresAt(meta);
            String token = token(op);
            rows.add(List.of(meta.path("request").path("name").asText(""), token == null ? "" : token, expires));
            ObjectNode n = raw.addObject();
            n.put("client_name", meta.path("request").path("name").asText(""));
            n.set("fingerprint", meta.path("fingerprint"));
            n.set("addresses", meta.path("addresses"));
            n.put("secret", meta.path("secret").asText(""));
            n.put("expires_at", expiresAt(meta));
        }
        ctx.out().print(ListOutput.render(format, TOKEN_HEADER, rows, raw));
        return 0;
    }

    @Command(name = "revoke-token", description = "Revoke certificate add token")
    int revokeToken(@Parameters(paramLabel = "[REMOTE:]NAME") String arg) throws IOException {
        String name = ctx.target(arg);
        boolean found = false;
        for (JsonNode op : tokenOperations()) {
            if (op.path("metadata").path("request").path("name").asText("").equals(name)) {
                ctx.client().call("DELETE", Paths.operation(PathEscape.segment(op.path("id").asText())), null, null);
                found = true;
            }
        }
        if (!found) {
            throw new CliException("No certificate add token for " + name);
        }
        return 0;
    }

    /** The running token operations, oldest first. */
    private List<JsonNode> tokenOperations() throws IOException {
        JsonNode groups = ctx.client().get(Paths.OPERATIONS + "?recursion=1").metadata();
        List<JsonNode> ops = new ArrayList<>();
        groups.path("running").forEach(op -> {
            // the secret is shown only by the answer that created a token (jlxd keeps only its hash): later views
            // list the token's name and expiry without the token itself
            if ("token".equalsIgnoreCase(op.path("class").asText())) {
                ops.add(op);
            }
        });
        ops.sort(Comparator.comparing(op -> op.path("created_at").asText("")));
        return ops;
    }

    private void remoteArgument(String remote) {
        if (remote != null && !ctx.remoteOnly(remote)) {
            throw new CliException("Expected a remote (REMOTE:), got \"" + remote + "\"");
        }
    }

    private String certificatePath(String arg) {
        String fp = ctx.target(arg);
        if (fp.isEmpty()) {
            throw new CliException("A certificate fingerprint is required");
        }
        return Paths.CERTIFICATES + "/" + PathEscape.segment(fp);
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try {
            return Pem.certificate(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new CliException("No such file: " + file);
        } catch (CertificateException | java.nio.charset.MalformedInputException e) {
            throw new CliException("Invalid certificate file " + file + ": " + e.getMessage());
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate parse(String text) throws CertificateException {
        if (text.contains("-----BEGIN")) {
            return Pem.certificate(text);
        }
        return Pem.certificate(Pem.encode("CERTIFICATE", Base64.getMimeDecoder().decode(text)));
    }

    private static String commonName(X509Certificate cert) {
        for (String part : cert.getSubjectX500Principal().getName().split(",")) {
            if (part.trim().startsWith("CN=")) {
                return part.trim().substring(3);
            }
        }
        return "";
    }
}
