package io.jlxd.storage.image;

import java.io.IOException;

/**
 * The image (or upload) is malformed or was refused: unsupported compression, bad {@code metadata.yaml},
 * a hostile tar entry, a fingerprint mismatch. The caller's fault: the REST layer answers 400 Bad Request
 * with {@link #getMessage()}, which names the offending entry or field.
 */
public class InvalidImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
