package io.jlxd.tests;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Certificate helpers: PEM parsing, LXD fingerprints, and the certificate an HTTPS listener serves. */
public final class Certificates {
    private Certificates() {
    }

    public static X509Certificate parsePem(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError("not a PEM certificate: " + pem, e);
        }
    }

    /** LXD's fingerprint: SHA-256 of the DER encoding, lower-case hex. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A TLS context that accepts any server certificate (the server's is self-signed). */
    public static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
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
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Connects to host:port with TLS and returns the leaf certificate the server presents. */
    public static X509Certificate served(String host, int port) throws java.io.IOException {
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(host, port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
