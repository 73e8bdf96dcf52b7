package io.jlxd.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What one daemon has made on the host, read from the kernel and /proc (never from the daemon): its containers'
 * cgroups ({@code jlxd-<hash of the lxcpath>/NAME} in every hierarchy), liblxc monitors, bridges carrying its owner
 * mark, nft tables, dnsmasq and other processes naming its data directory, veths on its bridges, mounts under its
 * data directory. The crash harness compares this with the daemon's database and API.
 */
final class HostState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");

    private final Path dataDir;

    HostState(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath();
    }

    Path lxcPath() {
        return dataDir.resolve("containers");
    }

    /** The daemon's cgroup prefix: jlxd- and 8 hex digits of the SHA-256 of its lxcpath (CgroupDirs). */
    String cgroupPrefix() {
        return "jlxd-" + HexFormat.of().formatHex(sha256(lxcPath().normalize().toString()), 0, 4);
    }

    /** The owner mark in the alias of the daemon's bridges (ManagedNetworks.ownerMark). */
    String bridgeMark() {
        return "jlxd:" + HexFormat.of().formatHex(sha256(dataDir.toString()), 0, 6);
    }

    /** "hierarchy: NAME" for every container cgroup of this daemon (and ".monitor" ones), in every hierarchy. */
    Set<String> cgroups() {
        Set<String> out = new TreeSet<>();
        for (Path h : list(CGROUP)) {
            for (String top : List.of(cgroupPrefix(), cgroupPrefix() + ".monitor")) {
                Path dir = h.resolve(top);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    for (Path c : list(dir)) {
                        if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                            out.add(h.getFileName() + ":" + top.substring(cgroupPrefix().length()) + "/" + c.getFileName());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Names of the containers that have a cgroup of this daemon in some hierarchy. */
    Set<String> cgroupNames() {
        Set<String> out = new TreeSet<>();
        for (String c : cgroups()) {
            if (!c.contains(".monitor/")) {
                out.add(c.substring(c.indexOf('/') + 1));
            }
        }
        return out;
    }

    /** Processes whose command line names the data directory: pid → command line (NULs as spaces). */
    java.util.Map<Long, String> processes() {
        java.util.Map<Long, String> out = new java.util.TreeMap<>();
        String needle = dataDir.toString();
        for (Path p : list(Path.of("/proc"))) {
            String n = p.getFileName().toString();
            if (!n.chars().allMatch(Character::isDigit)) {
                continue;
            }
            try {
                String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
                if (cmd.contains(needle)) {
                    out.put(Long.parseLong(n), cmd);
                }
            } catch (IOException e) {
                // gone
            }
        }
        return out;
    }

    /** Names of the containers that have a liblxc monitor ("[lxc monitor] LXCPATH NAME"). */
    Set<String> monitors() {
        Set<String> out = new TreeSet<>();
        String prefix = "[lxc monitor] " + lxcPath() + " ";
        for (String cmd : processes().values()) {
            if (cmd.startsWith(prefix)) {
                out.add(cmd.substring(prefix.length()).strip());
            }
        }
        return out;
    }

    /** Network names whose dnsmasq runs (command line names {@code <datadir>/networks/NAME/}). */
    List<String> dnsmasqs() {
        List<String> out = new ArrayList<>();
        String prefix = dataDir.resolve("networks") + "/";
        for (String cmd : processes().values()) {
            if (cmd.startsWith("dnsmasq ") || cmd.contains("/dnsmasq ")) {
                int i = cmd.indexOf(prefix);
                if (i >= 0) {
                    String rest = cmd.substring(i + prefix.length());
                    out.add(rest.substring(0, rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/')));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Processes naming the data directory that are neither monitors, dnsmasq nor the daemon {@code daemonPid}. */
    List<String> strayProcesses(long daemonPid) {
        List<String> out = new ArrayList<>();
        String monitor = "[lxc monitor] " + lxcPath() + " ";
        String networks = dataDir.resolve("networks") + "/";
        for (var e : processes().entrySet()) {
            String cmd = e.getValue();
            if (e.getKey() == daemonPid || cmd.startsWith(monitor) || (cmd.contains("dnsmasq") && cmd.contains(networks))) {
                continue;
            }
            out.add(e.getKey() + " " + cmd);
        }
        return out;
    }

    /** Bridges carrying this daemon's owner mark. */
    Set<String> bridges() {
        Set<String> out = new TreeSet<>();
        for (JsonNode l : ipJson("link", "show", "type", "bridge")) {
            if (bridgeMark().equals(l.path("ifalias").asText(""))) {
                out.add(l.get("ifname").asText());
            }
        }
        return out;
    }

    /** Interfaces enslaved to {@code bridge}. */
    static Set<String> ports(String bridge) {
        Set<String> out = new TreeSet<>();
        for (Path p : list(Path.of("/sys/class/net", bridge, "brif"))) {
            out.add(p.getFileName().toString());
        }
        return out;
    }

    static boolean interfaceExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** nft tables "family name" whose name starts with {@code prefix}. */
    static Set<String> nftTables(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String line : run("nft", "list", "tables").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 3 && f[0].equals("table") && f[2].startsWith(prefix)) {
                out.add(f[1] + " " + f[2]);
            }
        }
        return out;
    }

    /** Mount points under the data directory (host mount namespace). */
    List<String> mounts() {
        List<String> out = new ArrayList<>();
        String prefix = dataDir + "/";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(prefix)) {
                    out.add(f[4]);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Lines of an sqlite3 query on the daemon's database, read-only (WAL readers do not disturb the daemon). */
    List<String> sql(String query) {
        String out = run("sqlite3", "-readonly", "-cmd", ".timeout 5000", dataDir.resolve("database/local.db").toString(), query);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    /** Runs a changing statement on the daemon's database: only while the daemon is stopped. */
    void sqlWrite(String statement) {
        run("sqlite3", "-cmd", ".timeout 5000", dataDir.resolve("database/local.db").toString(), statement);
    }

    private static List<JsonNode> ipJson(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-json", "-details"));
        cmd.addAll(List.of(args));
        String out = run(cmd.toArray(String[]::new));
        List<JsonNode> nodes = new ArrayList<>();
        try {
            JSON.readTree(out.isBlank() ? "[]" : out).forEach(nodes::add);
        } catch (IOException e) {
            throw new AssertionError("ip -json: " + out, e);
        }
        return nodes;
    }

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
