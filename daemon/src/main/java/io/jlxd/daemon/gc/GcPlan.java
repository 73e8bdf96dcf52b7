package io.jlxd.daemon.gc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection by reachability, the pure part (after containerd's): the database rows are the roots; what the
 * daemon observed on the host and in its pools is compared with what the roots reach, and everything else is
 * garbage. Nothing here looks at the host; {@link GarbageCollector} observes and sweeps.
 */
public final class GcPlan {
    private GcPlan() {
    }

    /**
     * What the rows reach.
     *
     * @param instances instance names (rows)
     * @param running   instances whose container is active (init alive) — they reach their cgroups and veths
     * @param veths     {@code volatile.*.host_name} of the running instances
     * @param networks  managed network names (rows)
     * @param pools     storage pool names (rows)
     */
    public record Roots(Set<String> instances, Set<String> running, Set<String> veths, Set<String> networks,
                        Set<String> pools) {
    }

    /**
     * What exists, as observed (only what belongs to this daemon: its lxcpath, its cgroup prefix, bridges with its
     * owner mark, its data directory).
     *
     * @param definitions     container directories in the lxcpath
     * @param active          of those, the ones whose container is active
     * @param uncertain       names whose state could not be read: never collected
     * @param cgroups         container names having a cgroup under the daemon's prefix in some hierarchy
     * @param volumes         pool → instance volume names (visible) in the pool
     * @param snapshotParents pool → names of directories in the pool's {@code containers-snapshots}
     * @param volumeRows      pool → names of {@code container} rows of {@code storage_volumes}
     * @param bridges         bridges carrying the daemon's owner mark
     * @param ports           bridge → interfaces enslaved to it
     * @param networkDirs     directories in {@code <datadir>/networks}
     * @param dnsmasqs        pid → network of dnsmasq processes running on the daemon's network files
     * @param poolMounts      pool directory name → mount points at or under {@code <datadir>/storage-pools/NAME}
     */
    public record Observed(Set<String> definitions, Set<String> active, Set<String> uncertain, Set<String> cgroups,
                           Map<String, Set<String>> volumes, Map<String, Set<String>> snapshotParents,
                           Map<String, Set<String>> volumeRows, Set<String> bridges, Map<String, Set<String>> ports,
                           Set<String> networkDirs, Map<Long, String> dnsmasqs, Map<String, Set<String>> poolMounts) {
    }

    /** Kinds of garbage, in the order they are swept (processes before the things they hold). */
    public enum Kind {
        CONTAINER("running container without row"),
        DNSMASQ("dnsmasq without network row"),
        VETH("veth reached by no running instance"),
        BRIDGE("bridge without network row"),
        NETWORK_FILES("network files without row"),
        MOUNT("mount of a storage pool without row"),
        DEFINITION("liblxc definition without row"),
        CGROUP("cgroup of no running instance"),
        VOLUME("instance volume without row"),
        SNAPSHOTS("instance snapshot volumes without row"),
        VOLUME_ROW("container volume row without instance");

        private final String what;

        Kind(String what) {
            this.what = what;
        }

        public String what() {
            return what;
        }
    }

    /** One unreachable object: its kind, its pool or bridge (or ""), its name, a pid for processes (else 0). */
    public record Garbage(Kind kind, String where, String name, long pid) {
        public String describe() {
            if (kind == Kind.MOUNT) {
                return kind.what() + " (" + where + "): " + name;
            }
            return kind.what() + ": " + (where.isEmpty() ? "" : where + "/") + name + (pid > 0 ? " (pid " + pid + ")" : "");
        }
    }

    /**
     * True when rows and observed names do not overlap at all although both exist: the names on disk are then not the
     * rows' names (another naming, e.g. project prefixes of a newer layout) and nothing of that kind may be collected.
     */
    static boolean disjoint(Set<String> rows, Set<String> observed) {
        return !rows.isEmpty() && !observed.isEmpty() && observed.stream().noneMatch(rows::contains);
    }

    /** Everything observed that no root reaches, in sweeping order. */
    public static List<Garbage> plan(Roots r, Observed o) {
        List<Garbage> out = planUnguarded(r, o);
        boolean definitions = disjoint(r.instances(), o.definitions());
        boolean cgroups = disjoint(r.running(), o.cgroups());
        out.removeIf(g -> switch (g.kind()) {
            case CONTAINER, DEFINITION -> definitions;
            case CGROUP -> cgroups;
            case VOLUME -> disjoint(r.instances(), o.volumes().getOrDefault(g.where(), Set.of()));
            case SNAPSHOTS -> disjoint(r.instances(), o.snapshotParents().getOrDefault(g.where(), Set.of()));
            case VOLUME_ROW -> disjoint(r.instances(), o.volumeRows().getOrDefault(g.where(), Set.of()));
            default -> false;
        });
        return out;
    }

    private static List<Garbage> planUnguarded(Roots r, Observed o) {
        List<Garbage> out = new ArrayList<>();
        for (String d : o.definitions()) {
            if (!r.instances().contains(d) && !o.uncertain().contains(d)) {
                out.add(new Garbage(o.active().contains(d) ? Kind.CONTAINER : Kind.DEFINITION, "", d, 0));
            }
        }
        for (String c : o.cgroups()) {
            // an active container without row is stopped first (which removes its cgroups); an instance whose state
            // could not be read is left alone
            if (!r.running().contains(c) && !o.active().contains(c) && !o.uncertain().contains(c)) {
                out.add(new Garbage(Kind.CGROUP, "", c, 0));
            }
        }
        o.volumes().forEach((pool, names) -> names.stream().filter(n -> !r.instances().contains(n))
                .forEach(n -> out.add(new Garbage(Kind.VOLUME, pool, n, 0))));
        o.snapshotParents().forEach((pool, names) -> names.stream().filter(n -> !r.instances().contains(n))
                .forEach(n -> out.add(new Garbage(Kind.SNAPSHOTS, pool, n, 0))));
        o.volumeRows().forEach((pool, names) -> names.stream().filter(n -> !r.instances().contains(n))
                .forEach(n -> out.add(new Garbage(Kind.VOLUME_ROW, pool, n, 0))));
        for (String b : o.bridges()) {
            if (!r.networks().contains(b)) {
                out.add(new Garbage(Kind.BRIDGE, "", b, 0));
            }
            for (String port : o.ports().getOrDefault(b, Set.of())) {
                if (!r.veths().contains(port)) {
                    out.add(new Garbage(Kind.VETH, b, port, 0));
                }
            }
        }
        for (String d : o.networkDirs()) {
            if (!r.networks().contains(d)) {
                out.add(new Garbage(Kind.NETWORK_FILES, "", d, 0));
            }
        }
        // a pool mounted (a btrfs loop file, a bind mount) whose row is gone: a crash between the row and the unmount
        o.poolMounts().forEach((pool, points) -> {
            if (!r.pools().contains(pool)) {
                points.forEach(m -> out.add(new Garbage(Kind.MOUNT, pool, m, 0)));
            }
        });
        o.dnsmasqs().forEach((pid, net) -> {
            if (!r.networks().contains(net)) {
                out.add(new Garbage(Kind.DNSMASQ, "", net, pid));
            }
        });
        // deepest mount first (names of one kind and place sort parents before children: reversed for mounts)
        out.sort(Comparator.comparing(Garbage::kind).thenComparing(Garbage::where)
                .thenComparing((a, b) -> a.kind() == Kind.MOUNT ? b.name().compareTo(a.name()) : a.name().compareTo(b.name())));
        return out;
    }
}
