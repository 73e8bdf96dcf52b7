package io.jlxd.daemon.routes;

import io.jlxd.api.Certificate;
import io.jlxd.api.CertificatesPost;
import io.jlxd.api.OperationClass;
import io.jlxd.api.Paths;
import io.jlxd.api.TrustToken;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.server.HttpsListener;
import io.jlxd.daemon.server.TrustStore;
import io.jlxd.daemon.tls.ServerCertificate;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /1.0/certificates}: the trust store. Trusted callers add certificates or create trust tokens (token
 * operations, revoked by cancelling them); an untrusted HTTPS client redeems a token with its TLS certificate.
 */
public final class CertificateRoutes {
    private final TrustStore trust;
    private final Operations operations;
    private final ServerCertificate server;
    private final HttpsListener https;
    private final EventBus events;
    private final SecureRandom random = new SecureRandom();
    /** Open tokens by secret. */
    private final Map<String, Op> tokens = new ConcurrentHashMap<>();

    public CertificateRoutes(TrustStore trust, Operations operations, ServerCertificate server, HttpsListener https, EventBus events) {
        this.trust = trust;
        this.operations = operations;
        this.server = server;
        this.https = https;
        this.events = events;
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (Certificate c : trust.table().list()) {
            out.add(recursion == 0 ? Paths.CERTIFICATES + "/" + c.fingerprint() : c);
        }
        return Reply.sync(out);
    }

    public Reply get(ApiRequest req) {
        return Reply.sync(find(req.param("fingerprint")));
    }

    public Reply delete(ApiRequest req) {
        Certificate c = find(req.param("fingerprint"));
        trust.remove(c.fingerprint());
        events.lifecycle("certificate-deleted", Paths.CERTIFICATES + "/" + c.fingerprint(), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply post(ApiRequest req) {
        CertificatesPost body = req.bodyAs(CertificatesPost.class);
        if (!req.caller().trusted()) {
            return redeem(req, body);
        }
        if (body.trustToken() != null) {
            throw ApiException.badRequest("Client is already trusted");
        }
        String type = body.type() == null || body.type().isEmpty() ? "client" : body.type();
        if (!type.equals("client") && !type.equals("metrics")) {
            throw ApiException.badRequest("Invalid certificate type \"" + type + "\" (client or metrics)");
        }
        if (Boolean.TRUE.equals(body.token())) {
            return Reply.async(createToken(body, type).view());
        }
        if (body.certificate() == null || body.certificate().isBlank()) {
            throw ApiException.badRequest("Either \"certificate\" or \"token\": true is required");
        }
        X509Certificate cert = parse(body.certificate());
        add(cert, nameOf(body, cert), type, body.description(), req.caller());
        return Reply.empty();
    }

    private Op createToken(CertificatesPost body, String type) {
        String name = body.name() == null ? "" : body.name().trim();
        if (name.isEmpty()) {
            throw ApiException.badRequest("A name is required for a trust token (the client's name)");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("type", type);
        request.put("token", true);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("request", request);
        meta.put("secret", secret);
        meta.put("fingerprint", server.fingerprint());
        meta.put("addresses", https.addresses());
        meta.put("expires_at", null);
        Runnable revoke = () -> tokens.remove(secret);
        Op op = operations.startHeld(new Operations.Spec(OperationClass.TOKEN, "Certificate add token for " + name,
                Map.of(), meta, true, revoke));
        tokens.put(secret, op);
        return op;
    }

    private Reply redeem(ApiRequest req, CertificatesPost body) {
        if (body.trustToken() == null || body.trustToken().isBlank()) {
            throw ApiException.forbidden("not authorized");
        }
        X509Certificate cert = req.caller().certificate();
        if (cert == null) {
            throw ApiException.forbidden("A TLS client certificate is required to redeem a trust token");
        }
        String secret;
        try {
            secret = TrustToken.decode(body.trustToken()).secret();
        } catch (IllegalArgumentException e) {
            secret = body.trustToken().trim();
        }
        Op op = secret == null ? null : tokens.remove(secret);
        if (op == null) {
            throw ApiException.forbidden("not authorized: invalid or expired trust token");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) op.metadata().get("request");
        String name = body.name() != null && !body.name().isBlank() ? body.name() : String.valueOf(request.get("name"));
        add(cert, name, String.valueOf(request.get("type")), body.description(), req.caller());
        operations.complete(op);
        return Reply.empty();
    }

    private void add(X509Certificate cert, String name, String type, String description, ApiRequest.Caller caller) {
        String pem = pem(cert);
        String fp = ServerCertificate.fingerprint(cert);
        if (!trust.add(new Certificate(name, type, false, List.of(), pem, fp, description == null ? "" : description))) {
            throw ApiException.conflict("Certificate already in trust store");
        }
        events.lifecycle("certificate-created", Paths.CERTIFICATES + "/" + fp, null, caller.requestor());
    }

    private Certificate find(String fingerprint) {
        List<Certificate> matches = trust.table().list().stream().filter(c -> c.fingerprint().startsWith(fingerprint)).toList();
        if (matches.isEmpty() || fingerprint.isEmpty()) {
            throw ApiException.notFound("Certificate not found: " + fingerprint);
        }
        if (matches.size() > 1) {
            throw ApiException.badRequest("More than one certificate matches " + fingerprint);
        }
        return matches.getFirst();
    }

    private static String nameOf(CertificatesPost body, X509Certificate cert) {
        if (body.name() != null && !body.name().isBlank()) {
            return body.name();
        }
        return cert.getSubjectX500Principal().getName();
    }

    static X509Certificate parse(String text) {
        String s = text.trim();
        byte[] der;
        try {
            der = s.startsWith("-----BEGIN") ? Base64.getMimeDecoder().decode(s.replaceAll("-----[A-Z ]+-----", "")) : Base64.getDecoder().decode(s);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
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
