package io.jlxd.storage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One image upload ({@code POST /1.0/images}) into an {@link ImageStore}: the body is written to a private
 * staging file while its SHA-256 is computed in the same pass, then checked, then renamed into place.
 *
 * <pre>
 * try (ImageUpload up = store.newUpload(options)) {
 *     up.writeUnified(body);                      // raw body: a unified tarball
 *     // or: up.writeMetadata(part1); up.writeRootfs(part2);   (multipart: "metadata" then "rootfs")
 *     StagedImage img = up.finish(headerFingerprint);  // X-LXD-fingerprint, may be null
 *     ... record img in the database ...
 *     ImageFiles files = up.commit();             // images/&lt;fp&gt; [+ images/&lt;fp&gt;.rootfs]
 * }                                               // not committed (failure, cancel): nothing is left behind
 * </pre>
 *
 * Not thread-safe; one thread drives one upload.
 */
public final class ImageUpload implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CHUNK = 1 << 16;

    /**
     * @param progress      bytes received so far, of {@code expectedBytes}
     * @param cancelled     polled for every chunk; true (or thread interruption) aborts the upload
     * @param expectedBytes the announced size (Content-Length), -1 when unknown; only used for progress
     * @param maxBytes      refuse uploads larger than this
     */
    public record Options(ProgressListener progress, BooleanSupplier cancelled, long expectedBytes, long maxBytes) {
        public Options {
            Objects.requireNonNull(progress);
            Objects.requireNonNull(cancelled);
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
        }

        public static Options defaults() {
            return new Options(ProgressListener.NONE, () -> false, -1, Long.MAX_VALUE);
        }

        public Options withProgress(ProgressListener p, long expected) {
            return new Options(p, cancelled, expected, maxBytes);
        }

        public Options withCancellation(BooleanSupplier c) {
            return new Options(progress, c, expectedBytes, maxBytes);
        }

        public Options withMaxBytes(long max) {
            return new Options(progress, cancelled, expectedBytes, max);
        }
    }

    private enum State {
        NEW, UNIFIED, METADATA, SPLIT, FINISHED, COMMITTED, CLOSED
    }

    private final ImageStore store;
    private final Options options;
    private final ImageFingerprint.Hasher hasher = new ImageFingerprint.Hasher();
    private State state = State.NEW;
    private boolean split;
    private Path staging;
    private Path first;
    private Path second;
    private StagedImage staged;
    private long received;
    private long reported;

    ImageUpload(ImageStore store, Options options) {
        this.store = store;
        this.options = options;
    }

    /** The whole upload is one unified tarball. */
    public void writeUnified(InputStream in) throws IOException {
        expect(State.NEW, "writeUnified");
        first = receive(in, "image");
        state = State.UNIFIED;
    }

    /** First part of a split upload: the metadata tarball. */
    public void writeMetadata(InputStream in) throws IOException {
        expect(State.NEW, "writeMetadata");
        first = receive(in, "metadata");
        state = State.METADATA;
    }

    /** Second part of a split upload: the rootfs tarball (after {@link #writeMetadata}). */
    public void writeRootfs(InputStream in) throws IOException {
        expect(State.METADATA, "writeRootfs");
        second = receive(in, "rootfs");
        split = true;
        state = State.SPLIT;
    }

    /** Bytes received so far. */
    public long received() {
        return received;
    }

    private void expect(State s, String call) {
        if (state != s) {
            throw new IllegalStateException(call + " is not allowed now (upload state " + state + ")");
        }
    }

    private Path receive(InputStream in, String name) throws IOException {
        if (staging == null) {
            staging = store.directory().resolve(ImageStore.UPLOAD_PREFIX + HexFormat.of().toHexDigits(RANDOM.nextLong()));
            Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path file = staging.resolve(name);
        try {
            copy(in, file);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw new ImageCancelledException("image upload cancelled (thread interrupted)");
        }
        options.progress().progress(received, options.expectedBytes());
        if (Files.size(file) == 0) {
            throw new InvalidImageException("the " + name + " part of the upload is empty");
        }
        return file;
    }

    private void copy(InputStream in, Path file) throws IOException {
        byte[] buf = new byte[CHUNK];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while (true) {
                checkCancelled();
                n = in.read(buf);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                if (received + n > options.maxBytes()) {
                    throw new InvalidImageException("the upload exceeds the limit of " + options.maxBytes() + " bytes");
                }
                hasher.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                received += n;
                if (received - reported >= (1 << 20)) {
                    reported = received;
                    options.progress().progress(received, options.expectedBytes());
                }
            }
            out.force(true);
        }
    }

    private void checkCancelled() throws ImageCancelledException {
        if (Thread.currentThread().isInterrupted() || options.cancelled().getAsBoolean()) {
            throw new ImageCancelledException("image upload cancelled");
        }
    }

    /**
     * Ends the upload: computes the fingerprint, compares it with the one the client announced (if any),
     * detects the compression and reads and validates metadata.yaml (and, for a split image, that the rootfs
     * part is a supported tarball).
     *
     * @param expectedFingerprint the client's fingerprint (X-LXD-fingerprint header), or null/blank
     * @throws InvalidImageException for a fingerprint mismatch or an invalid image
     */
    public StagedImage finish(String expectedFingerprint) throws IOException {
        if (state == State.METADATA) {
            throw new InvalidImageException("split upload without its rootfs part");
        }
        if (state != State.UNIFIED && state != State.SPLIT) {
            throw new IllegalStateException("finish is not allowed now (upload state " + state + ")");
        }
        String fp = hasher.hex();
        if (expectedFingerprint != null && !expectedFingerprint.isBlank()) {
            String want = ImageFingerprint.require(expectedFingerprint);
            if (!want.equals(fp)) {
                throw new InvalidImageException("fingerprint mismatch: the upload hashes to " + fp
                        + " but the client announced " + want);
            }
        }
        Compression c = Compression.detect(first);
        ImageMetadata metadata = ImageMetadata.readFrom(first);
        Optional<Compression> rc = Optional.empty();
        if (split) {
            Compression r = Compression.detect(second);
            try (TarReader tar = new TarReader(r.decompress(Files.newInputStream(second)))) {
                if (tar.next() == null) {
                    throw new InvalidImageException("the rootfs tarball is empty");
                }
            }
            rc = Optional.of(r);
        }
        staged = new StagedImage(fp, metadata, received, split, c, rc);
        state = State.FINISHED;
        return staged;
    }

    /**
     * Moves the files into the store under the fingerprint.
     *
     * @throws ImageExistsException when the store already has an image with this fingerprint (the upload is
     *                              then discarded on close)
     */
    public ImageFiles commit() throws IOException {
        expect(State.FINISHED, "commit");
        checkCancelled();
        String fp = staged.fingerprint();
        Path dir = store.directory();
        Path main = dir.resolve(fp);
        Path rootfs = dir.resolve(fp + ImageStore.ROOTFS_SUFFIX);
        synchronized (store.commitLock()) {
            if (Files.exists(main, LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageExistsException(fp);
            }
            if (split) {
                Files.move(second, rootfs, StandardCopyOption.ATOMIC_MOVE); // first: main marks completeness
            }
            try {
                Files.move(first, main, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (split) {
                    Files.deleteIfExists(rootfs);
                }
                throw e;
            }
            ImageStore.syncDirectory(dir);
        }
        state = State.COMMITTED;
        removeStaging();
        return split ? ImageFiles.split(main, rootfs) : ImageFiles.unified(main);
    }

    /** Discards everything not committed. */
    @Override
    public void close() throws IOException {
        if (state != State.COMMITTED) {
            state = State.CLOSED;
        }
        removeStaging();
    }

    private void removeStaging() throws IOException {
        if (staging != null) {
            ImageUnpacker.removeTree(staging);
            staging = null;
        }
    }
}
