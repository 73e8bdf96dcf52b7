package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** A minimal root filesystem made of the host's static busybox (busybox-static), for real container tests. */
final class BusyboxRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    /** Written by busybox init's shutdown action: proves a stop went through the halt signal. */
    static final String HALTED_MARKER = "halted";

    private BusyboxRootfs() {
    }

    /** Builds the rootfs in {@code dir} (created): /sbin/init -> busybox, an inittab, passwd/group, all applets. */
    static Path build(Path dir) throws IOException, InterruptedException {
        for (String d : new String[] {"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root", "run", "var/log", "mnt", "home/user"}) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(BUSYBOX, dir.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list-full").start();
        String applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (list.waitFor() != 0) {
            throw new IOException("busybox --list-full failed");
        }
        for (String applet : applets.split("\n")) {
            if (applet.isBlank()) {
                continue;
            }
            Path link = dir.resolve(applet.strip());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, Path.of("/bin/busybox"));
            }
        }
        Files.writeString(dir.resolve("etc/inittab"), """
                ::sysinit:/bin/busybox mkdir -p /run/jlxd-test
                ::shutdown:/bin/busybox touch /%s
                """.formatted(HALTED_MARKER));
        Files.writeString(dir.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                user:x:1000:1000:user:/home/user:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/bin/false
                """);
        Files.writeString(dir.resolve("etc/group"), """
                root:x:0:
                user:x:1000:
                nogroup:x:65534:
                """);
        Files.writeString(dir.resolve("etc/hostname"), "busybox\n");
        return dir;
    }
}
