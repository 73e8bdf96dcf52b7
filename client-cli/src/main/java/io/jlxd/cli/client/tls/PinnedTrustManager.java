package io.jlxd.cli.client.tls;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, the one pinned for the remote (like lxc's {@code servercerts/}): any
 * other, whoever signed it, is refused. Without a pinned certificate (while adding a remote) every certificate is
 * accepted and remembered, so that the caller can show its fingerprint and ask before pinning it.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final X509Certificate pinned;
    private volatile X509Certificate presented;

    PinnedTrustManager(X509Certificate pinned) {
        this.pinned = pinned;
    }

    /** The certificate the server presented in the last handshake. */
    X509Certificate presented() {
        return presented;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        presented = chain[0];
        if (pinned != null && !sameEncoding(pinned, chain[0])) {
            throw new CertificateException("the server certificate is not the pinned one");
        }
    }

    private static boolean sameEncoding(X509Certificate a, X509Certificate b) throws CertificateEncodingException {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not authenticate clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
