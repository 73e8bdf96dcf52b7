package io.jlxd.daemon.migration;

import io.jlxd.daemon.ops.OperationContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of one migration side: bytes per stage, reported each second in the operation's metadata as LXD's
 * progress strings ({@code fs_progress}: {@code "c1: 12.3MB (45.6MB/s)"}), and the stage names and times that end in
 * the operation's metadata and the log.
 */
final class Transfer implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "migration-progress");
        t.setDaemon(true);
        return t;
    });

    final AtomicLong fsBytes = new AtomicLong();
    final AtomicLong criuBytes = new AtomicLong();
    final long startNanos = System.nanoTime();
    private final String name;
    private final OperationContext ctx;
    private final ScheduledFuture<?> task;
    private long lastFs;
    private long lastCriu;

    Transfer(String name, OperationContext ctx) {
        this.name = name;
        this.ctx = ctx;
        this.task = TIMER.scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
    }

    private void report() {
        long fs = fsBytes.get();
        long criu = criuBytes.get();
        Map<String, Object> m = new LinkedHashMap<>();
        if (fs != lastFs) {
            m.put("fs_progress", name + ": " + size(fs) + " (" + size(fs - lastFs) + "/s)");
        }
        if (criu != lastCriu) {
            m.put("criu_progress", name + ": " + size(criu) + " (" + size(criu - lastCriu) + "/s)");
        }
        lastFs = fs;
        lastCriu = criu;
        if (!m.isEmpty() && ctx != null) {
            try {
                ctx.updateMetadata(m);
            } catch (RuntimeException e) {
                // the operation ended meanwhile
            }
        }
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static String size(long b) {
        if (b < 1000) {
            return b + "B";
        }
        String[] u = {"kB", "MB", "GB", "TB"};
        double v = b;
        int i = -1;
        while (v >= 1000 && i < u.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f%s", v, u[i]);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
