package io.jlxd.daemon.image;

import io.jlxd.storage.image.Compression;
import io.jlxd.storage.image.ImageCancelledException;
import io.jlxd.storage.image.ImageFiles;
import io.jlxd.storage.image.InvalidImageException;
import io.jlxd.storage.image.TarEntry;
import io.jlxd.storage.image.TarReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Reads an uploaded image through to its end before it is accepted: a truncated or corrupt archive (or
 * compressed stream), absolute names, {@code ..} components and entries outside the image layout are refused
 * with {@link InvalidImageException}. Unpacking checks much more (symlinks, hardlinks, devices); this pass makes
 * sure that what the store keeps is at least a whole, well-formed image.
 */
final class ImageCheck {
    private static final long TRAILER_MAX = 1 << 20;

    private ImageCheck() {
    }

    private enum Kind {
        UNIFIED, METADATA, ROOTFS
    }

    static void scan(ImageFiles files, BooleanSupplier cancelled) throws IOException {
        if (files.isSplit()) {
            scan(files.metadata(), Kind.METADATA, cancelled);
            scan(files.rootfs().orElseThrow(), Kind.ROOTFS, cancelled);
        } else {
            scan(files.metadata(), Kind.UNIFIED, cancelled);
        }
    }

    private static void scan(Path file, Kind kind, BooleanSupplier cancelled) throws IOException {
        String what = kind == Kind.ROOTFS ? "the rootfs tarball" : kind == Kind.METADATA ? "the metadata tarball" : "the image";
        long entries = 0;
        try (InputStream raw = Compression.open(file); TarReader tar = new TarReader(raw)) {
            TarEntry e;
            while ((e = tar.next()) != null) {
                check(e.name(), kind, what);
                if ((++entries & 255) == 0 && (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted())) {
                    throw new ImageCancelledException("image upload cancelled");
                }
            }
            tar.drain(TRAILER_MAX);
        } catch (EOFException e) {
            throw new InvalidImageException(what + " is truncated", e);
        } catch (InvalidImageException | ImageCancelledException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidImageException(what + " is corrupt: " + e.getMessage(), e);
        }
        if (entries == 0) {
            throw new InvalidImageException(what + " has no entries");
        }
    }

    private static void check(String name, Kind kind, String what) throws InvalidImageException {
        String shown = TarEntry.display(name);
        if (name.startsWith("/")) {
            throw new InvalidImageException(what + ": absolute member name '" + shown + "'");
        }
        String first = null;
        for (String c : name.split("/")) {
            if (c.equals("..")) {
                throw new InvalidImageException(what + ": member name with '..': '" + shown + "'");
            }
            if (first == null && !c.isEmpty() && !c.equals(".")) {
                first = c;
            }
        }
        if (first == null || kind == Kind.ROOTFS) {
            return;
        }
        boolean ok = first.equals("metadata.yaml") || first.equals("templates")
                || (kind == Kind.UNIFIED && first.equals("rootfs"));
        if (!ok) {
            throw new InvalidImageException(what + ": unexpected member '" + shown + "' (expected metadata.yaml, "
                    + (kind == Kind.UNIFIED ? "rootfs/, " : "") + "templates/)");
        }
    }
}
