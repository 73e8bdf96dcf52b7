package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.daemon.instance.driver.RootfsShifter.IdShift;
import io.jlxd.daemon.instance.driver.RootfsShifter.Result;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsShifterTest {
    static final IdMap MAP = IdMap.DEFAULT;
    static final int CAP_NET_RAW = 13;

    static int uid(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    static int gid(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    static void sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile()).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    static byte[] getCap(Path p) {
        try (Libc libc = new Libc()) {
            MemorySegment buf = libc.arena().allocate(64);
            long n = libc.lgetxattr(libc.arena().allocateFrom(p.toString()), libc.arena().allocateFrom("security.capability"), buf);
            return n < 0 ? null : buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    static void setCap(Path p, byte[] value) {
        try (Libc libc = new Libc()) {
            MemorySegment v = libc.arena().allocate(value.length);
            v.copyFrom(MemorySegment.ofArray(value));
            assertEquals(0, libc.lsetxattr(libc.arena().allocateFrom(p.toString()), libc.arena().allocateFrom("security.capability"), v, 0),
                    "lsetxattr: " + io.jlxd.daemon.util.Ffm.strerror(libc.errno()));
        }
    }

    /** A v2 capability xattr: cap_net_raw permitted + effective. */
    static byte[] v2NetRaw() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x02000000 | 1).putInt(1 << CAP_NET_RAW).putInt(0).putInt(0).putInt(0);
        return b.array();
    }

    @Test
    void shiftsEveryInodeWithoutFollowingSymlinksAndBack(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("rootfs"));
        Path hostTarget = Files.writeString(tmp.resolve("host-file"), "host");
        Files.createDirectories(root.resolve("usr/bin"));
        Path a = Files.writeString(root.resolve("a"), "a");
        Path suid = Files.writeString(root.resolve("usr/bin/suid"), "x");
        Path sgid = Files.writeString(root.resolve("usr/bin/sgid"), "x");
        Path ping = Files.writeString(root.resolve("usr/bin/ping"), "x");
        Path user = Files.writeString(root.resolve("usr/user-file"), "u");
        Path foreign = Files.writeString(root.resolve("foreign"), "f");
        Path link = Files.createSymbolicLink(root.resolve("link"), hostTarget);
        Path dangling = Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nonexistent"));
        Path hard = Files.createLink(root.resolve("usr/hardlink"), a);
        sh(root, "chmod 4755 usr/bin/suid && chmod 2755 usr/bin/sgid && mkfifo fifo && touch \"$(printf 'bad\\377name')\"");
        chown(user, 1000, 1000);
        chown(foreign, 70000, 70000);
        setCap(ping, v2NetRaw());
        Path mnt = Files.createDirectory(root.resolve("mnt"));
        sh(root, "mount -t tmpfs none mnt && touch mnt/inside");
        try {
            Result r = RootfsShifter.shift(root, IdShift.toHost(MAP), 2);
            // root, usr, usr/bin, a, suid, sgid, ping, user-file, foreign, link, dangling, hardlink, fifo, bad name, mnt(skipped)
            assertEquals(14, r.inodes(), r.toString());
            assertEquals(1, r.unmapped());
            assertEquals(1, r.capabilities());
            assertEquals(2, r.setid());
            assertEquals(1, r.mountPoints());
            for (Path p : new Path[] {root, a, suid, sgid, ping, link, dangling, hard, root.resolve("fifo"), root.resolve("usr")}) {
                assertEquals(1_000_000, uid(p), p.toString());
                assertEquals(1_000_000, gid(p), p.toString());
            }
            try (Stream<Path> s = Files.list(root)) {
                Path bad = s.filter(p -> p.getFileName().toString().startsWith("bad")).findFirst().orElseThrow();
                assertEquals(1_000_000, uid(bad), "a name that is not UTF-8");
            }
            assertEquals(1_001_000, uid(user));
            assertEquals(70000, uid(foreign), "outside both ranges: untouched");
            assertEquals(0, uid(hostTarget), "the symlink target outside the rootfs is never chowned");
            assertEquals(0, uid(mnt.resolve("inside")), "another filesystem is not entered");
            assertEquals(04755, mode(suid));
            assertEquals(02755, mode(sgid));
            byte[] cap = getCap(ping);
            ByteBuffer b = ByteBuffer.wrap(cap).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(24, cap.length, "a v3 (namespaced) capability");
            assertEquals(0x03000000 | 1, b.getInt(0));
            assertEquals(1 << CAP_NET_RAW, b.getInt(4));
            assertEquals(1_000_000, b.getInt(20), "root id of the capability = the container's root");

            Result again = RootfsShifter.shift(root, IdShift.toHost(MAP));
            assertEquals(0, again.changed(), "shifting twice changes nothing");

            Result back = RootfsShifter.shift(root, IdShift.toContainer(MAP));
            assertEquals(r.changed(), back.changed());
            assertEquals(0, uid(root));
            assertEquals(0, uid(hard));
            assertEquals(1000, gid(user));
            assertEquals(04755, mode(suid));
            assertArrayEquals(v2NetRaw(), getCap(ping), "back to a v2 capability");
        } finally {
            sh(root, "umount mnt");
        }
    }

    @Test
    void refusesBadInput(@TempDir Path tmp) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new IdShift(0, 100, 200), "overlapping ranges");
        assertThrows(IllegalArgumentException.class, () -> RootfsShifter.shift(Path.of("relative"), IdShift.toHost(MAP)));
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(IOException.class, () -> RootfsShifter.shift(file, IdShift.toHost(MAP)));
        Path link = Files.createSymbolicLink(tmp.resolve("l"), tmp);
        assertThrows(IOException.class, () -> RootfsShifter.shift(link, IdShift.toHost(MAP)), "a symlinked root is refused");
        assertThrows(IOException.class, () -> RootfsShifter.shift(tmp.resolve("missing"), IdShift.toHost(MAP)));
    }
}
