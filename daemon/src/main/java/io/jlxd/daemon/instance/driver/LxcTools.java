package io.jlxd.daemon.instance.driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The LXC command-line helpers the driver runs for everything that forks: {@code lxc-start} (its daemonized
 * process becomes the container's monitor, ~3 MB), {@code lxc-attach} and {@code lxc-checkpoint} (CRIU dump and
 * restore; a restore's daemonized process becomes the restored container's monitor, like lxc-start's), and
 * jlxd's own {@code jlxd-forkexec} for non-interactive exec ({@link ForkExec}; null: lxc-attach for every exec).
 */
public record LxcTools(Path lxcStart, Path lxcAttach, Path lxcCheckpoint, Path forkexec) {
    public LxcTools(Path lxcStart, Path lxcAttach) {
        this(lxcStart, lxcAttach, lxcStart.resolveSibling("lxc-checkpoint"), null);
    }

    /** PATH for the helpers themselves: they get no environment of the daemon's. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Finds the tools on $PATH, then in the usual directories. */
    public static LxcTools detect() {
        return new LxcTools(find("lxc-start"), find("lxc-attach"), find("lxc-checkpoint"), ForkExec.locate().orElse(null));
    }

    static Path find(String tool) {
        List<String> dirs = new ArrayList<>();
        String env = System.getenv("PATH");
        if (env != null) {
            dirs.addAll(List.of(env.split(File.pathSeparator)));
        }
        dirs.addAll(List.of(PATH.split(":")));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(tool + " not found (install the lxc package)");
    }
}
