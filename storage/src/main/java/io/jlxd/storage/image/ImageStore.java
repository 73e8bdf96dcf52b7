package io.jlxd.storage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image files under the data directory ({@code /var/lib/jlxd/images}), in LXD's layout:
 * {@code <fingerprint>} (unified tarball, or metadata tarball of a split image) and
 * {@code <fingerprint>.rootfs} (rootfs tarball of a split image).
 *
 * <p>Uploads are written to a private {@code .upload-*} directory inside it and renamed into place by
 * {@link ImageUpload#commit()}: an image file either is complete or does not exist. An upload that fails, is
 * cancelled or is closed without commit removes its files; what a crash leaves behind is removed by
 * {@link #open(Path)}. The database row of an image is the caller's business: commit the files first, then
 * insert the row (and delete the files if that fails).
 */
public final class ImageStore {
    static final String UPLOAD_PREFIX = ".upload-";
    static final String ROOTFS_SUFFIX = ".rootfs";

    private final Path dir;
    private final Object commitLock = new Object();

    private ImageStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens (creating it 0700 if needed) an image directory and removes what interrupted uploads left: upload
     * directories, and a {@code .rootfs} file whose image file is missing.
     */
    public static ImageStore open(Path imagesDir) throws IOException {
        Path d = imagesDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d.getParent());
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created concurrently
            }
        }
        ImageStore store = new ImageStore(d);
        store.removeStale();
        return store;
    }

    public Path directory() {
        return dir;
    }

    private void removeStale() throws IOException {
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            for (Path p : list) {
                String f = p.getFileName().toString();
                if (f.startsWith(UPLOAD_PREFIX)) {
                    ImageUnpacker.removeTree(p);
                } else if (f.endsWith(ROOTFS_SUFFIX)) {
                    String fp = f.substring(0, f.length() - ROOTFS_SUFFIX.length());
                    if (ImageFingerprint.isValid(fp) && !Files.exists(dir.resolve(fp), LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Starts an upload with default options (no progress, no cancellation, no size limit). */
    public ImageUpload newUpload() {
        return newUpload(ImageUpload.Options.defaults());
    }

    public ImageUpload newUpload(ImageUpload.Options options) {
        return new ImageUpload(this, options);
    }

    /** The files of an image, or empty when the store does not have it. */
    public Optional<ImageFiles> find(String fingerprint) throws InvalidImageException {
        String fp = ImageFingerprint.require(fingerprint);
        Path main = dir.resolve(fp);
        if (!Files.isRegularFile(main, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path rootfs = dir.resolve(fp + ROOTFS_SUFFIX);
        return Optional.of(Files.isRegularFile(rootfs, LinkOption.NOFOLLOW_LINKS) ? ImageFiles.split(main, rootfs)
                : ImageFiles.unified(main));
    }

    public boolean contains(String fingerprint) throws InvalidImageException {
        return find(fingerprint).isPresent();
    }

    /** Fingerprints of every stored image, sorted. */
    public List<String> fingerprints() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            for (Path p : list) {
                String f = p.getFileName().toString();
                if (ImageFingerprint.isValid(f) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(f);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The one stored fingerprint that starts with {@code prefix} (LXD accepts unique prefixes), empty when
     * none does.
     *
     * @throws InvalidImageException when the prefix is not hexadecimal or matches several images
     */
    public Optional<String> resolve(String prefix) throws IOException {
        if (!ImageFingerprint.isPrefix(prefix)) {
            throw new InvalidImageException("invalid image fingerprint '" + prefix + "'");
        }
        String p = prefix.toLowerCase(Locale.ROOT);
        List<String> matches = fingerprints().stream().filter(f -> f.startsWith(p)).toList();
        if (matches.size() > 1) {
            throw new InvalidImageException("more than one image matches the fingerprint prefix " + prefix);
        }
        return matches.stream().findFirst();
    }

    /** Deletes an image's files; false when there was none. */
    public boolean delete(String fingerprint) throws IOException {
        String fp = ImageFingerprint.require(fingerprint);
        synchronized (commitLock) {
            boolean had = Files.deleteIfExists(dir.resolve(fp)); // first: the image stops existing
            Files.deleteIfExists(dir.resolve(fp + ROOTFS_SUFFIX));
            syncDirectory(dir);
            return had;
        }
    }

    /** Copies a unified image file into the store (e.g. one made by scripts/images/build-image.sh). */
    public ImageFiles importUnified(Path tarball) throws IOException {
        try (ImageUpload up = newUpload(); InputStream in = Files.newInputStream(tarball)) {
            up.writeUnified(in);
            up.finish(null);
            return up.commit();
        }
    }

    /** Copies a split image (metadata tarball, rootfs tarball) into the store. */
    public ImageFiles importSplit(Path metadataTarball, Path rootfsTarball) throws IOException {
        try (ImageUpload up = newUpload()) {
            try (InputStream in = Files.newInputStream(metadataTarball)) {
                up.writeMetadata(in);
            }
            try (InputStream in = Files.newInputStream(rootfsTarball)) {
                up.writeRootfs(in);
            }
            up.finish(null);
            return up.commit();
        }
    }

    Object commitLock() {
        return commitLock;
    }

    static void syncDirectory(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
