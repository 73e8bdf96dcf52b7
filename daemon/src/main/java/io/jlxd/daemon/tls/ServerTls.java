package io.jlxd.daemon.tls;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.List;

/**
 * The daemon's current TLS identity ({@code server.crt}/{@code server.key} in the data directory), replaceable
 * without a restart: swap the two files and send the daemon SIGHUP; {@link #reload} checks that the new key
 * belongs to the new certificate before anything changes, and the HTTPS listener then serves it to new
 * connections. Also the TLS settings: TLS 1.3, and TLS 1.2 with ECDHE + AEAD suites only.
 */
public final class ServerTls {
    /** Protocols offered: TLS 1.3 first, 1.2 as the minimum. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** TLS 1.3 suites and the strong TLS 1.2 ones (forward secrecy, AEAD); nothing else is offered. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Path dir;
    private final String hostname;
    private volatile ServerCertificate current;

    private ServerTls(Path dir, String hostname, ServerCertificate current) {
        this.dir = dir;
        this.hostname = hostname;
        this.current = current;
    }

    /** Loads (or on first start generates) the identity in {@code dir}. */
    public static ServerTls load(Path dir, String hostname) throws IOException, GeneralSecurityException {
        return new ServerTls(dir, hostname, ServerCertificate.loadOrCreate(dir, hostname));
    }

    public ServerCertificate current() {
        return current;
    }

    /** Re-reads server.crt and server.key; on any problem the current identity stays and the error says why. */
    public synchronized ServerCertificate reload() throws IOException, GeneralSecurityException {
        ServerCertificate next = ServerCertificate.loadOrCreate(dir, hostname);
        next.certificate().checkValidity();
        checkPair(next);
        current = next;
        return next;
    }

    /** The key must sign what the certificate's public key verifies. */
    private static void checkPair(ServerCertificate c) throws GeneralSecurityException {
        String alg = c.key().getAlgorithm().equals("EC") ? "SHA256withECDSA"
                : c.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519";
        byte[] probe = "jlxd server key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(c.key());
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(c.certificate().getPublicKey());
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException("server.key does not belong to server.crt");
        }
    }

    /** Helidon's TLS settings for the current identity: client certificates requested, not required. */
    public Tls tls() {
        ServerCertificate c = current;
        return Tls.builder()
                .privateKey(c.key())
                .privateKeyCertChain(List.of(c.certificate()))
                .trustAll(true)
                .clientAuth(TlsClientAuth.OPTIONAL)
                .enabledProtocols(PROTOCOLS)
                .enabledCipherSuites(CIPHER_SUITES)
                .build();
    }
}
