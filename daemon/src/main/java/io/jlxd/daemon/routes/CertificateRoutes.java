package io.jlxd.daemon.routes;

import io.jlxd.api.Certificate;
import io.jlxd.api.CertificatePut;
import io.jlxd.api.CertificatesPost;
import io.jlxd.api.Paths;
import io.jlxd.api.config.ServerConfigKeys;
import io.jlxd.daemon.db.TrustTokenTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.server.HttpsListener;
import io.jlxd.daemon.server.ServerConfig;
import io.jlxd.daemon.server.TrustStore;
import io.jlxd.daemon.server.TrustTokens;
import io.jlxd.daemon.tls.ServerCertificate;
import io.jlxd.daemon.tls.ServerTls;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code /1.0/certificates}: the trust store. Fully trusted callers add, change and remove certificates or issue
 * trust tokens (token operations, revoked by cancelling them); an untrusted HTTPS client redeems a token with its
 * TLS client certificate. Type {@code client}, or {@code metrics} (may only scrape {@code /1.0/metrics});
 * {@code restricted} + {@code projects} confine a client to existing projects. No trust passwords.
 */
public final class CertificateRoutes {
    private final TrustStore trust;
    private final TrustTokens tokens;
    private final ServerTls server;
    private final HttpsListener https;
    private final ServerConfig config;
    private final EventBus events;
    private final Predicate<String> projectExists;

    public CertificateRoutes(TrustStore trust, TrustTokens tokens, ServerTls server, HttpsListener https, ServerConfig config,
                             EventBus events, Predicate<String> projectExists) {
        this.trust = trust;
        this.tokens = tokens;
        this.server = server;
        this.https = https;
        this.config = config;
        this.events = events;
        this.projectExists = projectExists;
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (Certificate c : trust.list()) {
            out.add(recursion == 0 ? url(c.fingerprint()) : c);
        }
        return Reply.sync(out);
    }

    public Reply get(ApiRequest req) {
        Certificate c = find(req.param("fingerprint"));
        return Reply.sync(c, etag(c));
    }

    public Reply put(ApiRequest req) {
        Certificate current = find(req.param("fingerprint"));
        req.checkEtag(etag(current));
        CertificatePut body = req.bodyAs(CertificatePut.class);
        Certificate next = validated(current, body.name() == null ? "" : body.name(), body.type(),
                Boolean.TRUE.equals(body.restricted()), body.projects() == null ? List.of() : body.projects(),
                body.certificate(), body.description() == null ? "" : body.description());
        return update(req, current, next);
    }

    public Reply patch(ApiRequest req) {
        Certificate current = find(req.param("fingerprint"));
        req.checkEtag(etag(current));
        CertificatePut body = req.bodyAs(CertificatePut.class);
        Certificate next = validated(current, body.name() == null ? current.name() : body.name(),
                body.type() == null ? current.type() : body.type(),
                body.restricted() == null ? current.restricted() : body.restricted(),
                body.projects() == null ? current.projects() : body.projects(), body.certificate(),
                body.description() == null ? current.description() : body.description());
        return update(req, current, next);
    }

    private Reply update(ApiRequest req, Certificate current, Certificate next) {
        if (!next.fingerprint().equals(current.fingerprint()) && trust.find(next.fingerprint()).isPresent()) {
            throw ApiException.conflict("Certificate already in trust store: " + next.fingerprint());
        }
        if (!trust.update(current.fingerprint(), next)) {
            throw ApiException.notFound("Certificate not found: " + current.fingerprint());
        }
        events.lifecycle("certificate-updated", url(next.fingerprint()), null, req.caller().requestor());
        return Reply.empty();
    }

    /** The entry {@code current} becomes: checked like a new one; a blank certificate keeps the current one. */
    private Certificate validated(Certificate current, String name, String type, boolean restricted, List<String> projects,
                                  String certificate, String description) {
        String t = checkType(type);
        checkMetrics(t, restricted);
        List<String> p = checkProjects(projects);
        if (name.isBlank()) {
            throw ApiException.badRequest("A certificate needs a name");
        }
        String pem = current.certificate();
        String fp = current.fingerprint();
        if (certificate != null && !certificate.isBlank()) {
            X509Certificate cert = checkValid(parse(certificate));
            pem = pem(cert);
            fp = ServerCertificate.fingerprint(cert);
        }
        return new Certificate(name, t, restricted, p, pem, fp, description);
    }

    public Reply delete(ApiRequest req) {
        Certificate c = find(req.param("fingerprint"));
        if (!trust.remove(c.fingerprint())) {
            throw ApiException.notFound("Certificate not found: " + c.fingerprint());
        }
        events.lifecycle("certificate-deleted", url(c.fingerprint()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply post(ApiRequest req) {
        CertificatesPost body = req.bodyAs(CertificatesPost.class);
        if (body.password() != null && !body.password().isEmpty()) {
            // LXD clients before explicit_trust_token (lxc 5.0) send the token in "password"; LXD accepts a token
            // there too. Anything else is a trust password, which jlxd does not have.
            if (req.caller().trusted() || body.trustToken() != null || !TrustTokens.isToken(body.password())) {
                throw ApiException.badRequest("Trust passwords are not supported: ask an administrator for a trust token"
                        + " (\"POST /1.0/certificates\" with \"token\": true) and present it as \"trust_token\"");
            }
            body = new CertificatesPost(body.name(), body.type(), body.restricted(), body.projects(), body.certificate(),
                    body.description(), body.token(), body.password(), null);
        }
        if (!req.caller().trusted()) {
            return redeem(req, body);
        }
        if (!req.caller().fullyTrusted()) {
            throw ApiException.forbidden("Certificate is restricted");
        }
        if (body.trustToken() != null) {
            throw ApiException.badRequest("Client is already trusted");
        }
        String type = checkType(body.type());
        List<String> projects = checkProjects(body.projects() == null ? List.of() : body.projects());
        boolean restricted = Boolean.TRUE.equals(body.restricted());
        checkMetrics(type, restricted);
        if (Boolean.TRUE.equals(body.token())) {
            if (body.certificate() != null && !body.certificate().isBlank()) {
                throw ApiException.badRequest("Give either \"certificate\" or \"token\": true, not both");
            }
            String name = body.name() == null ? "" : body.name().trim();
            if (name.isEmpty()) {
                throw ApiException.badRequest("A name is required for a trust token (the client's name)");
            }
            TrustTokens.Issued issued = tokens.issue(name, type, restricted, projects, body.description(),
                    config.get(ServerConfigKeys.REMOTE_TOKEN_EXPIRY), server.current().fingerprint(), https.addresses());
            return Reply.async(issued.view());
        }
        if (body.certificate() == null || body.certificate().isBlank()) {
            throw ApiException.badRequest("Either \"certificate\" or \"token\": true is required");
        }
        X509Certificate cert = checkValid(parse(body.certificate()));
        add(cert, nameOf(body.name(), cert), type, restricted, projects, body.description(), req.caller());
        return Reply.empty();
    }

    /** An untrusted HTTPS client presents a token: its TLS client certificate becomes trusted with the token's rights. */
    private Reply redeem(ApiRequest req, CertificatesPost body) {
        if (body.trustToken() == null || body.trustToken().isBlank()) {
            throw ApiException.forbidden("not authorized");
        }
        String secret = TrustTokens.secretOf(body.trustToken());
        X509Certificate cert = req.caller().certificate();
        if (cert == null) {
            throw ApiException.badRequest("A TLS client certificate is required to redeem a trust token");
        }
        checkValid(cert);
        TrustTokenTable.Row grant = tokens.redeem(secret);
        add(cert, grant.name(), grant.type(), grant.restricted(), grant.projects(),
                body.description() != null && !body.description().isBlank() ? body.description() : grant.description(),
                req.caller());
        return Reply.empty();
    }

    private void add(X509Certificate cert, String name, String type, boolean restricted, List<String> projects,
                     String description, ApiRequest.Caller caller) {
        String fp = ServerCertificate.fingerprint(cert);
        if (!trust.add(new Certificate(name, type, restricted, projects, pem(cert), fp, description == null ? "" : description))) {
            throw ApiException.conflict("Certificate already in trust store");
        }
        events.lifecycle("certificate-created", url(fp), null, caller.requestor());
    }

    private static String checkType(String type) {
        String t = type == null || type.isEmpty() ? "client" : type;
        return switch (t) {
            case "client", "metrics" -> t;
            default -> throw ApiException.badRequest("Invalid certificate type \"" + t + "\" (client or metrics)");
        };
    }

    /** A metrics certificate restricted to projects would need per-project metrics, which do not exist yet. */
    private static void checkMetrics(String type, boolean restricted) {
        if (type.equals("metrics") && restricted) {
            throw ApiException.badRequest("A restricted certificate of type \"metrics\" is not implemented yet (metrics are"
                    + " not split by project); use an unrestricted metrics certificate");
        }
    }

    private List<String> checkProjects(List<String> projects) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String p : projects) {
            if (p == null || !projectExists.test(p)) {
                throw ApiException.badRequest("Project \"" + p + "\" not found");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static X509Certificate checkValid(X509Certificate cert) {
        if (!TrustStore.valid(cert)) {
            throw ApiException.badRequest("The certificate is expired or not yet valid (valid from " + cert.getNotBefore().toInstant()
                    + " to " + cert.getNotAfter().toInstant() + ")");
        }
        return cert;
    }

    private Certificate find(String fingerprint) {
        List<Certificate> matches = trust.list().stream().filter(c -> c.fingerprint().startsWith(fingerprint)).toList();
        if (matches.isEmpty() || fingerprint.isEmpty()) {
            throw ApiException.notFound("Certificate not found: " + fingerprint);
        }
        if (matches.size() > 1) {
            throw ApiException.badRequest("More than one certificate matches " + fingerprint);
        }
        return matches.getFirst();
    }

    private static String etag(Certificate c) {
        return Etag.of(c.name(), c.type(), c.restricted(), c.projects(), c.certificate(), c.description());
    }

    private static String url(String fingerprint) {
        return Paths.CERTIFICATES + "/" + fingerprint;
    }

    private static String nameOf(String name, X509Certificate cert) {
        if (name != null && !name.isBlank()) {
            return name;
        }
        return cert.getSubjectX500Principal().getName();
    }

    static X509Certificate parse(String text) {
        String s = text.trim();
        byte[] der;
        try {
            der = s.startsWith("-----BEGIN") ? Base64.getMimeDecoder().decode(s.replaceAll("-----[A-Z ]+-----", "")) : Base64.getDecoder().decode(s);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw ApiException.badRequest("Invalid certificate: not a PEM or base64 DER X.509 certificate");
        }
    }

    private static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
