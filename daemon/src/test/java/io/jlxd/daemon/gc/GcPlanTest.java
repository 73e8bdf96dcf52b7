package io.jlxd.daemon.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.daemon.gc.GcPlan.Garbage;
import io.jlxd.daemon.gc.GcPlan.Kind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcPlanTest {
    private static GcPlan.Observed observed(Set<String> definitions, Set<String> active, Set<String> uncertain, Set<String> cgroups,
                                            Set<String> volumes, Set<String> snapshotParents, Set<String> volumeRows,
                                            Set<String> bridges, Map<String, Set<String>> ports, Set<String> networkDirs,
                                            Map<Long, String> dnsmasqs) {
        return new GcPlan.Observed(definitions, active, uncertain, cgroups, Map.of("default", volumes),
                Map.of("default", snapshotParents), Map.of("default", volumeRows), bridges, ports, networkDirs, dnsmasqs,
                Map.of("default", Set.of("/d/storage-pools/default")));
    }

    @Test
    void everythingReachedIsKept() {
        GcPlan.Roots roots = new GcPlan.Roots(Set.of("a", "b"), Set.of("a"), Set.of("veth1"), Set.of("br0"), Set.of("default"));
        GcPlan.Observed o = observed(Set.of("a", "b"), Set.of("a"), Set.of(), Set.of("a"), Set.of("a", "b"), Set.of("a"),
                Set.of("a", "b"), Set.of("br0"), Map.of("br0", Set.of("veth1")), Set.of("br0"), Map.of(42L, "br0"));
        assertEquals(List.of(), GcPlan.plan(roots, o));
    }

    @Test
    void whatNoRowReachesIsGarbageInSweepingOrder() {
        GcPlan.Roots roots = new GcPlan.Roots(Set.of("a", "b"), Set.of("a"), Set.of("veth1"), Set.of("br0"), Set.of("default"));
        GcPlan.Observed o = observed(Set.of("a", "b", "ghost", "zombie"), Set.of("a", "zombie"), Set.of(),
                Set.of("a", "b", "ghost", "zombie"), Set.of("a", "b", "ghost"), Set.of("a", "ghost"), Set.of("a", "b", "ghost"),
                Set.of("br0", "br9"), Map.of("br0", Set.of("veth1", "vethX"), "br9", Set.of()), Set.of("br0", "br9"),
                Map.of(42L, "br0", 43L, "br9"));
        assertEquals(List.of(
                new Garbage(Kind.CONTAINER, "", "zombie", 0),
                new Garbage(Kind.DNSMASQ, "", "br9", 43),
                new Garbage(Kind.VETH, "br0", "vethX", 0),
                new Garbage(Kind.BRIDGE, "", "br9", 0),
                new Garbage(Kind.NETWORK_FILES, "", "br9", 0),
                new Garbage(Kind.DEFINITION, "", "ghost", 0),
                new Garbage(Kind.CGROUP, "", "b", 0), // a stopped instance reaches no cgroup
                new Garbage(Kind.CGROUP, "", "ghost", 0), // zombie's go with its stop
                new Garbage(Kind.VOLUME, "default", "ghost", 0),
                new Garbage(Kind.SNAPSHOTS, "default", "ghost", 0),
                new Garbage(Kind.VOLUME_ROW, "default", "ghost", 0)), GcPlan.plan(roots, o));
    }

    @Test
    void aContainerWhoseStateIsUnknownIsNeverCollected() {
        GcPlan.Roots roots = new GcPlan.Roots(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("default"));
        GcPlan.Observed o = observed(Set.of("x"), Set.of(), Set.of("x"), Set.of("x"), Set.of(), Set.of(), Set.of(), Set.of(),
                Map.of(), Set.of(), Map.of());
        assertEquals(List.of(), GcPlan.plan(roots, o));
    }

    @Test
    void theVethsOfABridgeWithoutRowGoWithIt() {
        GcPlan.Roots roots = new GcPlan.Roots(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("default"));
        GcPlan.Observed o = observed(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of("brx"),
                Map.of("brx", Set.of("vethA")), Set.of(), Map.of());
        assertEquals(List.of(new Garbage(Kind.VETH, "brx", "vethA", 0), new Garbage(Kind.BRIDGE, "", "brx", 0)),
                GcPlan.plan(roots, o));
    }

    @Test
    void namesThatMatchNoRowAtAllAreAnotherNamingAndNeverCollected() {
        // rows c1, c2; on disk only p_c1, p_c2 (a project prefix the collector does not know): nothing is touched
        GcPlan.Roots roots = new GcPlan.Roots(Set.of("c1", "c2"), Set.of("c1"), Set.of(), Set.of(), Set.of("default"));
        GcPlan.Observed o = observed(Set.of("p_c1", "p_c2"), Set.of("p_c1"), Set.of(), Set.of("p_c1"), Set.of("p_c1", "p_c2"),
                Set.of("p_c1"), Set.of("p_c1", "p_c2"), Set.of(), Map.of(), Set.of(), Map.of());
        assertEquals(List.of(), GcPlan.plan(roots, o));
    }

    @Test
    void theMountsOfAPoolWithoutRowAreUnmountedDeepestFirst() {
        GcPlan.Roots roots = new GcPlan.Roots(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("default"));
        GcPlan.Observed o = new GcPlan.Observed(Set.of(), Set.of(), Set.of(), Set.of(), Map.of(), Map.of(), Map.of(), Set.of(),
                Map.of(), Set.of(), Map.of(), Map.of("default", Set.of("/d/storage-pools/default", "/d/storage-pools/default/x"),
                "gone", Set.of("/d/storage-pools/gone", "/d/storage-pools/gone/containers/c1")));
        assertEquals(List.of(new Garbage(Kind.MOUNT, "gone", "/d/storage-pools/gone/containers/c1", 0),
                new Garbage(Kind.MOUNT, "gone", "/d/storage-pools/gone", 0)), GcPlan.plan(roots, o));
    }
}
