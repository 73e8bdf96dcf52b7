package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The server's TLS side: the fingerprint is the one openssl computes, TLS 1.3 by default and 1.2 with strong
 * suites only, and the certificate can be replaced without a restart (file swap + SIGHUP).
 */
class ServerTlsTest extends DaemonTestBase {

    static String openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** `openssl x509 -fingerprint -sha256` of a PEM file, as LXD writes fingerprints (lower-case hex, no colons). */
    static String opensslFingerprint(Path crt) throws Exception {
        String out = openssl("x509", "-in", crt.toString(), "-noout", "-fingerprint", "-sha256").trim();
        return out.substring(out.indexOf('=') + 1).replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static String envFingerprint() {
        return server().get("environment").get("certificate_fingerprint").asText();
    }

    private static SSLSocket connect(int port, String protocol, String suite) throws IOException {
        SSLSocket s = (SSLSocket) ClientIdentity.sslContext(null).getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.setEnabledProtocols(new String[] {protocol});
        if (suite != null) {
            s.setEnabledCipherSuites(new String[] {suite});
        }
        return s;
    }

    @Test
    void fingerprintIsWhatOpensslComputes() throws Exception {
        int port = Trust.enableHttps();
        Path pem = java.nio.file.Files.createTempFile("jlxd-served", ".crt");
        try {
            java.nio.file.Files.writeString(pem, server().get("environment").get("certificate").asText());
            String fp = opensslFingerprint(pem);
            assertTrue(fp.matches("[0-9a-f]{64}"), fp);
            assertEquals(fp, envFingerprint());
            assertEquals(fp, Certificates.fingerprint(Certificates.served("127.0.0.1", port)));
        } finally {
            java.nio.file.Files.deleteIfExists(pem);
        }
    }

    @Test
    void tls13ByDefaultTls12WithStrongSuitesOnly() throws Exception {
        int port = Trust.enableHttps();
        try (SSLSocket s = (SSLSocket) ClientIdentity.sslContext(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
        try (SSLSocket s = connect(port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")) {
            s.startHandshake();
            assertEquals("TLSv1.2", s.getSession().getProtocol());
        }
        for (String weak : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
            try (SSLSocket s = connect(port, "TLSv1.2", weak)) {
                assertThrows(SSLHandshakeException.class, s::startHandshake, weak + " must be refused");
            }
        }
    }

    @Test
    void theCertificateIsReplacedOnSighupWithoutARestart() throws Exception {
        daemon.allowWarnings("server certificate not reloaded, still serving [0-9a-f]+: server.key does not belong to server.crt");
        int port = Trust.enableHttps();
        long pid = daemon.pid();
        String before = envFingerprint();
        ClientIdentity next = ClientIdentity.create("replacement-server");
        next.write(daemon.dataDir().resolve("server.crt"), daemon.dataDir().resolve("server.key"));
        kill("-HUP", pid);
        String served = awaitServed(port, before);
        assertEquals(next.fingerprint(), served);
        assertEquals(next.fingerprint(), envFingerprint());
        assertEquals(next.fingerprint(), opensslFingerprint(daemon.dataDir().resolve("server.crt")));
        assertEquals(pid, daemon.pid(), "no restart");

        // A key that does not belong to the certificate is refused; the current pair stays in use.
        ClientIdentity a = ClientIdentity.create("a");
        ClientIdentity b = ClientIdentity.create("b");
        new ClientIdentity(b.keys(), a.certificate()).write(daemon.dataDir().resolve("server.crt"), daemon.dataDir().resolve("server.key"));
        kill("-HUP", pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!daemon.stderr().contains("server certificate not reloaded") && System.nanoTime() < deadline) {
            Thread.sleep(100); // waiting for the daemon's log line (a condition), not a fixed delay
        }
        assertTrue(daemon.stderr().contains("does not belong"), JlxdDaemon.tail(daemon.stderr()));
        assertEquals(next.fingerprint(), Certificates.fingerprint(Certificates.served("127.0.0.1", port)));
        assertEquals(next.fingerprint(), envFingerprint());
        assertNotEquals(before, envFingerprint());
        next.write(daemon.dataDir().resolve("server.crt"), daemon.dataDir().resolve("server.key")); // a usable pair on disk again
    }

    private static void kill(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", signal, String.valueOf(pid)).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    /** Polls new TLS connections until the served certificate differs from {@code before}. */
    private static String awaitServed(int port, String before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String now = before;
        while (now.equals(before) && System.nanoTime() < deadline) {
            now = Certificates.fingerprint(Certificates.served("127.0.0.1", port));
            if (now.equals(before)) {
                Thread.sleep(100);
            }
        }
        return now;
    }
}
