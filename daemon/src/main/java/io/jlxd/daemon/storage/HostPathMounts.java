package io.jlxd.daemon.storage;

import io.jlxd.daemon.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Host-path disks in a running container's mount namespace: hot-plug (a device added to or removed from a running
 * container is mounted or unmounted at once) and {@code shift} (an idmapped mount to the container's user
 * namespace, made after start, since it needs that namespace). The work is done by {@code host-mount.pl}, run with
 * the host's perl: a single-threaded helper can setns(2) into the container's mount namespace, the JVM cannot. It
 * uses open_tree/mount_setattr/move_mount, so the mount is made from the host path before entering the container
 * and every path inside is resolved inside the container (its mount point is never reached through a symlink).
 */
public final class HostPathMounts {
    private static final long TIMEOUT_SECONDS = 30;
    private static final String SCRIPT = script();

    private HostPathMounts() {
    }

    /**
     * Applies a change of a running container's expanded devices: host-path disks that appeared are mounted, those
     * that went (or changed) are unmounted. Additions are undone if one fails (400 with the helper's reason).
     */
    public static void apply(long pid, long rootId, Map<String, Map<String, String>> before, Map<String, Map<String, String>> after) {
        Map<String, Map<String, String>> gone = hostPaths(before);
        Map<String, Map<String, String>> added = hostPaths(after);
        gone.entrySet().removeIf(e -> e.getValue().equals(added.get(e.getKey())));
        added.entrySet().removeIf(e -> e.getValue().equals(hostPaths(before).get(e.getKey())));
        for (Map<String, String> d : gone.values()) {
            run(List.of("remove", Long.toString(pid), d.get("path")));
        }
        mount(pid, rootId, added);
    }

    /** After start: the {@code shift} disks, which liblxc cannot mount idmapped. */
    public static void mountShifted(long pid, long rootId, Map<String, Map<String, String>> devices) {
        Map<String, Map<String, String>> shifted = hostPaths(devices);
        shifted.values().removeIf(d -> !HostPathDisks.isTrue(d.get("shift")));
        mount(pid, rootId, shifted);
    }

    private static void mount(long pid, long rootId, Map<String, Map<String, String>> devices) {
        List<String> done = new ArrayList<>();
        try {
            for (Map.Entry<String, Map<String, String>> e : devices.entrySet()) {
                Map<String, String> d = e.getValue();
                if (!java.nio.file.Files.exists(java.nio.file.Path.of(d.get("source")))) {
                    if (d.containsKey("required") && !HostPathDisks.isTrue(d.get("required"))) {
                        continue;
                    }
                    throw ApiException.badRequest("Device \"" + e.getKey() + "\": source \"" + d.get("source") + "\" does not exist on the host");
                }
                String propagation = d.getOrDefault("propagation", "");
                run(List.of("add", Long.toString(pid), d.get("path"), d.get("source"),
                        HostPathDisks.isTrue(d.get("readonly")) ? "1" : "0", HostPathDisks.isTrue(d.get("shift")) ? "1" : "0",
                        propagation.isEmpty() ? "-" : propagation, HostPathDisks.isTrue(d.get("recursive")) ? "1" : "0",
                        Long.toString(rootId)));
                done.add(d.get("path"));
            }
        } catch (RuntimeException e) {
            for (String path : done.reversed()) {
                try {
                    run(List.of("remove", Long.toString(pid), path));
                } catch (RuntimeException ignored) {
                    // reported through e
                }
            }
            throw e;
        }
    }

    private static Map<String, Map<String, String>> hostPaths(Map<String, Map<String, String>> devices) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        devices.forEach((k, v) -> {
            if (HostPathDisks.isHostPath(v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static void run(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("perl", "-"));
        cmd.addAll(args);
        java.nio.file.Path log = null;
        try {
            log = java.nio.file.Files.createTempFile("jlxd-host-mount-", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().write(SCRIPT.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ApiException(500, "host-path disk helper did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = java.nio.file.Files.readString(log).strip();
            if (p.exitValue() != 0) {
                throw ApiException.badRequest("Host-path disk " + args.get(0) + " " + args.get(2) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new ApiException(500, "host-path disk helper: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(500, "interrupted", e);
        } finally {
            if (log != null) {
                try {
                    java.nio.file.Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static String script() {
        try (InputStream in = HostPathMounts.class.getResourceAsStream("host-mount.pl")) {
            if (in == null) {
                throw new IllegalStateException("host-mount.pl missing from the daemon jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
