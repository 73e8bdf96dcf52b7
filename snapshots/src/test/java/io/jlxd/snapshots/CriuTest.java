package io.jlxd.snapshots;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CriuTest {
    @Test
    void comparesVersions() {
        assertTrue(Criu.isSupported("4.2"));
        assertTrue(Criu.isSupported("4.2.1"));
        assertTrue(Criu.isSupported("4.10"));
        assertFalse(Criu.isSupported("3.17"));
        assertFalse(Criu.isSupported("4.1.1"));
    }
}
