package io.jlxd.storage.image;

import static io.jlxd.storage.image.ImageUnpacker.ACL_ACCESS;
import static io.jlxd.storage.image.ImageUnpacker.ACL_DEFAULT;
import static io.jlxd.storage.image.ImageUnpacker.CAPABILITY;
import static io.jlxd.storage.image.ImageUnpacker.TRAILING_CHECKED;
import static io.jlxd.storage.image.ImageUnpacker.WARNINGS_KEPT;
import static io.jlxd.storage.image.ImageUnpacker.components;
import static io.jlxd.storage.image.ImageUnpacker.refuse;

import io.jlxd.storage.image.ImageUnpacker.DevicePolicy;
import io.jlxd.storage.image.ImageUnpacker.Domain;
import io.jlxd.storage.image.ImageUnpacker.IdShift;
import io.jlxd.storage.image.ImageUnpacker.Layout;
import io.jlxd.storage.image.ImageUnpacker.Options;
import io.jlxd.storage.image.ImageUnpacker.Source;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One unpack for {@link ImageUnpacker} (its class comment has the rules this enforces): the staging directory's fd, a
 * cursor of open parent directories, counters, and the writing of each tar entry.
 */
final class ImageExtraction {
    private final NativeFs fs;
    private final int rootFd;
    private final Options o;
    private final boolean chown; // as root, or when shifting (non-root callers keep their own ids, like tar)
    private final long totalInput;
    private long inputBefore; // bytes of earlier sources
    private final byte[] buf = new byte[NativeFs.ioBufferSize()];
    private final List<String> cursorPath = new ArrayList<>();
    private final List<Integer> cursorFds = new ArrayList<>();
    private final Map<List<String>, long[]> dirTimes = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    ImageMetadata metadata;
    boolean sawRootfs;
    long entries;
    long bytes;
    int devicesSkipped;
    int ignored;
    int xattrsApplied;
    int xattrsSkipped;

    ImageExtraction(NativeFs fs, int rootFd, Options o, long totalInput) {
        this.fs = fs;
        this.rootFd = rootFd;
        this.o = o;
        this.chown = NativeFs.geteuid() == 0 || !o.idShift().isNone();
        this.totalInput = totalInput;
    }

    void checkCancelled() throws ImageCancelledException {
        if (Thread.currentThread().isInterrupted() || o.cancelled().getAsBoolean()) {
            throw new ImageCancelledException("image unpack cancelled");
        }
    }

    void warn(String w) {
        if (warnings.size() < WARNINGS_KEPT) {
            warnings.add(w);
        }
    }

    void extract(Source s) throws IOException {
        Compression c = Compression.detect(s.file());
        Progress counting = new Progress(Files.newInputStream(s.file()), inputBefore);
        try (TarReader tar = new TarReader(c.decompress(counting))) {
            TarEntry e;
            while (true) {
                checkCancelled();
                e = tar.next();
                if (e == null) {
                    break;
                }
                if (++entries > o.maxEntries()) {
                    throw new InvalidImageException("the image has more than " + o.maxEntries() + " entries");
                }
                apply(e, tar, s.layout());
            }
            tar.drain(TRAILING_CHECKED); // lets gzip/xz verify their trailer and checksum
        }
        inputBefore += Files.size(s.file());
    }

    /** Counts the compressed bytes read and reports progress about once per MiB. */
    private final class Progress extends FilterInputStream {
        private final long base;
        private long count;
        private long reported;

        Progress(InputStream in, long base) {
            super(in);
            this.base = base;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count - reported >= (1 << 20)) {
                reported = count;
                o.progress().progress(base + count, totalInput);
            }
        }
    }

    // -------------------------------------------------------------------------------------- one entry

    private void apply(TarEntry e, TarReader tar, Layout layout) throws IOException {
        String shown = TarEntry.display(e.name());
        List<String> comps = components(e.name(), "entry " + shown);
        if (layout == Layout.SPLIT_ROOTFS) {
            comps.addFirst("rootfs");
        }
        if (comps.isEmpty()) {
            return; // the archive's own root ("./")
        }
        Domain d = domain(comps, layout);
        if (d == Domain.IGNORED) {
            ignored++;
            return;
        }
        shown = TarEntry.display(String.join("/", comps));
        TarEntry.Type type = e.type();
        if (d != Domain.ROOTFS && type != TarEntry.Type.FILE && type != TarEntry.Type.DIRECTORY) {
            throw refuse(shown, "only regular files and directories are allowed outside rootfs/, this is a "
                    + type.label());
        }
        if (d == Domain.METADATA && type != TarEntry.Type.FILE) {
            throw refuse(shown, "metadata.yaml must be a regular file");
        }
        if (comps.size() == 1 && (d == Domain.ROOTFS || d == Domain.TEMPLATES) && type != TarEntry.Type.DIRECTORY) {
            throw refuse(shown, comps.getFirst() + " must be a directory, this is a " + type.label());
        }
        if (d == Domain.ROOTFS) {
            sawRootfs = true;
        }
        if (type.isSpecial()) {
            boolean inDev = d == Domain.ROOTFS && comps.size() >= 3 && comps.get(1).equals("dev");
            String what = type.label() + (type == TarEntry.Type.FIFO ? "" : " " + e.devMajor() + ":" + e.devMinor());
            if (!inDev) {
                throw refuse(shown, what + ": device nodes and fifos are only accepted under rootfs/dev/");
            }
            if (o.devices() == DevicePolicy.REFUSE) {
                throw refuse(shown, what + ": device nodes are not accepted in images");
            }
            if (o.devices() == DevicePolicy.SKIP_IN_DEV) {
                devicesSkipped++;
                if (devicesSkipped == 1) {
                    warn("device nodes under rootfs/dev/ skipped (/dev is populated when the container starts)");
                }
                return;
            }
        }
        long uid = d == Domain.ROOTFS ? shift(e.uid(), o.idShift().uidOffset(), "uid", shown) : 0;
        long gid = d == Domain.ROOTFS ? shift(e.gid(), o.idShift().gidOffset(), "gid", shown) : 0;
        int mode = d == Domain.ROOTFS ? e.mode() & 07777 : e.mode() & 0777;
        if (d == Domain.METADATA && e.size() > ImageMetadata.MAX_BYTES) {
            throw refuse(shown, "metadata.yaml is " + e.size() + " bytes (limit " + ImageMetadata.MAX_BYTES + ")");
        }
        if (type == TarEntry.Type.FILE && e.size() > o.maxBytes() - bytes) {
            throw new InvalidImageException("the image expands to more than " + o.maxBytes() + " bytes (at "
                    + shown + ")");
        }

        int parentFd = walk(comps.subList(0, comps.size() - 1), d, shown);
        String name = comps.getLast();
        switch (type) {
            case DIRECTORY -> directory(parentFd, name, comps, uid, gid, mode, e, d, shown);
            case FILE -> file(parentFd, name, uid, gid, mode, e, d, tar, shown);
            case SYMLINK -> symlink(parentFd, name, comps, uid, gid, e, shown);
            case HARDLINK -> hardlink(parentFd, name, comps, e, layout, shown);
            case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> special(parentFd, name, uid, gid, mode, e, shown);
        }
    }

    private Domain domain(List<String> comps, Layout layout) {
        String first = comps.getFirst();
        return switch (first) {
            case "rootfs" -> layout == Layout.SPLIT_METADATA ? Domain.IGNORED : Domain.ROOTFS;
            case "templates" -> layout == Layout.SPLIT_ROOTFS ? Domain.ROOTFS : Domain.TEMPLATES;
            case ImageMetadata.FILE_NAME -> comps.size() == 1 ? Domain.METADATA : Domain.IGNORED;
            default -> Domain.IGNORED;
        };
    }

    private long shift(long id, long offset, String what, String shown) throws InvalidImageException {
        IdShift s = o.idShift();
        if (s.isNone()) {
            if (id > 0xfffffffeL) {
                throw refuse(shown, what + " " + id + " is not a valid id");
            }
            return id;
        }
        if (id >= s.size()) {
            throw refuse(shown, what + " " + id + " is outside the container's id range 0-" + (s.size() - 1));
        }
        return id + offset;
    }

    /** Opens (creating where missing) the directory {@code dir} below the staging root, never following symlinks. */
    private int walk(List<String> dir, Domain d, String shown) throws IOException {
        int common = 0;
        while (common < cursorPath.size() && common < dir.size() && cursorPath.get(common).equals(dir.get(common))) {
            common++;
        }
        while (cursorPath.size() > common) {
            fs.close(cursorFds.removeLast());
            cursorPath.removeLast();
        }
        for (int i = common; i < dir.size(); i++) {
            int parent = i == 0 ? rootFd : cursorFds.getLast();
            String comp = dir.get(i);
            String here = TarEntry.display(String.join("/", dir.subList(0, i + 1)));
            int fd;
            try {
                fd = fs.openDirectory(parent, comp, here);
            } catch (NativeFs.ErrnoException ex) {
                if (ex.errno() != NativeFs.ENOENT) {
                    throw notADirectory(parent, comp, here, shown, ex);
                }
                // implicit parent: root-owned (the container's root for rootfs/), 0755
                fs.mkdirat(parent, comp, 0755, here);
                fd = fs.openDirectory(parent, comp, here);
                try {
                    long owner = d == Domain.ROOTFS ? shift(0, o.idShift().uidOffset(), "uid", here) : 0;
                    long group = d == Domain.ROOTFS ? shift(0, o.idShift().gidOffset(), "gid", here) : 0;
                    if (chown) {
                        fs.fchown(fd, owner, group, here);
                    }
                    fs.fchmod(fd, 0755, here);
                } catch (IOException x) {
                    fs.close(fd);
                    throw x;
                }
            }
            cursorPath.add(comp);
            cursorFds.add(fd);
        }
        return dir.isEmpty() ? rootFd : cursorFds.getLast();
    }

    private IOException notADirectory(int parent, String comp, String here, String shown,
            NativeFs.ErrnoException ex) throws IOException {
        NativeFs.Stat st = fs.lstatat(parent, comp, here);
        if (st != null && st.isSymlink()) {
            return refuse(shown, "refusing to write through the symlink " + here);
        }
        if (st != null && !st.isDirectory()) {
            return refuse(shown, here + " is not a directory");
        }
        return ex;
    }

    /** Deletes whatever non-directory occupies {@code name}; refuses to replace a directory. */
    private void clear(int parentFd, String name, String shown) throws IOException {
        NativeFs.Stat st = fs.lstatat(parentFd, name, shown);
        if (st == null) {
            return;
        }
        if (st.isDirectory()) {
            throw refuse(shown, "would replace a directory");
        }
        fs.unlinkat(parentFd, name, false, shown);
    }

    private void directory(int parentFd, String name, List<String> comps, long uid, long gid, int mode,
            TarEntry e, Domain d, String shown) throws IOException {
        NativeFs.Stat st = fs.lstatat(parentFd, name, shown);
        if (st != null && !st.isDirectory()) {
            fs.unlinkat(parentFd, name, false, shown);
            st = null;
        }
        if (st == null) {
            fs.mkdirat(parentFd, name, 0700, shown);
        }
        int fd = fs.openDirectory(parentFd, name, shown);
        try {
            if (chown) {
                fs.fchown(fd, uid, gid, shown);
            }
            fs.fchmod(fd, mode, shown);
            if (d == Domain.ROOTFS) {
                xattrs(fd, e, shown);
            }
        } finally {
            fs.close(fd);
        }
        dirTimes.put(List.copyOf(comps), new long[] {e.mtime(), e.mtimeNanos()});
    }

    private void file(int parentFd, String name, long uid, long gid, int mode, TarEntry e, Domain d,
            TarReader tar, String shown) throws IOException {
        byte[] metadataBytes = null;
        if (d == Domain.METADATA) { // validate before writing anything else
            metadataBytes = tar.entryStream().readNBytes((int) e.size());
            metadata = ImageMetadata.parse(metadataBytes);
        }
        int fd;
        try {
            fd = fs.createFile(parentFd, name, 0600, shown);
        } catch (NativeFs.ErrnoException ex) {
            if (ex.errno() != NativeFs.EEXIST) {
                throw ex;
            }
            clear(parentFd, name, shown);
            fd = fs.createFile(parentFd, name, 0600, shown);
        }
        try {
            if (metadataBytes != null) {
                fs.write(fd, metadataBytes, 0, metadataBytes.length, shown);
                bytes += metadataBytes.length;
            } else {
                int n;
                while ((n = tar.read(buf, 0, buf.length)) > 0) {
                    fs.write(fd, buf, 0, n, shown);
                    bytes += n;
                    checkCancelled();
                }
            }
            if (chown) {
                fs.fchown(fd, uid, gid, shown);
            }
            fs.fchmod(fd, mode, shown); // after chown, which clears setuid/setgid
            if (d == Domain.ROOTFS) {
                xattrs(fd, e, shown);   // after chown, which clears security.capability
            }
            fs.futimens(fd, e.mtime(), e.mtimeNanos(), shown);
        } finally {
            fs.close(fd);
        }
    }

    private void symlink(int parentFd, String name, List<String> comps, long uid, long gid, TarEntry e,
            String shown) throws IOException {
        String target = e.linkName();
        if (target.isEmpty()) {
            throw refuse(shown, "symlink with an empty target");
        }
        if (!target.startsWith("/")) {
            // relative: resolve lexically from the link's directory; it must stay inside rootfs/
            int depth = comps.size() - 2; // directories below rootfs/
            for (String c : target.split("/")) {
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                depth += c.equals("..") ? -1 : 1;
                if (depth < 0) {
                    throw refuse(shown, "symlink target " + TarEntry.display(target) + " points outside the rootfs");
                }
            }
        }
        try {
            fs.symlinkat(target, parentFd, name, shown);
        } catch (NativeFs.ErrnoException ex) {
            if (ex.errno() != NativeFs.EEXIST) {
                throw ex;
            }
            clear(parentFd, name, shown);
            fs.symlinkat(target, parentFd, name, shown);
        }
        if (chown) {
            fs.lchownat(parentFd, name, uid, gid, shown);
        }
        fs.lutimensat(parentFd, name, e.mtime(), e.mtimeNanos(), shown);
        if (!e.xattrs().isEmpty()) {
            xattrsSkipped += e.xattrs().size();
        }
    }

    private void hardlink(int parentFd, String name, List<String> comps, TarEntry e, Layout layout,
            String shown) throws IOException {
        String link = e.linkName(); // a leading "/" is stripped, like member names: it names an entry
        List<String> target = components(link, "hardlink " + shown + " -> " + TarEntry.display(link));
        if (layout == Layout.SPLIT_ROOTFS) {
            target.addFirst("rootfs");
        }
        if (target.size() < 2 || !target.getFirst().equals("rootfs") || layout == Layout.SPLIT_METADATA) {
            throw refuse(shown, "hardlink target " + TarEntry.display(link) + " is not inside the rootfs");
        }
        if (target.equals(comps)) {
            return; // a link to itself: nothing to do
        }
        String targetShown = TarEntry.display(String.join("/", target));
        int dirFd = rootFd;
        List<Integer> opened = new ArrayList<>();
        try {
            for (String c : target.subList(0, target.size() - 1)) {
                try {
                    dirFd = fs.openDirectory(dirFd, c, targetShown);
                } catch (NativeFs.ErrnoException ex) {
                    if (ex.errno() == NativeFs.ENOENT) {
                        throw refuse(shown, "hardlink target " + targetShown
                                + " does not exist (it must be an earlier entry of the archive)");
                    }
                    if (ex.errno() == NativeFs.ELOOP || ex.errno() == NativeFs.ENOTDIR) {
                        throw refuse(shown, "hardlink target " + targetShown
                                + " goes through a symlink or a file");
                    }
                    throw ex;
                }
                opened.add(dirFd);
            }
            String targetName = target.getLast();
            NativeFs.Stat st = fs.lstatat(dirFd, targetName, targetShown);
            if (st == null) {
                throw refuse(shown, "hardlink target " + targetShown
                        + " does not exist (it must be an earlier entry of the archive)");
            }
            if (st.isDirectory()) {
                throw refuse(shown, "hardlink to the directory " + targetShown);
            }
            try {
                fs.linkat(dirFd, targetName, parentFd, name, shown);
            } catch (NativeFs.ErrnoException ex) {
                if (ex.errno() != NativeFs.EEXIST) {
                    throw ex;
                }
                NativeFs.Stat existing = fs.lstatat(parentFd, name, shown);
                if (existing != null && existing.ino() == st.ino()) {
                    return; // already that inode
                }
                clear(parentFd, name, shown);
                fs.linkat(dirFd, targetName, parentFd, name, shown);
            }
        } finally {
            for (int fd : opened) {
                fs.close(fd);
            }
        }
    }

    private void special(int parentFd, String name, long uid, long gid, int mode, TarEntry e, String shown)
            throws IOException {
        int typeBits = switch (e.type()) {
            case CHAR_DEVICE -> NativeFs.S_IFCHR;
            case BLOCK_DEVICE -> NativeFs.S_IFBLK;
            default -> NativeFs.S_IFIFO;
        };
        clear(parentFd, name, shown);
        fs.mknodat(parentFd, name, typeBits | (mode & 0777), e.devMajor(), e.devMinor(), shown);
        if (chown) {
            fs.lchownat(parentFd, name, uid, gid, shown);
        }
        fs.fchmodat(parentFd, name, mode, shown); // just created by us: not a symlink
        fs.lutimensat(parentFd, name, e.mtime(), e.mtimeNanos(), shown);
    }

    private void xattrs(int fd, TarEntry e, String shown) throws IOException {
        if (e.xattrs().isEmpty()) {
            return;
        }
        if (!o.xattrs()) {
            xattrsSkipped += e.xattrs().size();
            return;
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            String name = x.getKey();
            boolean acl = name.equals(ACL_ACCESS) || name.equals(ACL_DEFAULT);
            boolean accepted = name.startsWith("user.") || name.equals(CAPABILITY) || acl;
            if (!accepted) {
                xattrsSkipped++;
                warn("xattr " + TarEntry.display(name) + " of " + shown + " not restored (namespace not accepted)");
                continue;
            }
            byte[] value = name.equals(CAPABILITY) ? shiftCapability(x.getValue(), shown)
                    : acl ? shiftAcl(x.getValue(), shown) : x.getValue();
            try {
                fs.fsetxattr(fd, name, value, shown);
                xattrsApplied++;
            } catch (NativeFs.ErrnoException ex) {
                if (ex.errno() != NativeFs.EOPNOTSUPP) {
                    throw ex;
                }
                xattrsSkipped++;
                warn("xattr " + TarEntry.display(name) + " of " + shown
                        + " not restored: the file system does not support it");
            }
        }
    }

    /**
     * A POSIX ACL xattr (version 2 header, then 8-byte entries tag/perm/id): named users and groups are
     * shifted with the files.
     */
    private byte[] shiftAcl(byte[] v, String shown) throws InvalidImageException {
        var bb = java.nio.ByteBuffer.wrap(v.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (v.length < 4 || (v.length - 4) % 8 != 0 || bb.getInt(0) != 2) {
            throw refuse(shown, "malformed POSIX ACL xattr");
        }
        if (o.idShift().isNone()) {
            return v;
        }
        for (int off = 4; off < v.length; off += 8) {
            int tag = Short.toUnsignedInt(bb.getShort(off));
            long id = Integer.toUnsignedLong(bb.getInt(off + 4));
            if (tag == 0x02) { // ACL_USER
                bb.putInt(off + 4, (int) shift(id, o.idShift().uidOffset(), "ACL uid", shown));
            } else if (tag == 0x08) { // ACL_GROUP
                bb.putInt(off + 4, (int) shift(id, o.idShift().gidOffset(), "ACL gid", shown));
            }
        }
        return bb.array();
    }

    /**
     * A v3 (namespaced) file capability carries the root uid it applies to: shift it with the files. A v1 or v2
     * capability (what images usually carry) of a shifted rootfs becomes v3 with the shifted root uid: stored
     * as v2 it would grant its capabilities on the host, to anyone who can execute the file.
     */
    private byte[] shiftCapability(byte[] v, String shown) throws InvalidImageException {
        if (v.length < 4) {
            throw refuse(shown, "malformed security.capability xattr");
        }
        int magic = java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (o.idShift().isNone()) {
            return v;
        }
        int revision = magic & 0xff000000;
        if (revision == 0x01000000 || revision == 0x02000000) {
            if (v.length != (revision == 0x01000000 ? 12 : 20)) {
                throw refuse(shown, "malformed security.capability xattr");
            }
            var v3 = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            v3.putInt(0, 0x03000000 | (magic & 0x00ffffff));
            v3.put(4, v, 4, v.length - 4); // v1: one 32-bit set; the upper set stays 0
            v3.putInt(20, (int) shift(0, o.idShift().uidOffset(), "capability root uid", shown));
            return v3.array();
        }
        if (revision != 0x03000000 || v.length != 24) {
            throw refuse(shown, "malformed security.capability xattr");
        }
        var bb = java.nio.ByteBuffer.wrap(v.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long root = Integer.toUnsignedLong(bb.getInt(20));
        bb.putInt(20, (int) shift(root, o.idShift().uidOffset(), "capability root uid", shown));
        return bb.array();
    }

    /** Directory times last: creating entries inside a directory changes its mtime. */
    void finish() throws IOException {
        List<Map.Entry<List<String>, long[]>> dirs = new ArrayList<>(dirTimes.entrySet());
        dirs.sort((a, b) -> String.join("/", a.getKey()).compareTo(String.join("/", b.getKey())));
        for (Map.Entry<List<String>, long[]> d : dirs) {
            checkCancelled();
            String shown = TarEntry.display(String.join("/", d.getKey()));
            int fd = walk(d.getKey(), Domain.IGNORED, shown); // existing directories only
            fs.futimens(fd, d.getValue()[0], (int) d.getValue()[1], shown);
        }
    }

    void closeAll() {
        while (!cursorFds.isEmpty()) {
            fs.close(cursorFds.removeLast());
        }
        cursorPath.clear();
    }
}
