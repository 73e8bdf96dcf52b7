package io.jlxd.storage.image;

import java.util.Optional;

/**
 * An uploaded image that passed the checks of {@link ImageUpload#finish}, not yet committed to the store.
 *
 * @param fingerprint         LXD's fingerprint (SHA-256 of the upload as received)
 * @param metadata            the parsed metadata.yaml
 * @param size                bytes uploaded (both parts of a split image)
 * @param split               true for a metadata + rootfs pair
 * @param compression         compression of the unified tarball, or of the metadata tarball
 * @param rootfsCompression   compression of the rootfs tarball of a split image
 */
public record StagedImage(String fingerprint, ImageMetadata metadata, long size, boolean split,
        Compression compression, Optional<Compression> rootfsCompression) {
}
