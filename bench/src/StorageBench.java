import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Storage benchmarks of jlxd (see bench/storage.sh, which starts the daemon, creates the pools and imports the
 * images): per pool, launch from a big image (create + start until RUNNING; the first launch on a pool unpacks the
 * image, later ones reuse the pool's image volume on btrfs), and snapshot / restore of a stopped busybox container
 * (~2 MB) and of one with +500 MB of data, each against the same work done by hand on the same volume
 * ({@code cp -a} on dir, {@code btrfs subvolume snapshot} on btrfs).
 *
 * <pre>java StorageBench.java SOCKET DATADIR N POOL:DRIVER...</pre>
 */
public final class StorageBench extends BenchClient {
    private final Path data;
    private final int n;

    private StorageBench(String socket, Path data, int n) throws IOException {
        super(socket);
        this.data = data;
        this.n = n;
    }

    public static void main(String[] a) throws Exception {
        StorageBench b = new StorageBench(a[0], Path.of(a[1]), Integer.parseInt(a[2]));
        for (int i = 3; i < a.length; i++) {
            String[] pd = a[i].split(":");
            b.pool(pd[0], pd[1]);
        }
        System.out.println(b.json(b.n));
    }

    private void createOn(String name, String alias, String pool) throws IOException {
        op("POST", "/1.0/instances", "{\"name\":\"" + name + "\",\"source\":{\"type\":\"image\",\"alias\":\"" + alias
                + "\"},\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"" + pool + "\"}}}");
    }

    private Path volume(String pool, String name) {
        return data.resolve("storage-pools").resolve(pool).resolve("containers").resolve(name);
    }

    private void pool(String pool, String driver) throws Exception {
        boolean btrfs = driver.equals("btrfs");
        // launch from the big image: the first one on the pool unpacks it
        time(driver + "_launch_big_first", () -> {
            createOn("sb-" + pool + "-l0", "big", pool);
            state("sb-" + pool + "-l0", "start", "");
        });
        quiet(() -> delete("sb-" + pool + "-l0"));
        for (int i = 1; i <= n; i++) {
            String c = "sb-" + pool + "-l" + i;
            time(driver + "_launch_big", () -> {
                createOn(c, "big", pool);
                state(c, "start", "");
            });
            quiet(() -> delete(c));
        }
        // snapshot / restore of a stopped container, ~2 MB and +500 MB
        for (String size : new String[] {"2m", "500m"}) {
            String c = "sb-" + pool + "-" + size;
            createOn(c, "busybox", pool);
            Path vol = volume(pool, c);
            if (size.equals("500m")) {
                sh("dd", "if=/dev/urandom", "of=" + vol.resolve("rootfs/bench-data.bin"), "bs=1M", "count=500", "status=none");
                sh("sync");
            }
            Path rawDir = vol.resolveSibling(".bench-raw-" + c);
            for (int i = 0; i < n; i++) {
                String snap = "s" + i;
                time(driver + "_snapshot_" + size, () -> op("POST", "/1.0/instances/" + c + "/snapshots", "{\"name\":\"" + snap + "\"}"));
                time(driver + "_restore_" + size, () -> op("PUT", "/1.0/instances/" + c, "{\"restore\":\"" + snap + "\"}"));
                Path rawSnap = rawDir.resolve("snap" + i);
                Files.createDirectories(rawDir);
                if (btrfs) {
                    time("raw_btrfs_snapshot_" + size, () -> sh("btrfs", "-q", "subvolume", "snapshot", "-r", vol.toString(), rawSnap.toString()));
                    Path tmp = rawDir.resolve("restore" + i);
                    time("raw_btrfs_restore_" + size, () -> {
                        sh("btrfs", "-q", "subvolume", "snapshot", rawSnap.toString(), tmp.toString());
                        sh("btrfs", "-q", "subvolume", "delete", tmp.toString());
                    });
                    quiet(() -> sh("btrfs", "-q", "subvolume", "delete", rawSnap.toString()));
                } else {
                    time("raw_cp_snapshot_" + size, () -> sh("cp", "-a", vol.toString(), rawSnap.toString()));
                    Path tmp = rawDir.resolve("restore" + i);
                    time("raw_cp_restore_" + size, () -> {
                        sh("cp", "-a", rawSnap.toString(), tmp.toString());
                        sh("rm", "-rf", tmp.toString());
                    });
                    quiet(() -> sh("rm", "-rf", rawSnap.toString()));
                }
                quiet(() -> op("DELETE", "/1.0/instances/" + c + "/snapshots/" + snap, null));
            }
            quiet(() -> sh("rm", "-rf", rawDir.toString()));
            quiet(() -> delete(c));
        }
    }
}
