package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Non-interactive exec through {@code jlxd-forkexec} (daemon/src/main/c), a small C helper that does what LXD's
 * {@code forkexec} does: join the cgroups and namespaces of the container's init, drop the container's
 * capabilities, load its seccomp deny-list, set ids, cwd and environment, exec. It replaces {@code lxc-attach}
 * (~25 ms here: it asks the monitor for everything over its command socket) when the container's LXC config holds
 * nothing the helper does not reproduce; otherwise, and for interactive sessions (lxc-attach allocates the
 * container-side pty), the driver keeps using lxc-attach.
 *
 * <p>What the helper reproduces of lxc-attach: cgroups (every hierarchy of init), namespaces (user when it
 * differs, mnt, uts, ipc, net, cgroup, pid, time — a child is forked into the pid namespace), {@code lxc.cap.drop}
 * (bounding set), {@code lxc.seccomp.profile} (lxc's format, the subset jlxd writes), the uid/gid, a clean
 * environment plus {@code container=lxc}, cwd, exit codes (126, 127, 128+N). Keys that would change what an
 * attached process gets and that the helper does not apply make the driver fall back to lxc-attach.
 *
 * @param helper the helper binary
 */
record ForkExec(Path helper) {
    /** Config keys (prefixes) an attached process is subject to that the helper does not apply. */
    static final List<String> UNSUPPORTED = List.of("lxc.cap.keep", "lxc.no_new_privs", "lxc.prlimit.", "lxc.apparmor.",
            "lxc.selinux.", "lxc.seccomp.allow_nesting", "lxc.seccomp.notify", "lxc.personality", "lxc.environment");

    /** The helper next to the daemon's jar ({@code native/jlxd-forkexec}, as the build and the installer lay it). */
    static Optional<Path> locate() {
        try {
            Path code = Path.of(ForkExec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path p = code.resolveSibling("native").resolve("jlxd-forkexec");
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The helper's command line for {@code request} in the container whose init is {@code initPid} and whose
     * LXC config is {@code config}; empty when the config needs lxc-attach.
     */
    Optional<List<String>> command(long initPid, List<String> config, ExecRequest request) {
        List<String> args = new ArrayList<>(List.of(helper.toString(), "--pid", Long.toString(initPid),
                "--uid", Integer.toString(request.uid()), "--gid", Integer.toString(request.gid())));
        List<String> drops = new ArrayList<>();
        for (String line : config) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq < 0) {
                continue;
            }
            String key = l.substring(0, eq).strip();
            String value = l.substring(eq + 1).strip();
            if (UNSUPPORTED.stream().anyMatch(key::startsWith)) {
                return Optional.empty();
            }
            if (key.equals("lxc.cap.drop")) {
                if (value.isEmpty()) {
                    drops.clear(); // an empty lxc.cap.drop clears the list, as in liblxc
                } else {
                    drops.addAll(List.of(value.split("\\s+")));
                }
            } else if (key.equals("lxc.seccomp.profile") && !value.isEmpty()) {
                args.addAll(List.of("--seccomp", value));
            }
        }
        for (String d : drops) {
            if (!d.matches("[a-z_]+")) {
                return Optional.empty(); // numeric or odd capability names: lxc-attach knows them
            }
        }
        if (!drops.isEmpty()) {
            args.addAll(List.of("--cap-drop", String.join(",", drops)));
        }
        if (request.cwd() != null) {
            args.addAll(List.of("--cwd", request.cwd()));
        }
        request.environment().forEach((k, v) -> args.addAll(List.of("--env", k + "=" + v)));
        args.add("--");
        args.addAll(request.command());
        return Optional.of(args);
    }

    /** Reads the container's LXC config for {@link #command}. */
    static List<String> readConfig(Path configFile) throws IOException {
        return Files.readAllLines(configFile);
    }
}
