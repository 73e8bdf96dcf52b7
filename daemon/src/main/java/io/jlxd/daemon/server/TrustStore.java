package io.jlxd.daemon.server;

import io.jlxd.api.Certificate;
import io.jlxd.daemon.db.CertificateTable;
import io.jlxd.daemon.tls.ServerCertificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which client certificates are trusted. Fingerprints are cached in memory: every HTTPS request checks one.
 */
public final class TrustStore {
    private final CertificateTable table;
    private final Set<String> trusted = ConcurrentHashMap.newKeySet();

    public TrustStore(CertificateTable table) {
        this.table = table;
        table.list().forEach(c -> trusted.add(c.fingerprint()));
    }

    public boolean isTrusted(X509Certificate cert) {
        return trusted.contains(ServerCertificate.fingerprint(cert));
    }

    public CertificateTable table() {
        return table;
    }

    public boolean add(Certificate cert) {
        boolean added = table.insert(cert);
        trusted.add(cert.fingerprint());
        return added;
    }

    public boolean remove(String fingerprint) {
        boolean removed = table.delete(fingerprint);
        trusted.remove(fingerprint);
        return removed;
    }

    public Optional<Certificate> find(String fingerprint) {
        return table.find(fingerprint);
    }
}
