package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFingerprintTest {
    @TempDir
    Path tmp;

    private static String sha256(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            d.update(p);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void unifiedIsTheHashOfTheFileAsStored() throws Exception {
        Path abc = Files.writeString(tmp.resolve("abc"), "abc");
        // FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ImageFingerprint.ofUnified(abc));
        byte[] image = TestTar.xz(new TestTar().metadata().dir("rootfs").bytes());
        Path file = TestTar.write(tmp.resolve("image.tar.xz"), image);
        assertEquals(sha256(image), ImageFingerprint.ofUnified(file));
        assertEquals(sha256(image), ImageFiles.unified(file).fingerprint());
    }

    @Test
    void splitIsTheHashOfMetadataThenRootfs() throws Exception {
        byte[] meta = TestTar.gzip(new TestTar().metadata().bytes());
        byte[] rootfs = TestTar.xz(new TestTar().dir("bin").file("bin/sh", "x").bytes());
        Path m = TestTar.write(tmp.resolve("meta.tar.gz"), meta);
        Path r = TestTar.write(tmp.resolve("rootfs.tar.xz"), rootfs);
        String fp = ImageFingerprint.ofSplit(m, r);
        assertEquals(sha256(meta, rootfs), fp);
        assertNotEquals(sha256(rootfs, meta), fp, "order matters: metadata first");
        assertEquals(fp, ImageFiles.split(m, r).fingerprint());
        assertEquals(meta.length + rootfs.length, ImageFiles.split(m, r).size());
    }

    @Test
    void validatesFingerprints() throws Exception {
        String fp = sha256("x".getBytes(StandardCharsets.UTF_8));
        assertTrue(ImageFingerprint.isValid(fp));
        assertEquals(fp, ImageFingerprint.require(" " + fp.toUpperCase() + " "));
        assertFalse(ImageFingerprint.isValid(fp.substring(1)));
        assertFalse(ImageFingerprint.isValid("../" + fp.substring(3)));
        assertThrows(InvalidImageException.class, () -> ImageFingerprint.require("../../etc/passwd"));
        assertTrue(ImageFingerprint.isPrefix("ABC1"));
        assertFalse(ImageFingerprint.isPrefix("xyz"));
        assertFalse(ImageFingerprint.isPrefix(""));
    }
}
