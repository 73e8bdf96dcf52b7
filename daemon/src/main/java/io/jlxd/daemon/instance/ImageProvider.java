package io.jlxd.daemon.instance;

import io.jlxd.storage.image.ImageUnpacker.IdShift;
import io.jlxd.storage.image.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where instances get their images from (the images service implements it; {@link StoreImageProvider} is the
 * stand-in that reads the image store directly).
 */
public interface ImageProvider {
    /** A resolved image: its full fingerprint, architecture and metadata properties (os, release, description...). */
    record Resolved(String fingerprint, String architecture, Map<String, String> properties) {
    }

    /** Resolves an alias or a (unique prefix of a) fingerprint; empty when there is no such image. */
    Optional<Resolved> resolve(String fingerprintOrAlias) throws IOException;

    /** Resolves among the images {@code project} uses (its own with {@code features.images}, else default's). */
    default Optional<Resolved> resolve(String project, String fingerprintOrAlias) throws IOException {
        return resolve(fingerprintOrAlias);
    }

    /**
     * Unpacks the image into {@code targetDir} (which must not exist; it then holds metadata.yaml, templates/ and
     * rootfs/, complete or absent), shifting ownership by {@code shift}.
     */
    void unpack(String fingerprintOrAlias, Path targetDir, IdShift shift, ProgressListener progress, BooleanSupplier cancel)
            throws IOException;
}
