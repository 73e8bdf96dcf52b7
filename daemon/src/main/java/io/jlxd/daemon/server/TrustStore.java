package io.jlxd.daemon.server;

import io.jlxd.api.Certificate;
import io.jlxd.daemon.db.CertificateTable;
import io.jlxd.daemon.tls.ServerCertificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which client certificates are trusted, and with what rights. Entries are cached in memory (every HTTPS request
 * checks one); a removed or replaced certificate is announced to the revocation listeners (which close that
 * client's websockets) as soon as it leaves the table.
 */
public final class TrustStore {
    private final CertificateTable table;
    private final Map<String, Certificate> trusted = new ConcurrentHashMap<>();
    private final List<Consumer<String>> revocationListeners = new CopyOnWriteArrayList<>();

    public TrustStore(CertificateTable table) {
        this.table = table;
        table.list().forEach(c -> trusted.put(c.fingerprint(), c));
    }

    /**
     * The trust store entry of a client certificate, empty when it is not trusted or is outside its validity
     * period (an expired client certificate is refused even when its fingerprint is in the store).
     */
    public Optional<Certificate> identify(X509Certificate cert) {
        if (cert == null || !valid(cert)) {
            return Optional.empty();
        }
        return Optional.ofNullable(trusted.get(ServerCertificate.fingerprint(cert)));
    }

    public boolean isTrusted(X509Certificate cert) {
        return identify(cert).isPresent();
    }

    /** True when the certificate is within its validity period now. */
    public static boolean valid(X509Certificate cert) {
        try {
            cert.checkValidity();
            return true;
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    public CertificateTable table() {
        return table;
    }

    public List<Certificate> list() {
        return table.list();
    }

    public boolean add(Certificate cert) {
        boolean added = table.insert(cert);
        if (added) {
            trusted.put(cert.fingerprint(), cert);
        }
        return added;
    }

    /** Replaces an entry; when the certificate itself changed, the old fingerprint is revoked. */
    public synchronized boolean update(String fingerprint, Certificate cert) {
        Certificate before = trusted.get(fingerprint);
        boolean updated = table.update(fingerprint, cert);
        if (updated) {
            if (!fingerprint.equals(cert.fingerprint())) {
                trusted.remove(fingerprint);
            }
            trusted.put(cert.fingerprint(), cert);
            boolean rightsChanged = before == null || !fingerprint.equals(cert.fingerprint())
                    || before.restricted() != cert.restricted() || !before.projects().equals(cert.projects())
                    || !before.type().equals(cert.type());
            if (rightsChanged) {
                revoked(fingerprint); // rights may have shrunk: open websockets reconnect under the new rights
            }
        }
        return updated;
    }

    public boolean remove(String fingerprint) {
        boolean removed = table.delete(fingerprint);
        trusted.remove(fingerprint);
        if (removed) {
            revoked(fingerprint);
        }
        return removed;
    }

    public Optional<Certificate> find(String fingerprint) {
        return Optional.ofNullable(trusted.get(fingerprint));
    }

    /** Called with the fingerprint of every certificate whose trust was withdrawn or changed. */
    public void onRevoke(Consumer<String> listener) {
        revocationListeners.add(listener);
    }

    private void revoked(String fingerprint) {
        for (Consumer<String> l : revocationListeners) {
            l.accept(fingerprint);
        }
    }
}
