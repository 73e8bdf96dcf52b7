package io.jlxd.storage;

import io.jlxd.api.ServerEnvironment.StorageDriverInfo;
import io.jlxd.api.host.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which storage pool drivers this host can run, and their versions ({@code storage_supported_drivers}). */
public final class StorageDrivers {
    public static final String DIR = "dir";
    public static final String BTRFS = "btrfs";
    /** Version of the dir driver's on-disk layout. */
    public static final String DIR_VERSION = "1";

    private StorageDrivers() {
    }

    public static List<StorageDriverInfo> probe() {
        List<StorageDriverInfo> drivers = new ArrayList<>();
        drivers.add(new StorageDriverInfo(DIR, DIR_VERSION, false));
        if (kernelHasBtrfs()) {
            Tool.output("btrfs", "--version").flatMap(Tool::version)
                    .ifPresent(v -> drivers.add(new StorageDriverInfo(BTRFS, v, false)));
        }
        return List.copyOf(drivers);
    }

    private static boolean kernelHasBtrfs() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).contains("btrfs")
                    || Files.isDirectory(Path.of("/sys/module/btrfs"))
                    || Tool.find("modprobe").isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
