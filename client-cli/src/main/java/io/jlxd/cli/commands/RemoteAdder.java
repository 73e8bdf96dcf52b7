package io.jlxd.cli.commands;

import io.jlxd.api.TrustToken;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.client.tls.TlsTransport;
import io.jlxd.cli.remote.ClientIdentity;
import io.jlxd.cli.remote.Pem;
import io.jlxd.cli.remote.RemoteAddress;
import io.jlxd.cli.remote.RemoteConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jlxc remote add}, like lxc: with an address, the server's certificate is shown and confirmed (or
 * {@code --accept-certificate}), then pinned, and a trust token (from {@code --token} or asked for) is redeemed
 * with the client certificate; with a token alone, its addresses are tried in turn and the server must present
 * the certificate whose fingerprint the token carries. Nothing is written unless the server trusts the client
 * at the end (or the remote is public).
 */
final class RemoteAdder {
    private final CliContext ctx;
    private BufferedReader stdin;

    RemoteAdder(CliContext ctx) {
        this.ctx = ctx;
    }

    void add(String name, String addressOrToken, String token, boolean acceptCertificate, boolean isPublic)
            throws IOException {
        RemoteConfig.checkName(name);
        RemoteConfig config = ctx.remotes();
        if (config.has(name)) {
            throw new CliException("Remote " + name + " exists as <" + config.require(name).addr() + ">");
        }
        TrustToken decoded = decodeToken(addressOrToken);
        if (decoded != null) {
            if (token != null) {
                throw new CliException("Give the token either in place of the address or with --token, not both");
            }
            addFromToken(config, name, addressOrToken.trim(), decoded);
            return;
        }
        RemoteAddress address;
        try {
            address = RemoteAddress.parse(addressOrToken);
        } catch (IllegalArgumentException e) {
            throw new CliException(looksLikeToken(addressOrToken)
                    ? "Invalid trust token: it does not decode to a token (base64 JSON with client_name, fingerprint,"
                    + " addresses, secret, expires_at)" : e.getMessage());
        }
        if (address.isUnix()) {
            config.put(name, new RemoteConfig.Remote(address.url(), "lxd", "file access", false));
            config.save();
            return;
        }
        X509Certificate served = probe(name, address);
        String fingerprint = Pem.fingerprint(served);
        if (!acceptCertificate) {
            confirm(fingerprint);
        }
        JlxdClient client = connect(config, name, address, served);
        try {
            if (!trusted(client) && !isPublic) {
                String t = token;
                if (t == null) {
                    if (!ctx.interactive()) {
                        throw new CliException("The server at " + address.url() + " doesn't trust this client: issue a"
                                + " token on it (jlxc config trust add --name NAME) and pass it with --token, or run"
                                + " jlxc remote add " + name + " TOKEN");
                    }
                    t = prompt("Trust token for " + name + ": ");
                }
                redeem(client, t);
            }
        } finally {
            client.close();
        }
        save(config, name, address, served, isPublic);
        if (!ctx.quiet()) {
            ctx.out().println("Remote " + name + " added (" + address.url() + ", certificate " + fingerprint + ")");
        }
    }

    private void addFromToken(RemoteConfig config, String name, String raw, TrustToken token) throws IOException {
        if (token.secret() == null || token.secret().isBlank()) {
            throw new CliException("Invalid trust token: it carries no secret");
        }
        if (token.fingerprint() == null || token.fingerprint().isBlank()) {
            throw new CliException("Invalid trust token: it carries no server certificate fingerprint");
        }
        if (token.addresses() == null || token.addresses().isEmpty()) {
            throw new CliException("The trust token carries no address: the server has no core.https_address; use"
                    + " jlxc remote add " + name + " HOST[:PORT] --token TOKEN");
        }
        List<String> failures = new ArrayList<>();
        for (String a : token.addresses()) {
            RemoteAddress address;
            X509Certificate served;
            try {
                address = RemoteAddress.parse(a);
                if (address.isUnix()) {
                    throw new IllegalArgumentException("not an HTTPS address");
                }
                served = probe(name, address);
            } catch (IllegalArgumentException | IOException e) {
                failures.add(a + ": " + e.getMessage());
                continue;
            }
            String fp = Pem.fingerprint(served);
            if (!fp.equalsIgnoreCase(token.fingerprint().trim())) {
                failures.add(a + ": certificate fingerprint mismatch between the token (" + token.fingerprint()
                        + ") and the server (" + fp + ")");
                continue;
            }
            try (JlxdClient client = connect(config, name, address, served)) {
                if (!trusted(client)) {
                    redeem(client, raw);
                }
            }
            save(config, name, address, served, false);
            if (!ctx.quiet()) {
                ctx.out().println("Remote " + name + " added (" + address.url() + ", certificate " + fp + ")");
            }
            return;
        }
        throw new CliException("Failed to add remote " + name + ": none of the token's addresses could be used:\n  "
                + String.join("\n  ", failures));
    }

    /**
     * The decoded token, or null when {@code s} is not one (then it is an address): a token is base64 of a JSON
     * object; base64 text that decodes to a JSON object which is not a token is an error, not a host name.
     */
    static TrustToken decodeToken(String s) {
        if (s == null || s.isBlank() || s.contains(":") || s.contains(".")) {
            return null;
        }
        byte[] raw;
        try {
            raw = java.util.Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length == 0 || raw[0] != '{') {
            return null;
        }
        try {
            TrustToken t = TrustToken.decode(s);
            if (t == null) {
                throw new IllegalArgumentException("empty");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new CliException("Invalid trust token: base64 of something else than LXD's token JSON (client_name,"
                    + " fingerprint, addresses, secret, expires_at)");
        }
    }

    static boolean looksLikeToken(String s) {
        return s != null && s.trim().length() >= 16 && s.trim().matches("[A-Za-z0-9+/=_-]+") && !s.contains(".");
    }

    private X509Certificate probe(String name, RemoteAddress address) throws IOException {
        return new TlsTransport(name, address.host(), address.port(), address.authority(), null, null, null).probe();
    }

    private JlxdClient connect(RemoteConfig config, String name, RemoteAddress address, X509Certificate served)
            throws IOException {
        ClientIdentity id = ClientIdentity.loadOrCreate(config.dir());
        return new JlxdClient(new TlsTransport(name, address.host(), address.port(), address.authority(), served,
                id.certificate(), id.key()), "jlxc");
    }

    private static boolean trusted(JlxdClient client) throws IOException {
        return "trusted".equals(client.get("/1.0").metadata().path("auth").asText());
    }

    private static void redeem(JlxdClient client, String token) throws IOException {
        if (token == null || token.isBlank()) {
            throw new CliException("No trust token given");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "client");
        body.put("trust_token", token.trim());
        try {
            client.call("POST", "/1.0/certificates", body, null);
        } catch (ApiException e) {
            throw new CliException("The server refused the trust token: " + e.getMessage()
                    + " (a token is valid once and may have expired: ask for a new one)");
        }
        if (!trusted(client)) {
            throw new CliException("Server doesn't trust us after authentication");
        }
    }

    private void save(RemoteConfig config, String name, RemoteAddress address, X509Certificate served, boolean isPublic)
            throws IOException {
        config.pin(name, Pem.encode(served));
        config.put(name, new RemoteConfig.Remote(address.url(), "lxd", "tls", isPublic));
        try {
            config.save();
        } catch (IOException e) {
            config.remove(name);
            java.nio.file.Files.deleteIfExists(config.serverCertificate(name));
            throw e;
        }
    }

    private void confirm(String fingerprint) throws IOException {
        if (!ctx.interactive()) {
            throw new CliException("Certificate fingerprint: " + fingerprint + "\nThe server's certificate is not known:"
                    + " check the fingerprint (jlxc info on the server) and run again with --accept-certificate,"
                    + " or run interactively to confirm it");
        }
        ctx.out().println("Certificate fingerprint: " + fingerprint);
        String answer = prompt("ok (y/n/[fingerprint])? ").trim();
        if (!(answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes") || answer.equalsIgnoreCase(fingerprint))) {
            throw new CliException("Server certificate NACKed by user");
        }
    }

    private String prompt(String question) throws IOException {
        ctx.out().print(question);
        ctx.out().flush();
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8));
        }
        String line = stdin.readLine();
        if (line == null) {
            throw new CliException("No answer (end of input)");
        }
        return line;
    }
}
