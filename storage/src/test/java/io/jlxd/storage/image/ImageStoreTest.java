package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path tmp;
    Path dir;
    ImageStore store;

    private final byte[] unified = TestTar.xz(new TestTar().metadata().dir("rootfs").file("rootfs/big", 0644,
            new byte[3 << 20]).bytes());

    @BeforeEach
    void open() throws IOException {
        dir = tmp.resolve("images");
        store = ImageStore.open(dir);
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String sha256(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            d.update(p);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void uploadsAUnifiedImageWithProgressAndExpectedFingerprint() throws Exception {
        String fp = sha256(unified);
        List<Long> progress = new ArrayList<>();
        ImageFiles files;
        try (ImageUpload up = store.newUpload(ImageUpload.Options.defaults()
                .withProgress((done, total) -> progress.add(done), unified.length))) {
            up.writeUnified(new ByteArrayInputStream(unified));
            StagedImage staged = up.finish(fp.toUpperCase());
            assertEquals(fp, staged.fingerprint());
            assertEquals(Compression.XZ, staged.compression());
            assertEquals("test", staged.metadata().properties().get("os"));
            assertFalse(staged.split());
            files = up.commit();
        }
        assertEquals(dir.resolve(fp), files.metadata());
        assertEquals((long) unified.length, progress.getLast());
        assertEquals(List.of(fp), listing(), "only the image file remains");
        assertEquals(Optional.of(files), store.find(fp));
        assertEquals(Optional.of(fp), store.resolve(fp.substring(0, 6)));
        assertEquals(List.of(fp), store.fingerprints());
        assertThrows(ImageExistsException.class, () -> store.importUnified(TestTar.write(tmp.resolve("again"), unified)));
        assertEquals(List.of(fp), listing(), "a duplicate upload leaves nothing behind");
        assertTrue(store.delete(fp));
        assertEquals(List.of(), listing());
    }

    @Test
    void uploadsASplitImage() throws Exception {
        byte[] meta = TestTar.gzip(new TestTar().metadata().bytes());
        byte[] rootfs = TestTar.xz(new TestTar().dir("bin").file("bin/sh", "x").bytes());
        ImageFiles files;
        try (ImageUpload up = store.newUpload()) {
            up.writeMetadata(new ByteArrayInputStream(meta));
            up.writeRootfs(new ByteArrayInputStream(rootfs));
            StagedImage staged = up.finish(null);
            assertTrue(staged.split());
            assertEquals(Optional.of(Compression.XZ), staged.rootfsCompression());
            assertEquals(sha256(meta, rootfs), staged.fingerprint());
            files = up.commit();
        }
        String fp = sha256(meta, rootfs);
        assertEquals(List.of(fp, fp + ".rootfs"), listing());
        assertEquals(Optional.of(ImageFiles.split(dir.resolve(fp), dir.resolve(fp + ".rootfs"))), store.find(fp));
        assertEquals(fp, files.fingerprint());
        ImageUnpacker.Result r = ImageUnpacker.unpack(files, tmp.resolve("c1"), ImageUnpacker.Options.defaults());
        assertEquals("x", Files.readString(r.target().resolve("rootfs/bin/sh")));
    }

    @Test
    void failedUploadsLeaveNothingBehind() throws Exception {
        try (ImageUpload up = store.newUpload()) {
            up.writeUnified(new ByteArrayInputStream(unified));
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> up.finish("ab".repeat(32)));
            assertTrue(e.getMessage().contains("fingerprint mismatch"), e.getMessage());
        }
        assertEquals(List.of(), listing());

        try (ImageUpload up = store.newUpload()) {
            up.writeUnified(new ByteArrayInputStream(TestTar.gzip(new TestTar().dir("rootfs").bytes())));
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> up.finish(null));
            assertEquals("the image has no metadata.yaml", e.getMessage());
        }
        try (ImageUpload up = store.newUpload()) {
            up.writeUnified(new ByteArrayInputStream(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1}));
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> up.finish(null));
            assertTrue(e.getMessage().contains("zstd"), e.getMessage());
        }
        try (ImageUpload up = store.newUpload()) {
            up.writeMetadata(new ByteArrayInputStream(TestTar.gzip(new TestTar().metadata().bytes())));
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> up.finish(null));
            assertTrue(e.getMessage().contains("without its rootfs"), e.getMessage());
        }
        try (ImageUpload up = store.newUpload(ImageUpload.Options.defaults().withMaxBytes(1000))) {
            InvalidImageException e = assertThrows(InvalidImageException.class,
                    () -> up.writeUnified(new ByteArrayInputStream(new byte[5000])));
            assertTrue(e.getMessage().contains("exceeds the limit of 1000 bytes"), e.getMessage());
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void cancelledOrInterruptedUploadsLeaveNothingBehind() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        InputStream slow = new InputStream() {
            int n;

            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (++n == 10) {
                    cancel.set(true);
                }
                return Math.min(len, 1000);
            }
        };
        try (ImageUpload up = store.newUpload(ImageUpload.Options.defaults().withCancellation(cancel::get))) {
            assertThrows(ImageCancelledException.class, () -> up.writeUnified(slow));
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void openingTheStoreRemovesWhatACrashLeft() throws Exception {
        Path upload = Files.createDirectories(dir.resolve(ImageStore.UPLOAD_PREFIX + "dead"));
        Files.write(upload.resolve("image"), unified);
        String orphan = "cd".repeat(32);
        Files.writeString(dir.resolve(orphan + ".rootfs"), "half-committed split image");
        String kept = sha256(unified);
        Files.write(dir.resolve(kept), unified);
        ImageStore.open(dir);
        assertEquals(List.of(kept), listing());
        assertThrows(InvalidImageException.class, () -> store.find("../../etc/passwd"));
    }
}
