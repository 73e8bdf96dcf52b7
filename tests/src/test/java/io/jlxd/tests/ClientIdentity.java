package io.jlxd.tests;

import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A client's TLS identity made for one test: an EC P-384 key (like LXD's client.key) and a self-signed certificate
 * valid over a chosen period, and the TLS context that presents it (accepting any server certificate).
 */
public record ClientIdentity(KeyPair keys, X509Certificate certificate) {

    /** Valid from five minutes ago for a day. */
    public static ClientIdentity create(String cn) {
        Instant now = Instant.now();
        return create(cn, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
    }

    public static ClientIdentity create(String cn, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp384r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            X500Name subject = new X500Name("O=jlxd-tests, CN=" + cn);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(pair.getPrivate())));
            return new ClientIdentity(pair, cert);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public String fingerprint() {
        return Certificates.fingerprint(certificate);
    }

    public String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public String keyPem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** Writes the pair as PEM files (key mode 0600), e.g. to replace a server's identity. */
    public void write(Path crt, Path key) throws java.io.IOException {
        Path k = key.resolveSibling(key.getFileName() + ".new");
        Files.writeString(k, keyPem());
        Files.setPosixFilePermissions(k, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path c = crt.resolveSibling(crt.getFileName() + ".new");
        Files.writeString(c, pem());
        Files.move(k, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(c, crt, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** TLS presenting this certificate; any server certificate accepted (no hostname check either). */
    public SSLContext sslContext() {
        return sslContext(this);
    }

    /** TLS without a client certificate when {@code id} is null. */
    public static SSLContext sslContext(ClientIdentity id) {
        try {
            KeyManagerFactory kmf = null;
            if (id != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", id.keys().getPrivate(), new char[0], new X509Certificate[] {id.certificate()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {TRUST_ANY}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final X509ExtendedTrustManager TRUST_ANY = new X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
