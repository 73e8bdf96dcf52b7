package io.jlxd.cli.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The client's TLS identity, {@code client.crt} and {@code client.key} in the configuration directory: an ECDSA
 * P-384 self-signed certificate like the one lxc generates, created on first use of an HTTPS remote (key mode
 * 0600). The trust store of every server this client is added to holds this certificate. lxc's own files
 * ({@code ~/.config/lxc/client.crt} and {@code client.key}, a SEC1 "EC PRIVATE KEY") can be copied here as they are.
 */
public record ClientIdentity(X509Certificate certificate, PrivateKey key) {
    static final String CERT_FILE = "client.crt";
    static final String KEY_FILE = "client.key";
    private static final String ECDSA_SHA384 = "1.2.840.10045.4.3.3";

    /** Loads the identity from {@code dir}, generating it (and the directory, mode 0700) when absent. */
    public static ClientIdentity loadOrCreate(Path dir) throws IOException {
        Path crt = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (!Files.exists(crt) && !Files.exists(key)) {
            generate(dir);
        } else if (!Files.exists(crt) || !Files.exists(key)) {
            throw new IOException("Only one of " + crt + " and " + key + " exists: restore the other or remove both"
                    + " (a new identity must then be trusted again by every remote)");
        }
        try {
            X509Certificate cert = Pem.certificate(Files.readString(crt, StandardCharsets.US_ASCII));
            String keyPem = Files.readString(key, StandardCharsets.US_ASCII);
            byte[] der = keyPem.contains("-----BEGIN EC PRIVATE KEY-----")
                    ? Der.pkcs8FromSec1(Pem.body(keyPem, "EC PRIVATE KEY")) : Pem.body(keyPem, "PRIVATE KEY");
            String algorithm = cert.getPublicKey().getAlgorithm();
            PrivateKey pk = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new ClientIdentity(cert, pk);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("Cannot read the client certificate " + crt + " and key " + key + " (PEM, PKCS#8 key): "
                    + e.getMessage(), e);
        }
    }

    /** LXD's fingerprint of the client certificate. */
    public String fingerprint() {
        return Pem.fingerprint(certificate);
    }

    private static void generate(Path dir) throws IOException {
        ConfigFiles.createPrivateDirectory(dir);
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp384r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            byte[] cert = selfSigned(pair, subjectName());
            // Checks what was built before anything is written.
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert));
            parsed.verify(pair.getPublic());
            ConfigFiles.writeAtomically(dir.resolve(KEY_FILE), Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
            ConfigFiles.writeAtomically(dir.resolve(CERT_FILE), Pem.encode("CERTIFICATE", cert), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot create the client certificate: " + e.getMessage(), e);
        }
    }

    private static String subjectName() {
        String user = System.getProperty("user.name", "root");
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            host = "localhost";
        }
        return user + "@" + host;
    }

    /** A v3 self-signed client certificate, valid ten years, signed with SHA384withECDSA. */
    static byte[] selfSigned(KeyPair pair, String commonName) throws GeneralSecurityException {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_SHA384));
        byte[] name = Der.sequence(
                Der.set(Der.sequence(Der.oid("2.5.4.10"), Der.utf8("linuxcontainers.org"))),
                Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        byte[] extensions = Der.sequence(
                // keyUsage (critical): digitalSignature
                Der.sequence(Der.oid("2.5.29.15"), Der.bool(true), Der.octetString(Der.bitString(new byte[] {(byte) 0x80}, 7))),
                // extKeyUsage: clientAuth
                Der.sequence(Der.oid("2.5.29.37"), Der.octetString(Der.sequence(Der.oid("1.3.6.1.5.5.7.3.2")))),
                // basicConstraints (critical): not a CA
                Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octetString(Der.sequence())));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(127, new SecureRandom()).add(BigInteger.ONE)),
                algorithm,
                name,
                Der.sequence(Der.time(now.minusMinutes(5)), Der.time(now.plusYears(10))),
                name,
                pair.getPublic().getEncoded(),
                Der.explicit(3, extensions));
        Signature signer = Signature.getInstance("SHA384withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        return Der.sequence(tbs, algorithm, Der.bitString(signer.sign(), 0));
    }
}
