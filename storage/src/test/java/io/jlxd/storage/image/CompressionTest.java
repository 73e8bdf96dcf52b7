package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionTest {
    @TempDir
    Path tmp;

    private final byte[] tar = new TestTar().metadata().dir("rootfs").file("rootfs/a", "hello").bytes();

    @Test
    void detectsByMagicBytesNotByName() throws IOException {
        assertEquals(Compression.GZIP, Compression.detect(TestTar.write(tmp.resolve("a.tar.xz"), TestTar.gzip(tar))));
        assertEquals(Compression.XZ, Compression.detect(TestTar.write(tmp.resolve("b.tar.gz"), TestTar.xz(tar))));
        assertEquals(Compression.NONE, Compression.detect(TestTar.write(tmp.resolve("c.tar.gz"), tar)));
        for (Path p : new Path[] {tmp.resolve("a.tar.xz"), tmp.resolve("b.tar.gz"), tmp.resolve("c.tar.gz")}) {
            try (InputStream in = Compression.open(p)) {
                assertArrayEquals(tar, in.readAllBytes());
            }
        }
    }

    @Test
    void anXzStreamAskingForTooMuchMemoryIsRefused() throws IOException {
        byte[] xz = TestTar.xz(tar);
        // block header: size byte at 12, flags, filter flags (id 0x21, props size 1, props = dictionary size code)
        int block = 12;
        int headerSize = ((xz[block] & 0xff) + 1) * 4;
        assertEquals(0x21, xz[block + 2]);
        xz[block + 4] = 34; // a 512 MiB dictionary
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(xz, block, headerSize - 4);
        java.nio.ByteBuffer.wrap(xz, block + headerSize - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> {
            try (InputStream in = Compression.XZ.decompress(new java.io.ByteArrayInputStream(xz))) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("more than the limit of 256 MiB"), e.getMessage());
    }

    private static void refused(byte[] head, String part) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> Compression.detect(head, "image"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void refusesOtherFormatsNamingThem() {
        refused(new byte[0], "image is empty");
        refused(new byte[] {'B', 'Z', 'h', '9', 1, 2}, "bzip2");
        refused(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0}, "zstd");
        refused(new byte[] {'h', 's', 'q', 's', 0, 0}, "squashfs");
        refused(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, "qcow2");
        refused(new byte[] {'P', 'K', 3, 4}, "zip");
        refused("just some text, definitely not a tarball".getBytes(StandardCharsets.UTF_8),
                "neither a tar archive nor gzip/xz-compressed (first bytes: 6a75737420736f6d)");
        byte[] zeros = new byte[512];
        refused(zeros, "neither a tar archive");
    }
}
