package io.jlxd.storage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * LXD's image fingerprint: the SHA-256 of the image file as uploaded, in lower-case hex. A unified image is
 * one file, its fingerprint is the hash of that file; a split image hashes the metadata tarball's bytes
 * followed by the rootfs tarball's bytes ({@code doc/reference/image_format.md}). The files are hashed as
 * they are, compressed: recompressing an image changes its fingerprint.
 */
public final class ImageFingerprint {
    private static final Pattern FULL = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{1,64}");

    private ImageFingerprint() {
    }

    /** Fingerprint of a unified image file. */
    public static String ofUnified(Path tarball) throws IOException {
        Hasher h = new Hasher();
        h.update(tarball);
        return h.hex();
    }

    /** Fingerprint of a split image: sha256(metadata bytes ‖ rootfs bytes). */
    public static String ofSplit(Path metadataTarball, Path rootfsTarball) throws IOException {
        Hasher h = new Hasher();
        h.update(metadataTarball);
        h.update(rootfsTarball);
        return h.hex();
    }

    /** True for a full fingerprint: 64 lower-case hex digits. */
    public static boolean isValid(String fingerprint) {
        return fingerprint != null && FULL.matcher(fingerprint).matches();
    }

    /**
     * Checks a full fingerprint given by a client or a path (it becomes a file name under the images
     * directory, so anything but 64 hex digits is refused) and returns it in lower case.
     */
    public static String require(String fingerprint) throws InvalidImageException {
        String fp = fingerprint == null ? "" : fingerprint.trim().toLowerCase(Locale.ROOT);
        if (!FULL.matcher(fp).matches()) {
            throw new InvalidImageException("invalid image fingerprint '" + fingerprint
                    + "': expected 64 hexadecimal digits (SHA-256)");
        }
        return fp;
    }

    /** True when {@code prefix} is a usable fingerprint prefix (LXD accepts unique prefixes in URLs). */
    public static boolean isPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix.toLowerCase(Locale.ROOT)).matches();
    }

    /** An incremental SHA-256 over the bytes of one or more files, in order. Not thread-safe. */
    public static final class Hasher {
        private final MessageDigest digest;
        private long bytes;

        public Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        public void update(byte[] b, int off, int len) {
            digest.update(b, off, len);
            bytes += len;
        }

        public void update(Path file) throws IOException {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    update(buf, 0, n);
                }
            }
        }

        /** Bytes hashed so far. */
        public long bytes() {
            return bytes;
        }

        /** The fingerprint; ends this hasher. */
        public String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
