package io.jlxd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The {@code environment} block of {@code GET /1.0}. Fields follow LXD; {@code criu_version} and
 * {@code cgroup_controllers} (controller → "v1" or "v2": the hierarchy it is mounted on) are jlxd's own;
 * {@code kernel_features} and {@code lxc_features} map LXD's feature names to "true"/"false".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerEnvironment(
        List<String> addresses,
        List<String> architectures,
        String certificate,
        String certificateFingerprint,
        String driver,
        String driverVersion,
        String firewall,
        String kernel,
        String kernelArchitecture,
        String kernelVersion,
        String osName,
        String osVersion,
        String project,
        String server,
        boolean serverClustered,
        String serverEventMode,
        String serverName,
        Long serverPid,
        String serverVersion,
        String storage,
        String storageVersion,
        List<StorageDriverInfo> storageSupportedDrivers,
        String criuVersion,
        java.util.Map<String, String> cgroupControllers,
        java.util.Map<String, String> kernelFeatures,
        java.util.Map<String, String> lxcFeatures) {

    /** One entry of {@code storage_supported_drivers}. */
    public record StorageDriverInfo(String name, String version, boolean remote) {
    }
}
