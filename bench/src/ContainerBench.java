import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Container benchmarks of jlxd against raw liblxc tools, in one run on one machine (see bench/containers.sh, which
 * starts the daemon and prepares the images).
 *
 * <pre>java ContainerBench.java SOCKET LXCPATH RAWDIR JLXC N</pre>
 *
 * Prints one JSON object: per metric the samples' median, min and max in milliseconds.
 */
public final class ContainerBench extends BenchClient {
    private final String lxcpath;
    private final Path raw;
    private final String jlxc;
    private final String socketDir;
    private final int n;
    private final String forkexec;

    private ContainerBench(String socket, String lxcpath, Path raw, String jlxc, int n, String forkexec) throws IOException {
        super(socket);
        this.lxcpath = lxcpath;
        this.raw = raw;
        this.jlxc = jlxc;
        this.socketDir = Path.of(socket).getParent().toString();
        this.n = n;
        this.forkexec = forkexec;
    }

    public static void main(String[] a) throws Exception {
        new ContainerBench(a[0], a[1], Path.of(a[2]), a[3], Integer.parseInt(a[4]), a[5]).run();
    }

    /** A raw container: a copy of jlxd container {@code src}'s rootfs and config under RAWDIR, name {@code dst}. */
    void rawCopy(String src, String dst, Path srcRootfs) throws Exception {
        Path dir = raw.resolve(dst);
        Files.createDirectories(dir);
        String conf = Files.readString(Path.of(lxcpath, src, "config"));
        StringBuilder out = new StringBuilder();
        for (String line : conf.split("\n")) {
            String k = line.split("=", 2)[0].strip();
            if (k.equals("lxc.rootfs.path")) {
                line = "lxc.rootfs.path = dir:" + dir.resolve("rootfs");
            } else if (k.equals("lxc.uts.name")) {
                line = "lxc.uts.name = " + dst;
            } else if (k.startsWith("lxc.log.") || k.startsWith("lxc.hook.")) {
                continue;
            }
            out.append(line).append('\n');
        }
        out.append("lxc.log.file = ").append(dir.resolve("lxc.log")).append('\n');
        Files.writeString(dir.resolve("config"), out);
        sh("cp", "-a", srcRootfs.toString(), dir.resolve("rootfs").toString());
    }

    void rawStart(String name) throws Exception {
        sh("lxc-start", "-n", name, "-P", raw.toString(), "-d");
        sh("lxc-wait", "-n", name, "-P", raw.toString(), "-s", "RUNNING", "-t", "30");
    }

    void rawStop(String name) throws Exception {
        sh("lxc-stop", "-n", name, "-P", raw.toString(), "-k");
    }

    void rawDestroy(String name) throws Exception {
        try {
            rawStop(name);
        } catch (IOException ignored) {
            // not running
        }
        sh("rm", "-rf", raw.resolve(name).toString());
    }

    private void run() throws Exception {
        Path volumes = Path.of(lxcpath).getParent().resolve("storage-pools/default/containers");
        // Reference containers the raw tools copy (their configs and shifted rootfs are jlxd's own).
        create("bench-bb", "busybox");
        create("bench-deb", "debian");
        for (int i = 0; i < n; i++) {
            String b = "bench-b" + i;
            String r = "raw-b" + i;
            // busybox: launch (create + start until RUNNING), then stop --force, start, exec
            time("busybox_launch", () -> {
                create(b, "busybox");
                state(b, "start", "");
            });
            time("raw_busybox_launch", () -> {
                rawCopy("bench-bb", r, volumes.resolve("bench-bb/rootfs"));
                rawStart(r);
            });
            time("busybox_stop_force", () -> state(b, "stop", ",\"force\":true"));
            time("raw_busybox_stop_force", () -> rawStop(r));
            time("busybox_start", () -> state(b, "start", ""));
            time("raw_busybox_start", () -> rawStart(r));
            String rawInit = shOut("lxc-info", "-n", r, "-P", raw.toString(), "-pH").strip();
            for (int k = 0; k < 5; k++) {
                time("exec_rest", () -> exec(b, "true"));
                // the floor: jlxd's own setns+execve helper run directly, no daemon, no websockets
                time("raw_forkexec", () -> sh(forkexec, "--pid", rawInit, "--", "true"));
                time("exec_cli", () -> sh(Map.of("JLXD_DIR", socketDir), jlxc, "exec", b, "--", "true"));
                time("raw_exec", () -> sh("lxc-attach", "-n", r, "-P", raw.toString(), "--clear-env", "--", "true"));
            }
            time("busybox_stateful_stop", () -> state(b, "stop", ",\"stateful\":true"));
            time("busybox_stateful_start", () -> state(b, "start", ""));
            quiet(() -> delete(b));
            quiet(() -> rawDestroy(r));
            // Debian with systemd: launch until systemd is running
            String d = "bench-d" + i;
            String rd = "raw-d" + i;
            time("debian_launch_running", () -> {
                create(d, "debian");
                state(d, "start", "");
                execUntilOk(d, "systemctl", "is-system-running", "--wait");
            });
            time("raw_debian_launch_running", () -> {
                rawCopy("bench-deb", rd, volumes.resolve("bench-deb/rootfs"));
                rawStart(rd);
                shUntilOk("lxc-attach", "-n", rd, "-P", raw.toString(), "--clear-env", "--", "systemctl", "is-system-running", "--wait");
            });
            time("debian_stateful_stop", () -> state(d, "stop", ",\"stateful\":true"));
            time("debian_stateful_start", () -> state(d, "start", ""));
            quiet(() -> delete(d));
            quiet(() -> rawDestroy(rd));
        }
        quiet(() -> delete("bench-bb"));
        quiet(() -> delete("bench-deb"));
        System.out.println(json(n));
    }
}
