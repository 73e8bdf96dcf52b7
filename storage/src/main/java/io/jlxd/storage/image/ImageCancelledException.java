package io.jlxd.storage.image;

import java.io.InterruptedIOException;

/**
 * An import or unpack stopped because its cancellation check answered true or its thread was interrupted.
 * Whatever it had written has been removed when this is thrown.
 */
public class ImageCancelledException extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    public ImageCancelledException(String message) {
        super(message);
    }
}
