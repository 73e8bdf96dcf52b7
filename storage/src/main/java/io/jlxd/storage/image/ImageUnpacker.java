package io.jlxd.storage.image;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Unpacks an image (unified tarball, or split metadata + rootfs pair) into a directory, the way LXD lays out an
 * instance: {@code target/metadata.yaml}, {@code target/templates/}, {@code target/rootfs/}.
 *
 * <h2>Safety</h2>
 * The archive is untrusted. Every entry is written relative to an open directory file descriptor, one
 * component at a time, with {@code O_NOFOLLOW}/{@code AT_SYMLINK_NOFOLLOW}: nothing is ever written through a
 * symlink, whether the archive placed it or not. Refused, with an {@link InvalidImageException} naming the
 * entry:
 * <ul>
 * <li>any {@code ..} component (for hardlink targets too). A leading {@code /} is stripped, as GNU tar and LXD
 *     do ({@code /rootfs/etc/inittab} is {@code rootfs/etc/inittab}), so an absolute name never leaves the
 *     target;</li>
 * <li>an entry whose parent directory is a symlink or a file (e.g. {@code rootfs/evil -> /etc} followed by
 *     {@code rootfs/evil/passwd});</li>
 * <li>relative symlinks that climb above rootfs/ ({@code rootfs/etc/x -> ../../../../etc}). Absolute symlink
 *     targets are normal in a root file system ({@code /sbin/init -> /lib/systemd/systemd}); they are resolved
 *     inside the container, and this class never follows them;</li>
 * <li>hardlinks to anything that is not an earlier entry inside rootfs/, or to a directory;</li>
 * <li>symlinks, hardlinks and special files outside rootfs/ (metadata.yaml and templates/ must be regular files);</li>
 * <li>character/block devices and fifos anywhere but under rootfs/dev/; there, LXD images carry none and
 *     liblxc's autodev mounts a fresh /dev over the directory, so by default they are skipped
 *     ({@link DevicePolicy});</li>
 * <li>an entry replacing a directory, ids outside the container's id range, more data than
 *     {@link Options#maxBytes()}, paths deeper than {@value #MAX_DEPTH} directories, and everything
 *     {@link TarReader} refuses (corrupt or truncated archives, oversized headers, sparse files).</li>
 * </ul>
 *
 * <h2>What is kept</h2>
 * File types, permission bits including setuid/setgid/sticky, numeric ownership (shifted by {@link IdShift}
 * for unprivileged containers: chown happens before chmod, so setuid bits survive it, and file capabilities are
 * written after it), modification times (symlinks and directories included), symlinks, hardlinks, and the
 * extended attributes {@code user.*}, {@code security.capability} and POSIX ACLs
 * ({@code system.posix_acl_access/default}) from pax {@code SCHILY.xattr} records, as GNU tar --xattrs writes
 * them (the root id of a v3 capability and the named users and groups of an ACL are shifted too). Other
 * xattrs ({@code trusted.*} could steer overlayfs, {@code security.selinux} and {@code security.ima} belong to
 * the host's policy) are skipped and counted. Xattrs of symlinks are not restored. metadata.yaml and templates/ belong to host root
 * and lose setuid bits whatever the archive says.
 *
 * <h2>Atomicity</h2>
 * Everything is extracted into a private (0700) sibling directory {@code .NAME.jlxd-unpack-RANDOM}, renamed onto
 * the target (which must not exist) only when complete. Any failure, cancellation or interruption removes it:
 * the target is either complete or absent. A crash of the JVM can leave the sibling behind:
 * {@link #removeStale(Path)} at daemon start removes those.
 */
public final class ImageUnpacker {
    /** Deepest directory nesting accepted (real root file systems stay under 30). */
    public static final int MAX_DEPTH = 128;
    static final String STAGING_MARKER = ".jlxd-unpack-";
    static final int WARNINGS_KEPT = 20;
    static final String CAPABILITY = "security.capability";
    static final String ACL_ACCESS = "system.posix_acl_access";
    static final String ACL_DEFAULT = "system.posix_acl_default";
    /** Data after the end of the archive read to verify the compressed stream's trailer (padding is ~10 KiB). */
    static final long TRAILING_CHECKED = 16 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ImageUnpacker() {
    }

    /** What to do with character/block devices and fifos found under rootfs/dev/ (refused anywhere else). */
    public enum DevicePolicy {
        /** Refuse the image. */
        REFUSE,
        /** Skip them and count them in {@link Result#devicesSkipped()} (default: autodev populates /dev). */
        SKIP_IN_DEV,
        /** Create them (privileged containers without autodev; needs CAP_MKNOD). */
        CREATE_IN_DEV
    }

    /**
     * How container ids map to host ids: an id {@code n} of the image becomes {@code n + offset} on disk;
     * ids at or above {@code size} are refused. {@link #NONE} keeps ids unchanged (privileged containers).
     */
    public record IdShift(long uidOffset, long gidOffset, long size) {
        public static final IdShift NONE = new IdShift(0, 0, 0);

        public IdShift {
            if (uidOffset < 0 || gidOffset < 0 || size < 0 || uidOffset + size > 0xffffffffL
                    || gidOffset + size > 0xffffffffL) {
                throw new IllegalArgumentException("invalid id shift " + uidOffset + "/" + gidOffset + "/" + size);
            }
            if (size == 0 && (uidOffset != 0 || gidOffset != 0)) {
                throw new IllegalArgumentException("an id shift needs a range size");
            }
        }

        /** The same host base for uids and gids, like {@code lxc.idmap = u 0 BASE SIZE} / {@code g 0 BASE SIZE}. */
        public static IdShift of(long base, long size) {
            return new IdShift(base, base, size);
        }

        public boolean isNone() {
            return size == 0;
        }
    }

    /**
     * @param idShift    ownership shift (default none)
     * @param devices    special files under rootfs/dev/ (default skipped)
     * @param xattrs     restore user.*, security.capability and POSIX ACL xattrs (default true)
     * @param progress   bytes of the image files consumed, of their total size
     * @param cancelled  polled between entries and data chunks; true (or thread interruption) stops the unpack
     * @param maxBytes   refuse images whose files add up to more than this (default unlimited)
     * @param maxEntries refuse archives with more entries (default unlimited)
     * @param targetMode permission bits of the target directory itself (default 0700; 0711 lets an
     *                   unprivileged container's root traverse it)
     */
    public record Options(IdShift idShift, DevicePolicy devices, boolean xattrs, ProgressListener progress,
            BooleanSupplier cancelled, long maxBytes, long maxEntries, int targetMode) {
        public Options {
            Objects.requireNonNull(idShift);
            Objects.requireNonNull(devices);
            Objects.requireNonNull(progress);
            Objects.requireNonNull(cancelled);
            if (maxBytes <= 0 || maxEntries <= 0 || (targetMode & ~07777) != 0) {
                throw new IllegalArgumentException("invalid unpack limits or mode");
            }
        }

        public static Options defaults() {
            return new Options(IdShift.NONE, DevicePolicy.SKIP_IN_DEV, true, ProgressListener.NONE, () -> false,
                    Long.MAX_VALUE, Long.MAX_VALUE, 0700);
        }

        public Options withIdShift(IdShift s) {
            return new Options(s, devices, xattrs, progress, cancelled, maxBytes, maxEntries, targetMode);
        }

        public Options withDevices(DevicePolicy d) {
            return new Options(idShift, d, xattrs, progress, cancelled, maxBytes, maxEntries, targetMode);
        }

        public Options withXattrs(boolean x) {
            return new Options(idShift, devices, x, progress, cancelled, maxBytes, maxEntries, targetMode);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(idShift, devices, xattrs, p, cancelled, maxBytes, maxEntries, targetMode);
        }

        public Options withCancellation(BooleanSupplier c) {
            return new Options(idShift, devices, xattrs, progress, c, maxBytes, maxEntries, targetMode);
        }

        public Options withLimits(long bytes, long entries) {
            return new Options(idShift, devices, xattrs, progress, cancelled, bytes, entries, targetMode);
        }

        public Options withTargetMode(int mode) {
            return new Options(idShift, devices, xattrs, progress, cancelled, maxBytes, maxEntries, mode);
        }
    }

    /**
     * @param target          the directory now holding metadata.yaml, templates/ and rootfs/
     * @param metadata        the image's parsed metadata.yaml
     * @param entries         archive entries processed
     * @param bytes           bytes of file data written
     * @param devicesSkipped  special files skipped under rootfs/dev/
     * @param entriesIgnored  entries outside metadata.yaml, templates/ and rootfs/ (not extracted)
     * @param xattrsApplied   extended attributes restored
     * @param xattrsSkipped   extended attributes not restored (namespace not accepted, or unsupported here)
     * @param warnings        the first few things worth telling the user (what was skipped and why)
     * @param elapsed         wall time
     */
    public record Result(Path target, ImageMetadata metadata, long entries, long bytes, int devicesSkipped,
            int entriesIgnored, int xattrsApplied, int xattrsSkipped, List<String> warnings, Duration elapsed) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    // ------------------------------------------------------------------------------------------ entry points

    /** Unpacks an image as stored ({@link ImageFiles#unified} or {@link ImageFiles#split}). */
    public static Result unpack(ImageFiles image, Path target, Options options) throws IOException {
        return image.isSplit() ? unpackSplit(image.metadata(), image.rootfs().orElseThrow(), target, options)
                : unpackUnified(image.metadata(), target, options);
    }

    /** Unpacks a unified tarball (metadata.yaml, templates/, rootfs/ in one archive). */
    public static Result unpackUnified(Path tarball, Path target, Options options) throws IOException {
        return run(target, options, List.of(new Source(tarball, Layout.UNIFIED)));
    }

    /** Unpacks a split image: the metadata tarball into target/, the rootfs tarball into target/rootfs/. */
    public static Result unpackSplit(Path metadataTarball, Path rootfsTarball, Path target, Options options)
            throws IOException {
        return run(target, options, List.of(new Source(metadataTarball, Layout.SPLIT_METADATA),
                new Source(rootfsTarball, Layout.SPLIT_ROOTFS)));
    }

    /**
     * Removes what interrupted unpacks (a crash, kill -9) left in {@code parent}: the hidden
     * {@code .NAME.jlxd-unpack-*} directories. Returns how many were removed.
     */
    public static int removeStale(Path parent) throws IOException {
        int n = 0;
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (var list = Files.newDirectoryStream(parent, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(".") && f.contains(STAGING_MARKER);
        })) {
            for (Path p : list) {
                removeTree(p);
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ driver

    enum Layout {
        UNIFIED, SPLIT_METADATA, SPLIT_ROOTFS
    }

    /** Which part of the image an entry belongs to. */
    enum Domain {
        ROOTFS, METADATA, TEMPLATES, IGNORED
    }

    record Source(Path file, Layout layout) {
    }

    private static Result run(Path target, Options options, List<Source> sources) throws IOException {
        long start = System.nanoTime();
        if (Thread.currentThread().isInterrupted() || options.cancelled().getAsBoolean()) {
            throw new ImageCancelledException("image unpack cancelled");
        }
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        if (parent == null || t.getFileName() == null) {
            throw new IllegalArgumentException("cannot unpack into " + target);
        }
        if (!Files.isDirectory(parent)) {
            throw new NoSuchFileException(parent.toString(), null, "parent directory of the unpack target does not exist");
        }
        if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(t.toString(), null, "unpack target already exists");
        }
        long total = 0;
        for (Source s : sources) {
            total += Files.size(s.file());
        }
        Path staging = parent.resolve("." + t.getFileName() + STAGING_MARKER + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        boolean done = false;
        try (NativeFs fs = new NativeFs()) {
            int rootFd = fs.openDirectory(NativeFs.AT_FDCWD, NativeFs.hostPath(staging), staging.toString());
            ImageExtraction ex = new ImageExtraction(fs, rootFd, options, total);
            try {
                for (Source s : sources) {
                    ex.extract(s);
                }
                ex.finish();
                fs.fchmod(rootFd, options.targetMode(), t.toString());
            } finally {
                ex.closeAll();
                fs.close(rootFd);
            }
            if (ex.metadata == null) {
                throw new InvalidImageException("the image has no metadata.yaml");
            }
            if (!ex.sawRootfs) {
                throw new InvalidImageException("the image has no rootfs");
            }
            ex.checkCancelled();
            fs.renameNoReplace(NativeFs.hostPath(staging), NativeFs.hostPath(t), t.toString());
            done = true;
            options.progress().progress(total, total);
            return new Result(t, ex.metadata, ex.entries, ex.bytes, ex.devicesSkipped, ex.ignored, ex.xattrsApplied,
                    ex.xattrsSkipped, ex.warnings, Duration.ofNanos(System.nanoTime() - start));
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw new ImageCancelledException("image unpack cancelled (thread interrupted)");
        } finally {
            if (!done) {
                removeTree(staging);
            }
        }
    }

    /** Removes a tree without following symlinks or trusting names to be valid text. */
    public static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path abs = dir.toAbsolutePath();
        try (NativeFs fs = new NativeFs()) {
            int parent = fs.openDirectory(NativeFs.AT_FDCWD, NativeFs.hostPath(abs.getParent()), abs.getParent().toString());
            try {
                fs.removeTree(parent, NativeFs.hostPath(abs.getFileName()), abs.toString());
            } finally {
                fs.close(parent);
            }
        }
    }


    // ------------------------------------------------------------------------------------------ names

    /**
     * Splits a member name into components, dropping "." and empty ones (so a leading "/" is stripped, like GNU
     * tar's "Removing leading `/' from member names"); refuses ".." and names that are too long or too deep.
     */
    static List<String> components(String name, String what) throws InvalidImageException {
        if (name.indexOf('\0') >= 0) {
            throw new InvalidImageException("refused " + what + ": NUL byte in the name");
        }
        if (name.length() >= NativeFs.PATH_MAX) {
            throw new InvalidImageException("refused " + what + ": name longer than " + NativeFs.PATH_MAX + " bytes");
        }
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new InvalidImageException("refused " + what + ": '..' component escapes the target");
            }
            if (c.length() > NativeFs.NAME_MAX) {
                throw new InvalidImageException("refused " + what + ": a component is longer than "
                        + NativeFs.NAME_MAX + " bytes");
            }
            out.add(c);
        }
        if (out.size() > MAX_DEPTH) {
            throw new InvalidImageException("refused " + what + ": nested deeper than " + MAX_DEPTH + " directories");
        }
        return out;
    }

    static InvalidImageException refuse(String entry, String why) {
        return new InvalidImageException("refused " + entry + ": " + why);
    }
}
