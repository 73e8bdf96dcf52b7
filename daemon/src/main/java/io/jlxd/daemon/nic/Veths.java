package io.jlxd.daemon.nic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * veth pairs on the host, made with iproute2's {@code ip} (one short child process per step, with its error text
 * in the exception): the pairs liblxc does not make itself, i.e. NICs hot-plugged into a running container and the
 * pairs pre-created before a CRIU restore.
 */
public final class Veths {
    private static final Path SYS_NET = Path.of("/sys/class/net");

    private Veths() {
    }

    /** Whether an interface of that name exists in the host's network namespace. */
    public static boolean exists(String ifname) {
        return IfNames.problem(ifname) == null && Files.exists(SYS_NET.resolve(ifname));
    }

    /** Whether {@code ifname} is a Linux bridge of the host. */
    public static boolean isBridge(String ifname) {
        return IfNames.problem(ifname) == null && Files.isDirectory(SYS_NET.resolve(ifname).resolve("bridge"));
    }

    /** The MTU of a host interface, or 0. */
    public static int mtu(String ifname) {
        try {
            return Integer.parseInt(Files.readString(SYS_NET.resolve(ifname).resolve("mtu")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A pair in the host's namespace, both ends down and attached to nothing: CRIU moves {@code peer} into the
     * restored container and, told {@code veth[NAME]:HOST@BRIDGE} by liblxc, joins {@code host} to the bridge and
     * brings it up itself (it fails with EBUSY when the end is already a bridge port).
     */
    public static void createOnHost(String host, String peer, int mtu) throws IOException {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", host));
        mtu(add, mtu);
        add.addAll(List.of("type", "veth", "peer", "name", peer));
        mtu(add, mtu);
        ip(add);
    }

    /**
     * Hot-plug: a pair whose container end is created directly in the network namespace of {@code pid}, named
     * {@code inside}, with {@code mac} and {@code mtu}, and brought up; the host end joins {@code bridge}, up.
     * Nothing is left when it fails.
     */
    public static void plug(long pid, String host, String bridge, String inside, String mac, int mtu) throws IOException {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", host));
        mtu(add, mtu);
        add.addAll(List.of("type", "veth", "peer", "name", inside, "address", mac));
        mtu(add, mtu);
        add.addAll(List.of("netns", Long.toString(pid)));
        ip(add);
        try {
            ip(List.of("ip", "link", "set", host, "master", bridge, "up"));
            ip(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "--", "ip", "link", "set", inside, "up"));
        } catch (IOException e) {
            deleteQuietly(host);
            throw e;
        }
    }

    /** Brings a host end up or down (a live migration cuts the frozen source off its bridge after the dump). */
    public static void setUp(String host, boolean up) throws IOException {
        ip(List.of("ip", "link", "set", host, up ? "up" : "down"));
    }

    /** Deletes a pair by its host end (the kernel deletes the peer with it); no-op when it does not exist. */
    public static void delete(String host) throws IOException {
        if (!exists(host)) {
            return;
        }
        ip(List.of("ip", "link", "del", host));
    }

    public static void deleteQuietly(String host) {
        try {
            delete(host);
        } catch (IOException e) {
            // best effort while undoing
        }
    }

    private static void mtu(List<String> args, int mtu) {
        if (mtu > 0) {
            args.add("mtu");
            args.add(Integer.toString(mtu));
        }
    }

    private static void ip(List<String> args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", args) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", args), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", args) + ": " + (out.isEmpty() ? "exit " + p.exitValue() : out));
        }
    }
}
