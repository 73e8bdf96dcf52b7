package io.jlxd.storage.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * How an image tarball is compressed, detected from its first bytes (never from its file name). LXD accepts
 * more; jlxd accepts gzip, xz and plain tar and refuses the rest with a message that names what it found.
 */
public enum Compression {
    /** An uncompressed tar archive. */
    NONE("tar", ".tar"),
    GZIP("gzip", ".tar.gz"),
    XZ("xz", ".tar.xz");

    /** Bytes needed to tell the formats apart (the ustar magic sits at offset 257, the checksum at 148). */
    public static final int HEAD_BYTES = 512;

    private final String label;
    private final String extension;

    Compression(String label, String extension) {
        this.label = label;
        this.extension = extension;
    }

    /** "gzip", "xz" or "tar". */
    public String label() {
        return label;
    }

    /** The usual file name ending: ".tar.gz", ".tar.xz", ".tar". */
    public String extension() {
        return extension;
    }

    /** Detects the compression of a file. */
    public static Compression detect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return detect(in.readNBytes(HEAD_BYTES), file.getFileName().toString());
        }
    }

    /**
     * Detects the compression from the first bytes of a file ({@link #HEAD_BYTES} of them, fewer if the file is
     * shorter).
     *
     * @param what names the file in error messages ("metadata tarball", "rootfs tarball"...)
     * @throws InvalidImageException for an empty file, a known but unsupported format, or garbage
     */
    public static Compression detect(byte[] head, String what) throws InvalidImageException {
        int n = head.length;
        if (n == 0) {
            throw new InvalidImageException(what + " is empty");
        }
        if (startsWith(head, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return XZ;
        }
        String unsupported = unsupported(head);
        if (unsupported != null) {
            throw new InvalidImageException(what + " is " + unsupported
                    + "; supported image formats are tar archives compressed with gzip or xz, or uncompressed");
        }
        if (n >= TarReader.BLOCK && TarReader.looksLikeHeader(head)) {
            return NONE;
        }
        throw new InvalidImageException(what + " is neither a tar archive nor gzip/xz-compressed (first bytes: "
                + HexFormat.of().formatHex(head, 0, Math.min(n, 8)) + ")");
    }

    /** The formats we recognise but do not accept, by their magic bytes. */
    private static String unsupported(byte[] h) {
        if (startsWith(h, 'B', 'Z', 'h')) {
            return "bzip2-compressed";
        }
        if (startsWith(h, 0x28, 0xb5, 0x2f, 0xfd)) {
            return "zstd-compressed";
        }
        if (startsWith(h, 0x04, 0x22, 0x4d, 0x18)) {
            return "lz4-compressed";
        }
        if (startsWith(h, 0x89, 'L', 'Z', 'O')) {
            return "lzop-compressed";
        }
        if (startsWith(h, 0x5d, 0x00, 0x00)) {
            return "lzma-compressed (legacy .lzma)";
        }
        if (startsWith(h, 'h', 's', 'q', 's') || startsWith(h, 's', 'q', 's', 'h')) {
            return "a squashfs image (squashfs rootfs images are not supported; use a tarball)";
        }
        if (startsWith(h, 'Q', 'F', 'I', 0xfb)) {
            return "a qcow2 disk image (virtual-machine images are not supported)";
        }
        if (startsWith(h, 'P', 'K', 0x03, 0x04)) {
            return "a zip archive";
        }
        if (startsWith(h, 0x1f, 0x9d)) {
            return "compress(1)-compressed (.Z)";
        }
        return null;
    }

    private static boolean startsWith(byte[] h, int... magic) {
        if (h.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((h[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Wraps a raw stream of this format into a stream of the tar archive. The returned stream owns {@code raw}.
     * Corrupt compressed data surfaces as an {@link InvalidImageException} from read().
     */
    public InputStream decompress(InputStream raw) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, 1 << 16);
        try {
            return switch (this) {
                case NONE -> buffered;
                case GZIP -> new CorruptionReporting(new GZIPInputStream(buffered, 1 << 16), "gzip");
                case XZ -> new CorruptionReporting(new XZInputStream(buffered, XZ_MEMORY_LIMIT_KIB), "xz");
            };
        } catch (IOException e) {
            buffered.close();
            throw new InvalidImageException("corrupt " + label + " data: " + e.getMessage(), e);
        }
    }

    /**
     * The most memory the xz decoder may use (KiB): 256 MiB covers every preset (xz -9 needs 65 MiB); a stream whose
     * header asks for more (a huge dictionary) is refused before anything is allocated.
     */
    public static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;

    /** Opens a file and decompresses it according to its detected format. */
    public static InputStream open(Path file) throws IOException {
        Compression c = detect(file);
        return c.decompress(Files.newInputStream(file));
    }

    /** Turns decoder failures (other than plain I/O errors of the underlying file) into InvalidImageException. */
    private static final class CorruptionReporting extends java.io.FilterInputStream {
        private final String format;

        CorruptionReporting(InputStream in, String format) {
            super(in);
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (java.util.zip.ZipException | org.tukaani.xz.XZIOException | java.io.EOFException e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (java.util.zip.ZipException | org.tukaani.xz.XZIOException | java.io.EOFException e) {
                throw corrupt(e);
            }
        }

        private InvalidImageException corrupt(IOException e) {
            String m = e instanceof java.io.EOFException ? "unexpected end of " + format + " data (truncated file)"
                    : e instanceof org.tukaani.xz.MemoryLimitException l ? "the xz data needs " + l.getMemoryNeeded() / 1024
                            + " MiB of memory to decompress, more than the limit of " + l.getMemoryLimit() / 1024 + " MiB"
                    : "corrupt " + format + " data: " + e.getMessage();
            return new InvalidImageException(m, e);
        }
    }
}
