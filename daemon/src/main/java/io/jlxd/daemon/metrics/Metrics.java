package io.jlxd.daemon.metrics;

import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.metrics.PromWriter.Type;
import io.jlxd.daemon.ops.OperationStats;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.storage.StoragePools;
import io.jlxd.storage.pool.PoolDriver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code GET /1.0/metrics}: the Prometheus text exposition of the daemon. LXD's instance metrics under LXD's names
 * ({@link InstanceMetrics}), LXD's {@code lxd_uptime_seconds} and {@code lxd_operations_total}, and what LXD lacks,
 * under {@code jlxd_}: instances by status (stopped ones too), storage pool size and usage, finished operations by
 * type and result with their summed durations, CRIU dump and restore durations, and the daemon's own heap, threads
 * and open descriptors (the soak bench watches these). Computed on each request from files the kernel keeps; no
 * process is started.
 */
public final class Metrics {
    private final InstanceMetrics instances;
    private final StoragePools pools;
    private final Operations operations;
    private final Durations criu;
    private final long startNanos = System.nanoTime();

    public Metrics(InstanceManager instances, StoragePools pools, Operations operations) {
        this.instances = new InstanceMetrics(instances);
        this.pools = pools;
        this.operations = operations;
        this.criu = instances.driver().criuDurations();
    }

    /** The whole exposition. */
    public String text() {
        PromWriter w = new PromWriter();
        instances.write(w);
        pools(w);
        operations(w);
        durations(w, "jlxd_criu_duration_seconds", "CRIU checkpoints (dump) and restores, by result.", criu, "action", "result");
        daemon(w);
        return w.text();
    }

    private void pools(PromWriter w) {
        w.family("jlxd_storage_pool_size_bytes", Type.GAUGE, "The size of a storage pool in bytes.");
        w.family("jlxd_storage_pool_used_bytes", Type.GAUGE, "The bytes used on a storage pool.");
        for (String name : pools.table().names()) {
            Optional<PoolDriver> d = pools.find(name);
            if (d.isEmpty()) {
                continue;
            }
            try {
                PoolDriver.Resources r = d.get().resources();
                List<String> l = List.of("pool", name, "driver", d.get().name());
                w.sample("jlxd_storage_pool_size_bytes", r.total(), l);
                w.sample("jlxd_storage_pool_used_bytes", r.used(), l);
            } catch (IOException | RuntimeException e) {
                // an unmounted pool reports nothing
            }
        }
    }

    private void operations(PromWriter w) {
        w.family("lxd_operations_total", Type.GAUGE, "The number of running operations.");
        long running = operations.all().stream().filter(op -> !op.status().isFinal()).count();
        w.sample("lxd_operations_total", running, List.of());
        w.family("jlxd_operations_finished_total", Type.COUNTER, "Finished operations by type (description) and result.");
        w.family("jlxd_operation_duration_seconds", Type.SUMMARY, "Durations of finished operations by type and result.");
        for (Map.Entry<OperationStats.Key, OperationStats.Totals> e : operations.stats().snapshot().entrySet()) {
            List<String> l = List.of("type", e.getKey().description(), "result", e.getKey().status().toLowerCase());
            w.sample("jlxd_operations_finished_total", e.getValue().count(), l);
            w.sample("jlxd_operation_duration_seconds", "_sum", e.getValue().seconds(), l);
            w.sample("jlxd_operation_duration_seconds", "_count", e.getValue().count(), l);
        }
    }

    private static void durations(PromWriter w, String name, String help, Durations d, String... labelNames) {
        w.family(name, Type.SUMMARY, help);
        d.snapshot().forEach((values, t) -> {
            List<String> l = new java.util.ArrayList<>();
            for (int i = 0; i < labelNames.length && i < values.size(); i++) {
                l.add(labelNames[i]);
                l.add(values.get(i));
            }
            w.sample(name, "_sum", t.seconds(), l);
            w.sample(name, "_count", t.count(), l);
        });
    }

    private void daemon(PromWriter w) {
        w.family("lxd_uptime_seconds", Type.GAUGE, "The daemon uptime in seconds.");
        w.sample("lxd_uptime_seconds", (System.nanoTime() - startNanos) / 1e9, List.of());
        var mem = ManagementFactory.getMemoryMXBean();
        w.family("jlxd_jvm_heap_used_bytes", Type.GAUGE, "The daemon's Java heap in use, in bytes.");
        w.sample("jlxd_jvm_heap_used_bytes", mem.getHeapMemoryUsage().getUsed(), List.of());
        w.family("jlxd_jvm_nonheap_used_bytes", Type.GAUGE, "The daemon's non-heap JVM memory in use, in bytes.");
        w.sample("jlxd_jvm_nonheap_used_bytes", mem.getNonHeapMemoryUsage().getUsed(), List.of());
        w.family("jlxd_threads", Type.GAUGE, "The daemon's live platform threads.");
        w.sample("jlxd_threads", ManagementFactory.getThreadMXBean().getThreadCount(), List.of());
        w.family("jlxd_open_fds", Type.GAUGE, "The daemon's open file descriptors.");
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            w.sample("jlxd_open_fds", s.count(), List.of());
        } catch (IOException e) {
            // no /proc: no sample
        }
        w.family("jlxd_resident_memory_bytes", Type.GAUGE, "The daemon's resident set size in bytes.");
        for (String line : InstanceMetrics.read(Path.of("/proc/self/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                w.sample("jlxd_resident_memory_bytes", Long.parseLong(line.replaceAll("\\D+", "")) * 1024, List.of());
            }
        }
    }
}
