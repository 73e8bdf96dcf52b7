package io.jlxd.api;

import java.util.List;

/**
 * The API extensions this server implements, announced in {@code GET /1.0}. Names are LXD's where the feature is
 * LXD's (see LXD's doc/api-extensions.md), so that LXD's clients ({@code lxc}, pylxd), which choose paths and
 * features from this list, recognise them; jlxd's own start with {@code jlxd_}. A name is listed only when its
 * behaviour is implemented: the end-to-end {@code ApiExtensionsTest} exercises every name listed here (a table name
 * → check) and fails on a name without a check. One name per line, so that branches adding names merge cleanly.
 */
public final class ApiExtensions {
    public static final List<String> ALL = List.of(
            // API core
            "etag",
            "patch",
            "operation_wait",
            "event_lifecycle",
            "event_lifecycle_requestor_address",
            "api_filtering",
            "entity_description",
            // GET /1.0 environment
            "api_os",
            "firewall_driver",
            "kernel_features",
            "lxc_features",
            "server_supported_storage_drivers",
            "resources",
            "resources_v2",
            // instances
            "instances",
            "container_full",
            "instance_get_full",
            "container_last_used_at",
            "console",
            "container_exec_recording",
            "container_exec_signal_handling",
            "container_exec_user_group_cwd",
            "directory_manipulation",
            "file_delete",
            "file_append",
            "file_symlinks",
            "file_get_symlink",
            "instance_file_head",
            "profile_usedby",
            "container_disk_shift",
            "container_mount_propagation",
            // images
            "image_compression_algorithm",
            "image_create_aliases",
            // snapshots
            "snapshot_expiry",
            "snapshot_expiry_creation",
            "snapshot_scheduling",
            "snapshot_schedule_aliases",
            // storage
            "storage",
            "storage_api_volume_rename",
            "storage_api_volume_snapshots",
            "storage_api_local_volume_handling",
            "custom_volume_snapshot_expiry",
            "storage_volume_state",
            // jlxd's own
            "jlxd_criu_version",

            // nic devices with "network" (the NIC half; the managed networks bring "network" itself), proxy devices
            // (tcp and udp; unix sockets, port ranges and cross-protocol proxies are refused)
            "instance_nic_network",
            "proxy",
            "proxy_udp",
            "network",
            "network_leases",
            "network_state",
            "network_dhcp_expiry",
            "network_forward",
            // trust (issue 9, daemon side): PUT/PATCH and ETag of certificates, restricted + projects, tokens
            "certificate_update",
            "certificate_project",
            "certificate_token",
            "remote_token_expiry",
            "explicit_trust_token",
            "warnings",
            "jlxd_cgroup_controllers",

            // projects (issue 9): instances per project (features off: default's images, profiles, volumes), limits,
            // restrictions, usage, copies between projects
            "projects",
            "project_usage",
            "projects_limits",
            "projects_limits_disk",
            "projects_limits_instances",
            "projects_restrictions",
            "projects_restricted_backups_and_snapshots",
            "container_copy_project",
            "instance_all_projects",

            // GET /1.0/metrics (merged from the metrics branch) and certificates of type metrics
            "metrics",

            // migration between daemons (issue 11, daemon side): LXD's protocol; lxc 5.0.2 checks the first three
            // before push/relay transfers and --instance-only
            "container_push",
            "container_push_target",
            "container_only_migration",
            "container_stateless_copy");

    private ApiExtensions() {
    }
}
