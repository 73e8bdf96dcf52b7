package io.jlxd.daemon.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReverterTest {
    @Test
    void undoesInReverseOrderWhenSomethingFails() {
        List<String> done = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (Reverter r = new Reverter()) {
                done.add("a");
                r.add("undo a", () -> done.add("-a"));
                done.add("b");
                r.add("undo b", () -> done.add("-b"));
                throw new IllegalStateException("step c failed");
            }
        });
        assertEquals("step c failed", e.getMessage());
        assertEquals(List.of("a", "b", "-b", "-a"), done);
    }

    @Test
    void successDisarms() {
        List<String> done = new ArrayList<>();
        try (Reverter r = new Reverter()) {
            r.add("undo a", () -> done.add("-a"));
            r.success();
        }
        assertEquals(List.of(), done);
    }

    @Test
    void aFailedUndoStepIsReportedAndTheOthersStillRun() {
        List<String> done = new ArrayList<>();
        List<String> reported = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (Reverter r = new Reverter(u -> reported.add(u.getMessage()))) {
                r.add("undo a", () -> done.add("-a"));
                r.add("remove the volume", () -> {
                    throw new java.io.IOException("device busy");
                });
                r.add("undo c", () -> done.add("-c"));
                throw new IllegalStateException("failed");
            }
        });
        assertEquals(List.of("-c", "-a"), done);
        assertEquals(List.of("could not remove the volume: device busy"), reported);
        assertEquals(1, e.getSuppressed().length, "the undo failure rides along with the original error");
        assertTrue(e.getSuppressed()[0] instanceof Reverter.UndoFailedException);
    }
}
