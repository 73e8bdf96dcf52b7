/**
 * Container images in LXD's formats: upload, storage, fingerprint, metadata and safe unpacking.
 *
 * <h2>Formats</h2>
 * A <b>unified</b> image is one tarball holding {@code metadata.yaml}, {@code rootfs/} and optionally
 * {@code templates/}; a <b>split</b> image is a metadata tarball (metadata.yaml, templates/) plus a rootfs
 * tarball (the root file system at its top level). Each may be gzip- or xz-compressed or plain tar, detected by
 * magic bytes ({@link io.jlxd.storage.image.Compression}); squashfs, qcow2, zstd, bzip2 and friends are refused
 * with a message naming what was found. The fingerprint ({@link io.jlxd.storage.image.ImageFingerprint}) is the
 * SHA-256 of the unified file, or of the metadata file's bytes followed by the rootfs file's bytes.
 *
 * <h2>For POST /1.0/images</h2>
 * <pre>
 * ImageStore store = ImageStore.open(dataDir.resolve("images"));     // at daemon start: cleans up crashes
 * try (ImageUpload up = store.newUpload(ImageUpload.Options.defaults()
 *         .withProgress((done, total) -&gt; op.progress(done, total), contentLength)
 *         .withCancellation(op::isCancelled))) {
 *     up.writeUnified(body);                          // or writeMetadata(part "metadata"); writeRootfs(part "rootfs")
 *     StagedImage img = up.finish(header("X-LXD-fingerprint"));  // InvalidImageException -&gt; 400
 *     ImageFiles files = up.commit();                 // images/&lt;fp&gt; [+ .rootfs]; ImageExistsException if known
 *     ... insert the database row from img.metadata(), img.size(), files ...
 * }
 * </pre>
 * and for creating an instance from it:
 * <pre>
 * ImageUnpacker.removeStale(containersDir);          // at daemon start
 * ImageUnpacker.Result r = ImageUnpacker.unpack(store.find(fp).orElseThrow(), containersDir.resolve(name),
 *         ImageUnpacker.Options.defaults().withIdShift(IdShift.of(1000000, 65536)).withTargetMode(0711)
 *                 .withProgress(...).withCancellation(...));
 * </pre>
 * The unpacked directory has LXD's instance layout: {@code metadata.yaml}, {@code templates/}, {@code rootfs/}.
 *
 * <h2>Decisions</h2>
 * <ul>
 * <li>Untrusted archives: see {@link io.jlxd.storage.image.ImageUnpacker} for everything refused. Writes go
 *     through directory file descriptors with O_NOFOLLOW (FFM calls to libc, {@code NativeFs}), so nothing is
 *     ever written through a symlink; absolute symlinks are allowed inside rootfs/ (they are how distributions
 *     link) but never followed by jlxd.</li>
 * <li>Device nodes and fifos: only under rootfs/dev/, and skipped there by default (LXD images carry none;
 *     liblxc's autodev mounts a tmpfs on /dev; an unprivileged container could not use them anyway). Anywhere
 *     else they refuse the image.</li>
 * <li>Ownership is numeric (user names in the archive are ignored); for unprivileged containers it is shifted
 *     while unpacking (no second chown pass), keeping setuid/setgid bits, file capabilities (v3 root id
 *     shifted) and POSIX ACLs (named ids shifted). metadata.yaml and templates/ stay host root's.</li>
 * <li>xattrs restored: user.*, security.capability, system.posix_acl_*; skipped (counted): trusted.*,
 *     security.selinux, security.ima and others.</li>
 * <li>Everything lands in a hidden sibling directory renamed onto the target at the end: complete or absent.</li>
 * </ul>
 */
package io.jlxd.storage.image;
