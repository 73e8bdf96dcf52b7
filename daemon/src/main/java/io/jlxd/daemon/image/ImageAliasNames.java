package io.jlxd.daemon.image;

import io.jlxd.daemon.http.ApiException;

/** LXD's rule for alias names: not empty, no "/", no control characters, at most 255 bytes. */
public final class ImageAliasNames {
    private ImageAliasNames() {
    }

    public static String check(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("Alias name must not be empty");
        }
        if (name.contains("/")) {
            throw ApiException.badRequest("Alias names may not contain slashes: \"" + name + "\"");
        }
        if (name.length() > 255 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.badRequest("Invalid alias name \"" + name + "\"");
        }
        return name;
    }
}
