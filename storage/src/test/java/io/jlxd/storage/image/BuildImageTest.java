package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.storage.image.ImageUnpacker.IdShift;
import io.jlxd.storage.image.ImageUnpacker.Options;
import io.jlxd.storage.image.ImageUnpacker.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: scripts/images/build-image.sh builds the busybox image from the host's busybox-static (cached
 * under /var/cache/jlxd/images, so reruns are instant), and the library fingerprints and unpacks it.
 */
class BuildImageTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final long BASE = 1_000_000;

    @TempDir
    Path tmp;

    /** Unpacked root file systems hold symlinks to absolute paths: remove them without JUnit warning about each. */
    @AfterEach
    void tearDown() throws IOException {
        for (String d : new String[] {"c1", "c2", "deb"}) {
            ImageUnpacker.removeTree(tmp.resolve(d));
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/images/build-image.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("scripts/images/build-image.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static boolean busyboxStaticInstalled() {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", "busybox-static")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && out.contains("install ok installed");
        } catch (IOException e) {
            return Files.isExecutable(Path.of("/bin/busybox")); // not a Debian host
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the script; returns its "key: value" stdout lines. Non-root callers get a private cache. */
    Map<String, String> build(String image) throws Exception {
        Path log = Files.createTempFile("build-image", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(repoRoot().resolve("scripts/images/build-image.sh").toString(), image)
                    .redirectError(log.toFile());
            if (!root()) {
                pb.environment().put("JLXD_CACHE", tmp.resolve("cache").toString());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("build-image.sh " + image + " timed out");
            }
            assertEquals(0, p.exitValue(), "build-image.sh failed:\n" + Files.readString(log) + out);
            Map<String, String> m = new HashMap<>();
            for (String line : out.split("\n")) {
                int c = line.indexOf(": ");
                if (c > 0) {
                    m.put(line.substring(0, c), line.substring(c + 2));
                }
            }
            return m;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void buildsAndUnpacksTheBusyboxImage() throws Exception {
        assumeTrue(busyboxStaticInstalled(), "busybox-static is not installed (apt-get install busybox-static)");

        long t0 = System.nanoTime();
        Map<String, String> out = build("busybox");
        long buildMs = (System.nanoTime() - t0) / 1_000_000;
        Path image = Path.of(out.get("path"));
        assertTrue(Files.isRegularFile(image), out.toString());
        assertEquals(ImageFingerprint.ofUnified(image), out.get("fingerprint"), "the script prints LXD's fingerprint");
        assertEquals(Files.size(image), Long.parseLong(out.get("size")));
        assertEquals(Compression.XZ, Compression.detect(image));

        ImageMetadata meta = ImageFiles.unified(image).readMetadata();
        String arch = System.getProperty("os.arch");
        assertEquals("amd64".equals(arch) ? "x86_64" : arch, meta.architecture());
        assertEquals("busybox", meta.properties().get("os"));
        assertTrue(meta.templates().containsKey("/etc/hostname"));

        // a second run hits the cache
        long t1 = System.nanoTime();
        Map<String, String> again = build("busybox");
        long cachedMs = (System.nanoTime() - t1) / 1_000_000;
        assertEquals("yes", again.get("cached"));
        assertEquals(out.get("fingerprint"), again.get("fingerprint"));

        // unprivileged layout: ids shifted by 1000000 (chown needs root; without it, ids stay the caller's)
        long base = root() ? BASE : uid(tmp);
        long gbase = root() ? BASE : gid(tmp);
        Result r = ImageUnpacker.unpackUnified(image, tmp.resolve("c1"), Options.defaults().withTargetMode(0711)
                .withIdShift(root() ? IdShift.of(BASE, 65536) : IdShift.NONE));
        Path rootfs = r.target().resolve("rootfs");
        Path init = rootfs.resolve("sbin/init");
        assertTrue(Files.isSymbolicLink(init));
        Path initTarget = Files.readSymbolicLink(init);
        assertEquals(Path.of("/bin/busybox"), initTarget);
        Path busybox = rootfs.resolve(Path.of("/").relativize(initTarget)); // resolved inside the rootfs
        byte[] hostBusybox = Files.readAllBytes(Path.of("/bin/busybox").toRealPath());
        assertArrayEquals(hostBusybox, Files.readAllBytes(busybox), "/sbin/init is the host's busybox binary");
        assertEquals(0755, mode(busybox));
        assertEquals(base, uid(rootfs));
        assertEquals(base, uid(busybox));
        assertEquals(gbase, gid(busybox));
        assertEquals(base, uid(init), "symlinks are shifted too");
        assertEquals(01777, mode(rootfs.resolve("tmp")), "sticky bit kept through the chown");
        assertEquals(0600, mode(rootfs.resolve("etc/shadow")));
        assertEquals(0700, mode(rootfs.resolve("root")));
        assertEquals(0711, mode(r.target()));
        assertTrue(Files.readString(rootfs.resolve("etc/inittab")).contains("::sysinit:/etc/init.d/rcS"));
        assertTrue(Files.isExecutable(rootfs.resolve("etc/init.d/rcS")));
        try (Stream<Path> dev = Files.list(rootfs.resolve("dev"))) {
            assertEquals(0, dev.count(), "/dev is left empty for autodev");
        }
        try (Stream<Path> all = Files.walk(rootfs)) {
            assertTrue(all.allMatch(p -> {
                try {
                    return uid(p) == base || root() && uid(p) >= BASE && uid(p) < BASE + 65536;
                } catch (IOException e) {
                    return false;
                }
            }), "every inode belongs to the container's id range");
        }
        assertEquals(root() ? 0 : base, uid(r.target().resolve("metadata.yaml")));
        assertEquals("{{ instance.name }}\n", Files.readString(r.target().resolve("templates/hostname.tpl")));

        // privileged layout: ids unchanged
        Result plain = ImageUnpacker.unpackUnified(image, tmp.resolve("c2"), Options.defaults());
        assertEquals(root() ? 0 : base, uid(plain.target().resolve("rootfs/bin/busybox")));
        if (!root()) {
            System.out.println("BuildImageTest: not root, so ownership shifting was not checked");
        }

        // through the image store
        ImageStore store = ImageStore.open(tmp.resolve("images"));
        ImageFiles stored = store.importUnified(image);
        assertEquals(out.get("fingerprint"), stored.metadata().getFileName().toString());

        System.out.printf("busybox image: %d bytes, build-image.sh %d ms (cached rerun %d ms), unpack+shift %d ms, "
                + "%d entries%n", Files.size(image), buildMs, cachedMs, r.elapsed().toMillis(), r.entries());
    }

    /**
     * The Debian image takes minutes to build, so this only unpacks it when a build left it in the cache
     * ({@code scripts/images/build-image.sh debian/bookworm}).
     */
    @Test
    void unpacksTheCachedDebianImage() throws Exception {
        Path image = Path.of(System.getenv().getOrDefault("JLXD_CACHE", "/var/cache/jlxd"), "images/debian-bookworm.tar.xz");
        assumeTrue(Files.isRegularFile(image), "no cached Debian image (build it with scripts/images/build-image.sh "
                + "debian/bookworm)");
        assumeTrue(NativeFs.geteuid() == 0, "needs root");
        ImageMetadata meta = ImageMetadata.readFrom(image);
        assertEquals("debian", meta.properties().get("os"));
        assertEquals("criu-friendly", meta.properties().get("variant"));
        Result r = ImageUnpacker.unpackUnified(image, tmp.resolve("deb"),
                Options.defaults().withIdShift(IdShift.of(BASE, 65536)));
        Path rootfs = r.target().resolve("rootfs");
        assertEquals(Path.of("/lib/systemd/systemd"), Files.readSymbolicLink(rootfs.resolve("sbin/init")));
        assertTrue(Files.isRegularFile(rootfs.resolve("etc/systemd/system/service.d/10-jlxd-criu-friendly.conf")));
        assertEquals(0, Files.size(rootfs.resolve("etc/machine-id")));
        Path su = rootfs.resolve("bin/su").toRealPath();
        assertEquals(04755, mode(su), "setuid su survives the shift");
        assertEquals(BASE, uid(su));
        System.out.printf("debian image: %d bytes, unpack+shift %d ms, %d entries, %d MiB, xattrs %d applied%n",
                Files.size(image), r.elapsed().toMillis(), r.entries(), r.bytes() >> 20, r.xattrsApplied());
    }

    private static boolean root() {
        return NativeFs.geteuid() == 0;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    private static long uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    private static long gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }
}
