package io.jlxd.cli.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientIdentityTest {
    @TempDir
    Path tmp;

    @Test
    void generatedOnceLikeLxcs() throws Exception {
        Path dir = tmp.resolve("jlxc");
        ClientIdentity id = ClientIdentity.loadOrCreate(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("client.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        var cert = id.certificate();
        cert.checkValidity();
        cert.verify(cert.getPublicKey());
        assertEquals(384, ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals("SHA384withECDSA", cert.getSigAlgName());
        assertEquals(2, cert.getVersion() - 1, "v3");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getSubjectX500Principal().getName().contains("O=linuxcontainers.org"));
        assertTrue(cert.getNotAfter().getTime() - cert.getNotBefore().getTime() > 9L * 365 * 86_400_000);
        // the key signs what the certificate verifies
        Signature s = Signature.getInstance("SHA384withECDSA");
        s.initSign(id.key());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(cert);
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig));
        // loaded again, not regenerated
        ClientIdentity again = ClientIdentity.loadOrCreate(dir);
        assertArrayEquals(cert.getEncoded(), again.certificate().getEncoded());
        assertEquals(Pem.fingerprint(cert), again.fingerprint());
    }

    /** lxc's client.key is SEC1 ("EC PRIVATE KEY", made here with openssl): copied as is, it is read. */
    @Test
    void readsLxcsSec1Key() throws Exception {
        Path dir = tmp.resolve("jlxc");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("sh", "-c", "openssl ecparam -name secp384r1 -genkey -noout -out client.key"
                + " && openssl req -new -x509 -key client.key -out client.crt -days 30 -subj /CN=lxc-user")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.readString(dir.resolve("client.key")).contains("BEGIN EC PRIVATE KEY"));
        ClientIdentity id = ClientIdentity.loadOrCreate(dir);
        Signature s = Signature.getInstance("SHA384withECDSA");
        s.initSign(id.key());
        s.update(new byte[] {4});
        byte[] sig = s.sign();
        s.initVerify(id.certificate());
        s.update(new byte[] {4});
        assertTrue(s.verify(sig), "the key matches the certificate");
    }

    @Test
    void halfAnIdentityIsAnError() throws Exception {
        Path dir = tmp.resolve("jlxc");
        ClientIdentity.loadOrCreate(dir);
        Files.delete(dir.resolve("client.key"));
        IOException e = assertThrows(IOException.class, () -> ClientIdentity.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("Only one of"), e.getMessage());
    }

    @Test
    void derEncodings() {
        assertArrayEquals(new byte[] {0x06, 0x03, 0x55, 0x1d, 0x0f}, Der.oid("2.5.29.15"));
        assertArrayEquals(new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x03},
                Der.oid("1.2.840.10045.4.3.3"));
        byte[] big = Der.octetString(new byte[300]);
        assertArrayEquals(new byte[] {0x04, (byte) 0x82, 0x01, 0x2c}, java.util.Arrays.copyOf(big, 4));
    }
}
