package io.jlxd.daemon.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProjectKeysTest {
    @Test
    void defaultKeepsPlainNamesOthersArePrefixed() {
        assertEquals("c1", ProjectKeys.key("default", "c1"));
        assertEquals("c1", ProjectKeys.key(null, "c1"));
        assertEquals("p1_c1", ProjectKeys.key("p1", "c1"));
        assertEquals("p1", ProjectKeys.project("p1_c1"));
        assertEquals("c1", ProjectKeys.name("p1_c1"));
        assertEquals("default", ProjectKeys.project("c1"));
        assertEquals("c1", ProjectKeys.name("c1"));
    }

    @Test
    void snapshotNamesMayHoldUnderscores() {
        assertEquals("default", ProjectKeys.project("c1/snap_1"));
        assertEquals("c1/snap_1", ProjectKeys.name("c1/snap_1"));
        assertEquals("p1", ProjectKeys.project("p1_c1/snap_1"));
        assertEquals("c1/snap_1", ProjectKeys.name("p1_c1/snap_1"));
    }

    @Test
    void urlsAsLxdGivesThem() {
        assertEquals("/1.0/instances/c1", ProjectKeys.instanceUrl("c1"));
        assertEquals("/1.0/instances/c1?project=p1", ProjectKeys.instanceUrl("p1_c1"));
        assertEquals("/1.0/instances/c1/snapshots/s?project=p1", ProjectKeys.instanceUrl("p1_c1", "/snapshots/s"));
        assertEquals("p1", ProjectKeys.ofUrl("/1.0/instances/c1?project=p1"));
        assertEquals("p1", ProjectKeys.ofUrl("/1.0/instances/c1?recursion=1&project=p1"));
        assertEquals("default", ProjectKeys.ofUrl("/1.0/instances/c1"));
        assertEquals("default", ProjectKeys.ofUrl("/1.0/storage-pools/default/volumes/custom/v"));
        assertEquals("", ProjectKeys.ofUrl("/1.0/storage-pools/default"));
        assertEquals("", ProjectKeys.ofUrl("/1.0/certificates/ab"));
    }

    @Test
    void cpusOfLimits() {
        assertEquals(2, ProjectLimits.cpus("2"));
        assertEquals(3, ProjectLimits.cpus("0-1,3"));
        assertEquals(5, ProjectLimits.cpus("5"));
        assertEquals(1, ProjectLimits.cpus("4-4"));
    }
}
