package io.jlxd.cli.client.tls;

import io.jlxd.cli.client.Connection;
import io.jlxd.cli.client.SocketConnection;
import io.jlxd.cli.client.Transport;
import io.jlxd.cli.client.TransportException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * HTTPS to a remote: TLS 1.3 (1.2 accepted, for LXD servers configured so) with the client certificate, and the
 * server's certificate compared with the one pinned for the remote. A different certificate is refused with a
 * {@link ServerCertificateMismatchException} naming both fingerprints. Only loaded for HTTPS remotes, so that local
 * commands don't pay for the TLS classes.
 */
public final class TlsTransport implements Transport {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final String remote;
    private final String host;
    private final int port;
    private final String authority;
    private final X509Certificate pinned;
    private final PinnedTrustManager trust;
    private final SSLContext context;

    /**
     * @param remote   the remote's name, for messages
     * @param pinned   the pinned server certificate, or null to accept (and remember) whatever the server presents
     * @param clientCertificate the client certificate, or null to present none
     */
    public TlsTransport(String remote, String host, int port, String authority, X509Certificate pinned,
                        X509Certificate clientCertificate, PrivateKey clientKey) throws IOException {
        this.remote = remote;
        this.host = host;
        this.port = port;
        this.authority = authority;
        this.pinned = pinned;
        this.trust = new PinnedTrustManager(pinned);
        try {
            context = SSLContext.getInstance("TLS");
            KeyManager[] keys = clientCertificate == null ? new KeyManager[0]
                    : new KeyManager[] {new ClientKeyManager(clientCertificate, clientKey)};
            context.init(keys, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection open() throws IOException {
        return new SocketConnection(handshake());
    }

    /** Connects and completes the TLS handshake; returns the certificate the server presented, then closes. */
    public X509Certificate probe() throws IOException {
        try (SSLSocket s = handshake()) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private SSLSocket handshake() throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            plain.close();
            throw new TransportException("Failed to connect to remote \"" + remote + "\" (" + authority + "): "
                    + reason(e), e);
        }
        SSLSocket s = null;
        try {
            s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            s.setEnabledProtocols(PROTOCOLS);
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (IOException e) {
            if (s != null) {
                s.close();
            } else {
                plain.close();
            }
            X509Certificate presented = trust.presented();
            if (pinned != null && presented != null && !fingerprint(presented).equals(fingerprint(pinned))) {
                throw new ServerCertificateMismatchException(mismatch(presented), e);
            }
            throw new TransportException("TLS handshake with remote \"" + remote + "\" (" + authority + ") failed: "
                    + reason(e), e);
        }
    }

    private String mismatch(X509Certificate presented) {
        return "The certificate of remote \"" + remote + "\" (" + authority + ") has changed: the server presents "
                + fingerprint(presented) + " but " + fingerprint(pinned) + " is pinned. Someone may be intercepting the"
                + " connection (man in the middle); nothing was sent. If the server's certificate was replaced on purpose,"
                + " check the new fingerprint on the server (jlxc info) and add the remote again (jlxc remote remove "
                + remote + ", then jlxc remote add).";
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(IOException e) {
        Throwable t = e;
        while (t instanceof SSLException && t.getCause() != null && t.getCause().getMessage() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String authority() {
        return authority;
    }
}
