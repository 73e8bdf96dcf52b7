package io.jlxd.daemon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Facts about the host read from /proc and /etc/os-release. */
public record HostInfo(String hostname, String kernelVersion, String architecture, String osName, String osVersion) {

    public static HostInfo read() {
        Map<String, String> os = osRelease();
        return new HostInfo(
                readTrimmed("/proc/sys/kernel/hostname", "localhost"),
                readTrimmed("/proc/sys/kernel/osrelease", System.getProperty("os.version")),
                architecture(System.getProperty("os.arch")),
                os.getOrDefault("NAME", "Linux"),
                os.getOrDefault("VERSION_ID", ""));
    }

    /** Maps the JVM's architecture names to the kernel's (LXD uses uname's). */
    static String architecture(String jvmArch) {
        return switch (jvmArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386" -> "i686";
            default -> jvmArch;
        };
    }

    private static String readTrimmed(String file, String fallback) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }

    private static Map<String, String> osRelease() {
        Map<String, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
                }
            }
        } catch (IOException e) {
            // not fatal: defaults apply
        }
        return out;
    }
}
