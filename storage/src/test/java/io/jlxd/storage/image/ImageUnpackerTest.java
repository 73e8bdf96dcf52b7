package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.storage.image.ImageUnpacker.DevicePolicy;
import io.jlxd.storage.image.ImageUnpacker.IdShift;
import io.jlxd.storage.image.ImageUnpacker.Options;
import io.jlxd.storage.image.ImageUnpacker.Result;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** A v2 file capability: cap_net_raw+ep. */
    private static final byte[] CAP_NET_RAW = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0x02000001).putInt(1 << 13).putInt(0).putInt(0).putInt(0).array();

    /** POSIX ACL: user::rwx group::r-x group:4:r-x mask::r-x other::r-x (as systemd sets on /var/log/journal). */
    private static final byte[] ACL = acl(4);

    static byte[] acl(int group) {
        ByteBuffer b = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        int[][] entries = {{0x01, 7, -1}, {0x04, 5, -1}, {0x08, 5, group}, {0x10, 5, -1}, {0x20, 5, -1}};
        for (int[] e : entries) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
        }
        return b.array();
    }

    @TempDir
    Path tmp;
    Path work;     // parent of the unpack target: must stay empty after a refusal
    Path target;
    Path outside;  // a directory outside the target that hostile archives aim at
    Path victim;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectory(tmp.resolve("work"));
        target = work.resolve("c1");
        outside = Files.createDirectory(tmp.resolve("outside"));
        victim = Files.writeString(outside.resolve("victim"), "original");
    }

    /** Unpacked trees hold symlinks to absolute paths: remove them without JUnit warning about each. */
    @AfterEach
    void tearDown() throws IOException {
        ImageUnpacker.removeTree(work);
    }

    private static boolean root() {
        return NativeFs.geteuid() == 0;
    }

    private Path image(byte[] data) {
        return TestTar.write(tmp.resolve("image-" + System.nanoTime() + ".tar"), data);
    }

    private Result unpack(byte[] data, Options options) throws IOException {
        return ImageUnpacker.unpackUnified(image(data), target, options);
    }

    /** The archive is refused with a message containing every part, and nothing is left behind. */
    private InvalidImageException assertRefused(byte[] data, String... parts) throws IOException {
        return assertRefused(data, Options.defaults(), parts);
    }

    private InvalidImageException assertRefused(byte[] data, Options options, String... parts) throws IOException {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> unpack(data, options));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
        assertNothingLeft();
        return e;
    }

    private void assertNothingLeft() throws IOException {
        assertFalse(Files.exists(target, NOFOLLOW), "target must be absent");
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(), s.toList(), "no staging directory may remain");
        }
        assertEquals("original", Files.readString(victim));
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(victim), s.toList(), "nothing may be written outside the target");
        }
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }

    private static byte[] xattr(Path p, String name) throws IOException {
        try (NativeFs fs = new NativeFs()) {
            int fd = fs.openat(NativeFs.AT_FDCWD, NativeFs.hostPath(p), NativeFs.O_RDONLY | NativeFs.O_NOFOLLOW, 0, p.toString());
            try {
                return fs.fgetxattr(fd, name, p.toString());
            } finally {
                fs.close(fd);
            }
        }
    }

    /** A small but complete image exercising every entry type and attribute. */
    private static TestTar richImage() {
        TestTar t = new TestTar().metadata()
                .dir("templates")
                .file("templates/hostname.tpl", "{{ instance.name }}\n")
                .dir("rootfs")
                .dir("rootfs/bin")
                .file("rootfs/bin/busybox", 0755, "#!fake busybox".getBytes(StandardCharsets.UTF_8))
                .symlink("rootfs/bin/sh", "/bin/busybox")
                .symlink("rootfs/bin/ash", "busybox")
                .hardlink("rootfs/bin/busybox-hard", "rootfs/bin/busybox")
                .entry("rootfs/bin/su", h -> {
                    h.mode = 04755;
                    h.pax.put("SCHILY.xattr.user.origin", "test".getBytes(StandardCharsets.UTF_8));
                }, "su".getBytes(StandardCharsets.UTF_8))
                .entry("rootfs/bin/ping", h -> {
                    h.mode = 0755;
                    h.pax.put("SCHILY.xattr.security.capability", CAP_NET_RAW);
                    h.pax.put("SCHILY.xattr.trusted.overlay.redirect", "/x".getBytes(StandardCharsets.UTF_8));
                }, "ping".getBytes(StandardCharsets.UTF_8))
                .dir("rootfs/etc")
                .symlink("rootfs/etc/mtab", "../proc/self/mounts")
                .dir("rootfs/var/mail", 02775) // implicit parent rootfs/var
                .entry("rootfs/var/log", h -> {
                    h.type = '5';
                    h.mode = 02755;
                    h.pax.put("SCHILY.xattr.system.posix_acl_access", ACL);
                }, new byte[0])
                .entry("rootfs/home/user/notes", h -> {
                    h.uid = 1000;
                    h.gid = 1000;
                    h.mode = 0640;
                    h.mtime = 1_600_000_000L;
                    h.pax.put("mtime", "1600000000.5".getBytes(StandardCharsets.US_ASCII));
                }, "notes".getBytes(StandardCharsets.UTF_8))
                .dir("rootfs/tmp", 01777)
                .dir("rootfs/dev")
                .device("rootfs/dev/null", '3', 1, 3)
                .device("rootfs/dev/initctl", '6', 0, 0)
                .file("rootfs/" + "d/".repeat(60) + "deep", "long name through a pax header")
                .file("README-not-part-of-the-image", "ignored");
        return t;
    }

    @Test
    void unpacksEveryEntryTypeWithAttributes() throws IOException {
        assumeTrue(root(), "needs root (ownership)");
        AtomicLong progress = new AtomicLong();
        Result r = unpack(richImage().bytes(), Options.defaults().withProgress((done, total) -> progress.set(done)));

        assertEquals(target, r.target());
        assertEquals("test", r.metadata().properties().get("os"));
        assertEquals(2, r.devicesSkipped());
        assertEquals(1, r.entriesIgnored());
        assertEquals(3, r.xattrsApplied());
        assertEquals(1, r.xattrsSkipped());
        assertTrue(progress.get() > 0);
        assertEquals(0700, mode(target));

        Path rootfs = target.resolve("rootfs");
        assertEquals("{{ instance.name }}\n", Files.readString(target.resolve("templates/hostname.tpl")));
        assertEquals("#!fake busybox", Files.readString(rootfs.resolve("bin/busybox")));
        assertEquals(0755, mode(rootfs.resolve("bin/busybox")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(rootfs.resolve("bin/sh")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.resolve("bin/ash")));
        assertEquals(Path.of("../proc/self/mounts"), Files.readSymbolicLink(rootfs.resolve("etc/mtab")));
        assertTrue(Files.isSameFile(rootfs.resolve("bin/busybox"), rootfs.resolve("bin/busybox-hard")));
        assertEquals(2, (Integer) Files.getAttribute(rootfs.resolve("bin/busybox"), "unix:nlink"));
        assertEquals(04755, mode(rootfs.resolve("bin/su")));
        assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), xattr(rootfs.resolve("bin/su"), "user.origin"));
        assertArrayEquals(CAP_NET_RAW, xattr(rootfs.resolve("bin/ping"), "security.capability"));
        assertNull(xattr(rootfs.resolve("bin/ping"), "trusted.overlay.redirect"));
        assertArrayEquals(ACL, xattr(rootfs.resolve("var/log"), "system.posix_acl_access"));
        assertEquals(02775, mode(rootfs.resolve("var/mail")));
        assertEquals(0755, mode(rootfs.resolve("var")), "implicit directory");
        assertEquals(01777, mode(rootfs.resolve("tmp")));
        Path notes = rootfs.resolve("home/user/notes");
        assertEquals(1000, uid(notes));
        assertEquals(1000, gid(notes));
        assertEquals(0640, mode(notes));
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(1_600_000_000L, 500_000_000)),
                Files.getLastModifiedTime(notes));
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(TestTar.MTIME)),
                Files.getLastModifiedTime(rootfs.resolve("bin")), "directory mtimes are set last");
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(TestTar.MTIME)),
                Files.getLastModifiedTime(rootfs.resolve("bin/sh"), NOFOLLOW), "symlinks keep their own mtime");
        assertTrue(Files.isRegularFile(rootfs.resolve("d/".repeat(60) + "deep")));
        try (Stream<Path> dev = Files.list(rootfs.resolve("dev"))) {
            assertEquals(0, dev.count(), "device nodes under rootfs/dev are skipped by default");
        }
        assertFalse(Files.exists(target.resolve("README-not-part-of-the-image")));
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(target), s.toList());
        }
    }

    @Test
    void shiftsOwnershipKeepingSetuidAndCapabilities() throws IOException {
        assumeTrue(root(), "needs root (chown)");
        long base = 1_000_000;
        Result r = unpack(richImage().bytes(), Options.defaults().withIdShift(IdShift.of(base, 65536)));
        Path rootfs = r.target().resolve("rootfs");
        assertEquals(base, uid(rootfs));
        assertEquals(base, uid(rootfs.resolve("var")), "implicit directories belong to the container's root");
        assertEquals(base, uid(rootfs.resolve("bin/su")));
        assertEquals(04755, mode(rootfs.resolve("bin/su")), "setuid survives the chown");
        byte[] v3 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x03000001).putInt(1 << 13).putInt(0).putInt(0).putInt(0).putInt((int) base).array();
        assertArrayEquals(v3, xattr(rootfs.resolve("bin/ping"), "security.capability"),
                "file capabilities survive the chown, namespaced (v3) for the container's root: never host-wide");
        assertEquals(base, uid(rootfs.resolve("bin/sh")), "symlinks are chowned themselves");
        assertArrayEquals(acl((int) base + 4), xattr(rootfs.resolve("var/log"), "system.posix_acl_access"),
                "named ACL groups are shifted");
        assertEquals(base + 1000, uid(rootfs.resolve("home/user/notes")));
        assertEquals(base + 1000, gid(rootfs.resolve("home/user/notes")));
        assertEquals(02775, mode(rootfs.resolve("var/mail")));
        assertEquals(01777, mode(rootfs.resolve("tmp")));
        assertEquals(0, uid(r.target().resolve("metadata.yaml")), "metadata stays host root's");
        assertEquals(0, uid(r.target().resolve("templates/hostname.tpl")));
    }

    @Test
    void shiftsTheRootIdOfANamespacedCapability() throws IOException {
        assumeTrue(root(), "needs root");
        byte[] v3 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x03000001).putInt(1 << 13).putInt(0).putInt(0).putInt(0).putInt(0).array();
        byte[] data = new TestTar().metadata().dir("rootfs")
                .entry("rootfs/ping", h -> h.pax.put("SCHILY.xattr.security.capability", v3), new byte[] {1})
                .bytes();
        Result r = unpack(data, Options.defaults().withIdShift(IdShift.of(1_000_000, 65536)));
        byte[] got = xattr(r.target().resolve("rootfs/ping"), "security.capability");
        assertEquals(1_000_000, ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
    }

    @Test
    void createsDeviceNodesUnderDevWhenAsked() throws IOException {
        assumeTrue(root(), "needs root (mknod)");
        byte[] data = new TestTar().metadata().dir("rootfs").dir("rootfs/dev")
                .device("rootfs/dev/null", '3', 1, 3).device("rootfs/dev/fifo", '6', 0, 0).bytes();
        Result r;
        try {
            r = unpack(data, Options.defaults().withDevices(DevicePolicy.CREATE_IN_DEV));
        } catch (NativeFs.ErrnoException e) {
            assumeTrue(false, "mknod is not permitted here: " + e.getMessage());
            return;
        }
        Path dev = r.target().resolve("rootfs/dev");
        assertEquals(0020000, (Integer) Files.getAttribute(dev.resolve("null"), "unix:mode", NOFOLLOW) & 0170000);
        assertEquals(0x103L, (Long) Files.getAttribute(dev.resolve("null"), "unix:rdev"), "major 1, minor 3");
        assertEquals(0010000, (Integer) Files.getAttribute(dev.resolve("fifo"), "unix:mode", NOFOLLOW) & 0170000);
        assertEquals(0666, mode(dev.resolve("null")));
        assertEquals(0, r.devicesSkipped());
    }

    @Test
    void refusesDeviceNodesUnderDevWithThePolicyRefuse() throws IOException {
        byte[] data = new TestTar().metadata().dir("rootfs").device("rootfs/dev/null", '3', 1, 3).bytes();
        assertRefused(data, Options.defaults().withDevices(DevicePolicy.REFUSE), "rootfs/dev/null",
                "not accepted");
    }

    @Test
    void laterEntriesReplaceEarlierOnesWithoutFollowingSymlinks() throws IOException {
        byte[] data = new TestTar().metadata().dir("rootfs")
                .symlink("rootfs/x", victim.toString())
                .file("rootfs/x", "replaced")
                .symlink("rootfs/y", victim.toString())
                .hardlink("rootfs/z", "rootfs/y")
                .bytes();
        Result r = unpack(data, Options.defaults());
        assertEquals("replaced", Files.readString(r.target().resolve("rootfs/x"), StandardCharsets.UTF_8));
        assertFalse(Files.isSymbolicLink(r.target().resolve("rootfs/x")));
        assertTrue(Files.isSymbolicLink(r.target().resolve("rootfs/z")), "a hardlink to a symlink links the symlink");
        assertEquals("original", Files.readString(victim));
    }

    @Test
    void unpacksGzipAndXzAndSplitImages() throws IOException {
        byte[] plain = richImage().bytes();
        for (byte[] data : List.of(TestTar.gzip(plain), TestTar.xz(plain))) {
            Result r = unpack(data, Options.defaults());
            assertTrue(Files.isRegularFile(r.target().resolve("rootfs/bin/busybox")));
            ImageUnpacker.removeTree(r.target());
        }
        Path meta = TestTar.write(tmp.resolve("meta.tar.gz"), TestTar.gzip(new TestTar().metadata()
                .dir("templates").file("templates/hosts.tpl", "127.0.0.1 localhost\n").bytes()));
        Path rootfs = TestTar.write(tmp.resolve("rootfs.tar.xz"), TestTar.xz(new TestTar().dir("./", 0755)
                .dir("./bin").file("./bin/busybox", 0755, "bb".getBytes(StandardCharsets.UTF_8))
                .symlink("./sbin/init", "/bin/busybox").hardlink("./bin/sh", "./bin/busybox").bytes()));
        AtomicLong last = new AtomicLong();
        AtomicLong total = new AtomicLong();
        Result r = ImageUnpacker.unpack(ImageFiles.split(meta, rootfs), target,
                Options.defaults().withProgress((d, t) -> {
                    last.set(d);
                    total.set(t);
                }));
        assertEquals("bb", Files.readString(r.target().resolve("rootfs/bin/busybox")));
        assertTrue(Files.isSameFile(r.target().resolve("rootfs/bin/sh"), r.target().resolve("rootfs/bin/busybox")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(r.target().resolve("rootfs/sbin/init")));
        assertTrue(Files.isRegularFile(r.target().resolve("templates/hosts.tpl")));
        assertEquals(Files.size(meta) + Files.size(rootfs), total.get());
        assertEquals(total.get(), last.get());
    }

    // ------------------------------------------------------------------------------------------ hostile archives

    @Test
    void stripsTheLeadingSlashOfAbsoluteNamesLikeGnuTar() throws IOException {
        // pylxd's tests and some image builders write "/rootfs/etc/inittab": GNU tar and LXD strip the "/"
        byte[] data = new TestTar().file("/metadata.yaml", "architecture: x86_64\ncreation_date: 1700000000\n")
                .dir("/rootfs").dir("/rootfs/etc").file("/rootfs/etc/inittab", "::sysinit:/bin/true\n")
                .hardlink("/rootfs/etc/inittab.hl", "/rootfs/etc/inittab")
                .file(outside.resolve("pwned").toString(), "x") // a host path: lands (ignored) under the target
                .bytes();
        unpack(data, Options.defaults());
        assertEquals("::sysinit:/bin/true\n", Files.readString(target.resolve("rootfs/etc/inittab")));
        assertTrue(Files.isRegularFile(target.resolve("rootfs/etc/inittab.hl")));
        assertTrue(Files.isRegularFile(target.resolve("metadata.yaml")));
        assertFalse(Files.exists(outside.resolve("pwned")));
    }

    @Test
    void refusesDotDotEscapes() throws IOException {
        String rel = "rootfs/../../" + tmp.relativize(outside.resolve("pwned"));
        assertRefused(new TestTar().metadata().dir("rootfs").file(rel, "x").bytes(), "'..'");
        assertRefused(new TestTar().metadata().file("../pwned", "x").bytes(), "'..'");
    }

    @Test
    void refusesWritingThroughASymlinkPlacedByAnEarlierEntry() throws IOException {
        byte[] data = new TestTar().metadata().dir("rootfs")
                .symlink("rootfs/evil", outside.toString()) // absolute symlinks are fine in a rootfs...
                .file("rootfs/evil/pwned", "x")                // ...but nothing is written through them
                .bytes();
        assertRefused(data, "rootfs/evil/pwned", "symlink rootfs/evil");
        byte[] deeper = new TestTar().metadata().dir("rootfs")
                .symlink("rootfs/evil", outside.toString())
                .dir("rootfs/evil/sub")
                .bytes();
        assertRefused(deeper, "symlink rootfs/evil");
        byte[] topLevel = new TestTar().metadata().dir("templates")
                .symlink("templates/x", outside.toString()).bytes();
        assertRefused(topLevel, "templates/x", "only regular files and directories");
    }

    @Test
    void refusesRelativeSymlinksThatLeaveTheRootfs() throws IOException {
        assertRefused(new TestTar().metadata().dir("rootfs").dir("rootfs/etc")
                .symlink("rootfs/etc/x", "../../../../../../etc").bytes(), "rootfs/etc/x", "points outside the rootfs");
    }

    @Test
    void refusesHardlinksOutsideTheTarget() throws IOException {
        assertRefused(new TestTar().metadata().dir("rootfs").hardlink("rootfs/passwd", "/etc/passwd").bytes(),
                "rootfs/passwd", "not inside the rootfs");
        assertRefused(new TestTar().metadata().dir("rootfs").hardlink("rootfs/passwd", "rootfs/../../../etc/passwd")
                .bytes(), "'..'");
        assertRefused(new TestTar().metadata().dir("rootfs")
                .symlink("rootfs/etc", "/etc").hardlink("rootfs/passwd", "rootfs/etc/passwd").bytes(),
                "goes through a symlink");
        assertRefused(new TestTar().metadata().dir("rootfs").hardlink("rootfs/m", "metadata.yaml").bytes(),
                "not inside the rootfs");
        assertRefused(new TestTar().metadata().dir("rootfs").hardlink("rootfs/x", "rootfs/missing").bytes(),
                "does not exist");
        assertRefused(new TestTar().metadata().dir("rootfs").dir("rootfs/d").hardlink("rootfs/x", "rootfs/d").bytes(),
                "hardlink to the directory");
    }

    @Test
    void refusesDeviceNodesOutsideDev() throws IOException {
        assertRefused(new TestTar().metadata().dir("rootfs").device("rootfs/etc/sda", '4', 8, 0).bytes(),
                "rootfs/etc/sda", "block device 8:0", "only accepted under rootfs/dev/");
        assertRefused(new TestTar().metadata().dir("rootfs").device("rootfs/tmp/mem", '3', 1, 1).bytes(),
                "character device 1:1");
        assertRefused(new TestTar().metadata().dir("rootfs").device("rootfs/run/fifo", '6', 0, 0).bytes(), "fifo");
        assertRefused(new TestTar().metadata().device("templates/null", '3', 1, 3).bytes(),
                "only regular files and directories");
        assertRefused(new TestTar().metadata().dir("rootfs").device("rootfs/dev", '3', 1, 3).bytes(),
                "only accepted under rootfs/dev/");
    }

    @Test
    void refusesHugeNegativeAndBogusSizes() throws IOException {
        byte[] huge = new TestTar().metadata().dir("rootfs")
                .entry("rootfs/huge", h -> h.size = 077777777777L, "only a little data".getBytes(StandardCharsets.UTF_8))
                .bytes();
        assertRefused(huge, "truncated archive", "rootfs/huge", "declares 8589934591 bytes");
        byte[] base256 = new byte[12];
        java.util.Arrays.fill(base256, (byte) 0xff); // base-256 -1
        assertRefused(new TestTar().metadata().entry("rootfs/neg", h -> h.sizeField = base256, new byte[0]).bytes(),
                "negative size");
        byte[] overflow = new byte[12];
        java.util.Arrays.fill(overflow, (byte) 0x7f);
        overflow[0] = (byte) 0x80;
        assertRefused(new TestTar().metadata().entry("rootfs/big", h -> h.sizeField = overflow, new byte[0]).bytes(),
                "size field overflows");
        byte[] junk = "12345678zzz\0".getBytes(StandardCharsets.US_ASCII);
        assertRefused(new TestTar().metadata().entry("rootfs/junk", h -> h.sizeField = junk, new byte[0]).bytes(),
                "invalid size field");
        assertRefused(new TestTar().metadata().entry("rootfs/pax", h -> h.pax.put("size",
                "-5".getBytes(StandardCharsets.US_ASCII)), new byte[0]).bytes(), "negative size");
        byte[] bigPax = new TestTar().metadata().entry("PaxHeaders/x", h -> {
            h.type = 'x';
            h.size = TarReader.MAX_META_BYTES + 1L;
        }, new byte[0]).bytes();
        assertRefused(bigPax, "pax header", "limit");
    }

    @Test
    void refusesTruncatedAndCorruptArchives() throws IOException {
        byte[] full = new TestTar().metadata().dir("rootfs")
                .file("rootfs/big", 0644, new byte[10_000]).bytes();
        assertRefused(java.util.Arrays.copyOf(full, 1536 + 512 + 3000), "truncated archive", "rootfs/big",
                "declares 10000 bytes");
        assertRefused(java.util.Arrays.copyOf(full, 1536 + 100), "truncated archive", "incomplete header");
        byte[] gz = TestTar.gzip(full);
        assertRefused(java.util.Arrays.copyOf(gz, gz.length / 2), "gzip");
        byte[] xz = TestTar.xz(full);
        assertRefused(java.util.Arrays.copyOf(xz, xz.length - 20), "xz");
        assertRefused(new TestTar().metadata().entry("rootfs/x", h -> h.checksum = 1234, new byte[0]).bytes(),
                "checksum mismatch");
        assertRefused(new TestTar().metadata().entry("rootfs/s", h -> h.type = 'S', new byte[0]).bytes(),
                "sparse");
        assertRefused(new TestTar().metadata().entry("rootfs/q", h -> h.type = 'Q', new byte[0]).bytes(),
                "unsupported tar entry type 'Q'");
    }

    @Test
    void refusesStructuralProblems() throws IOException {
        assertRefused(new TestTar().dir("rootfs").file("rootfs/a", "x").bytes(), "no metadata.yaml");
        assertRefused(new TestTar().metadata().bytes(), "no rootfs");
        assertRefused(new TestTar().file("metadata.yaml", "architecture: vax\ncreation_date: 1\n").dir("rootfs").bytes(),
                "unsupported architecture 'vax'");
        assertRefused(new TestTar().metadata().symlink("rootfs", "/").bytes(), "rootfs must be a directory");
        assertRefused(new TestTar().metadata().dir("rootfs").dir("rootfs/etc").file("rootfs/etc", "x").bytes(),
                "rootfs/etc", "would replace a directory");
        assertRefused(new TestTar().metadata().dir("rootfs").file("rootfs/" + "d/".repeat(130) + "f", "x").bytes(),
                "nested deeper");
        assertRefused(new TestTar().metadata().dir("rootfs").file("rootfs/" + "n".repeat(300), "x").bytes(),
                "longer than 255");
        assertRefused(new TestTar().metadata().dir("rootfs").file("rootfs/a\\x", "x")
                .file("rootfs/b", "y").bytes(), Options.defaults().withLimits(Long.MAX_VALUE, 3), "more than 3 entries");
    }

    @Test
    void refusesIdsOutsideTheContainerRange() throws IOException {
        assumeTrue(root(), "needs root");
        byte[] data = new TestTar().metadata().dir("rootfs").entry("rootfs/f", h -> h.uid = 70000, new byte[0]).bytes();
        assertRefused(data, Options.defaults().withIdShift(IdShift.of(1_000_000, 65536)), "uid 70000",
                "outside the container's id range 0-65535");
    }

    @Test
    void refusesImagesLargerThanTheLimit() throws IOException {
        byte[] data = new TestTar().metadata().dir("rootfs").file("rootfs/a", 0644, new byte[5000]).bytes();
        assertRefused(data, Options.defaults().withLimits(4000, Long.MAX_VALUE), "expands to more than 4000 bytes");
    }

    @Test
    void cancellationRemovesEverything() throws IOException {
        TestTar t = new TestTar().metadata().dir("rootfs");
        for (int i = 0; i < 50; i++) {
            t.file("rootfs/f" + i, "data " + i);
        }
        AtomicInteger polls = new AtomicInteger();
        assertThrows(ImageCancelledException.class, () -> unpack(t.bytes(),
                Options.defaults().withCancellation(() -> polls.incrementAndGet() > 20)));
        assertNothingLeft();
        Thread.currentThread().interrupt();
        try {
            assertThrows(ImageCancelledException.class, () -> unpack(t.bytes(), Options.defaults()));
        } finally {
            Thread.interrupted();
        }
        assertNothingLeft();
    }

    @Test
    void neverReplacesAnExistingTarget() throws IOException {
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> unpack(richImage().bytes(), Options.defaults()));
        assertEquals("mine", Files.readString(target.resolve("keep")));
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(target), s.toList());
        }
    }

    @Test
    void removesStaleStagingDirectories() throws IOException {
        Path stale = Files.createDirectories(work.resolve(".c9" + ImageUnpacker.STAGING_MARKER + "0123/rootfs/etc"));
        Files.createSymbolicLink(stale.resolve("link"), outside);
        Files.writeString(stale.resolve("file"), "x");
        Files.createDirectory(work.resolve("c2"));
        assertEquals(1, ImageUnpacker.removeStale(work));
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(work.resolve("c2")), s.toList());
        }
        assertEquals("original", Files.readString(victim));
    }

    @Test
    void keepsNonUtf8NamesByteForByte() throws IOException {
        // "caf\xe9" in Latin-1: not valid UTF-8; written through a pax path record as raw bytes
        byte[] raw = {'r', 'o', 'o', 't', 'f', 's', '/', 'c', 'a', 'f', (byte) 0xe9};
        byte[] data = new TestTar().metadata().dir("rootfs")
                .entry("rootfs/placeholder", h -> h.pax.put("path", raw), "bytes".getBytes(StandardCharsets.UTF_8))
                .bytes();
        Result r = unpack(data, Options.defaults());
        try (NativeFs fs = new NativeFs()) {
            int fd = fs.openDirectory(NativeFs.AT_FDCWD, NativeFs.hostPath(r.target().resolve("rootfs")), "rootfs");
            try {
                List<String> names = new ArrayList<>(fs.list(fd, "rootfs"));
                assertEquals(List.of(new String(raw, 7, 4, StandardCharsets.ISO_8859_1)), names);
            } finally {
                fs.close(fd);
            }
        }
        ImageUnpacker.removeTree(r.target());
        assertFalse(Files.exists(r.target()));
    }
}
