package io.jlxd.storage.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The file(s) of one image: a unified tarball, or a split pair (metadata tarball + rootfs tarball). In the
 * image store they are {@code images/<fingerprint>} and, for split images, {@code images/<fingerprint>.rootfs},
 * which is LXD's layout; {@code GET /1.0/images/<fp>/export} serves them as they are.
 *
 * @param metadata the unified tarball, or the metadata tarball of a split image
 * @param rootfs   the rootfs tarball of a split image; empty for a unified one
 */
public record ImageFiles(Path metadata, Optional<Path> rootfs) {
    public ImageFiles {
        Objects.requireNonNull(metadata);
        Objects.requireNonNull(rootfs);
    }

    public static ImageFiles unified(Path tarball) {
        return new ImageFiles(tarball, Optional.empty());
    }

    public static ImageFiles split(Path metadataTarball, Path rootfsTarball) {
        return new ImageFiles(metadataTarball, Optional.of(rootfsTarball));
    }

    public boolean isSplit() {
        return rootfs.isPresent();
    }

    /** Total size in bytes (the {@code size} of LXD's Image object). */
    public long size() throws IOException {
        return Files.size(metadata) + (rootfs.isPresent() ? Files.size(rootfs.get()) : 0);
    }

    /** LXD's fingerprint of these files (reads them all). */
    public String fingerprint() throws IOException {
        return rootfs.isPresent() ? ImageFingerprint.ofSplit(metadata, rootfs.get())
                : ImageFingerprint.ofUnified(metadata);
    }

    /** The image's metadata.yaml, read without unpacking the image. */
    public ImageMetadata readMetadata() throws IOException {
        return ImageMetadata.readFrom(metadata);
    }
}
