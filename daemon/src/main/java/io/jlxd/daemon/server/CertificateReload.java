package io.jlxd.daemon.server;

import io.jlxd.daemon.tls.ServerTls;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SIGHUP reloads the server certificate: replace {@code server.crt} and {@code server.key} in the data directory
 * (e.g. with {@code mv}, key mode 0600), then {@code kill -HUP <pid>}. A pair that does not load or does not
 * match is refused with a log line and the old certificate stays in use. Open connections keep the certificate
 * they were made with; new ones get the new one.
 */
public final class CertificateReload {
    private static final Logger LOG = Logger.getLogger(CertificateReload.class.getName());

    private CertificateReload() {
    }

    public static void onSighup(ServerTls tls, HttpsListener... listeners) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().name("certificate-reload")
                .start(() -> reload(tls, listeners)));
    }

    /** Reloads now; returns false (and logs why) when the files on disk are not a usable pair. */
    public static boolean reload(ServerTls tls, HttpsListener... listeners) {
        try {
            String before = tls.current().fingerprint();
            String after = tls.reload().fingerprint();
            for (HttpsListener l : listeners) {
                l.reloadTls();
            }
            LOG.info("server certificate reloaded: " + before + " -> " + after);
            return true;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "server certificate not reloaded, still serving " + tls.current().fingerprint() + ": "
                    + e.getMessage());
            return false;
        }
    }
}
