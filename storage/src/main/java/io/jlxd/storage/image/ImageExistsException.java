package io.jlxd.storage.image;

import java.io.IOException;

/** An image with this fingerprint is already in the store (LXD: "Image with same fingerprint already exists"). */
public class ImageExistsException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String fingerprint;

    public ImageExistsException(String fingerprint) {
        super("Image with same fingerprint already exists: " + fingerprint);
        this.fingerprint = fingerprint;
    }

    public String fingerprint() {
        return fingerprint;
    }
}
