package io.jlxd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.daemon.metrics.PromWriter.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromWriterTest {
    @Test
    void familiesAreGroupedWithOneHeaderAndLabelsEscaped() {
        PromWriter w = new PromWriter()
                .family("a_total", Type.COUNTER, "A things.")
                .family("b_seconds", Type.SUMMARY, "B.")
                .family("empty", Type.GAUGE, "never sampled");
        w.sample("a_total", 1, List.of("name", "x"));
        w.sample("b_seconds", "_sum", 0.25, List.of());
        w.sample("a_total", 2.5, List.of("name", "q\"u\\o\nte"));
        w.sample("b_seconds", "_count", 1, List.of());
        assertEquals("""
                # HELP a_total A things.
                # TYPE a_total counter
                a_total{name="x"} 1
                a_total{name="q\\"u\\\\o\\nte"} 2.5
                # HELP b_seconds B.
                # TYPE b_seconds summary
                b_seconds_sum 0.25
                b_seconds_count 1
                """, w.text());
    }

    @Test
    void refusesBadNamesAndUndeclaredFamilies() {
        PromWriter w = new PromWriter();
        assertThrows(IllegalArgumentException.class, () -> w.family("9bad", Type.GAUGE, "x"));
        assertThrows(IllegalStateException.class, () -> w.sample("nope", 1, List.of()));
        w.family("ok", Type.GAUGE, "x");
        assertThrows(IllegalArgumentException.class, () -> w.sample("ok", 1, List.of("bad-label", "v")));
        assertThrows(IllegalArgumentException.class, () -> w.sample("ok", 1, List.of("odd")));
        assertEquals("NaN", PromWriter.format(Double.NaN));
        assertEquals("+Inf", PromWriter.format(Double.POSITIVE_INFINITY));
    }
}
