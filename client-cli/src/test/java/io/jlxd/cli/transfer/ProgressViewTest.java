package io.jlxd.cli.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void lxdTextAndStructuredStages() throws Exception {
        assertEquals("Transferring instance: c1: 12.34MB (5.67MB/s)",
                ProgressView.text("Transferring instance", json("{\"control\":\"s1\",\"fs_progress\":\"c1: 12.34MB (5.67MB/s)\"}")));
        assertNull(ProgressView.text("T", json("{\"control\":\"abc\",\"fs\":\"def\"}")), "secrets are no progress");
        assertNull(ProgressView.text("T", (JsonNode) null));
        assertEquals("T: fs 1.50MB (750.00kB/s), criu c1: 3.00MB of 10.00MB",
                ProgressView.text("T", json("{\"fs_progress\":{\"bytes\":1500000,\"rate\":750000}}"),
                        json("{\"criu_progress\":{\"name\":\"c1\",\"processed\":3000000,\"total\":10000000}}")));
        // the same stage on both sides: the later (target's) value wins
        assertEquals("T: c1: 2.00MB", ProgressView.text("T", json("{\"fs_progress\":\"c1: 1.00MB\"}"),
                json("{\"fs_progress\":\"c1: 2.00MB\"}")));
    }

    @Test
    void sizesAreLxdDecimalUnits() {
        assertEquals("999B", ProgressView.size(999));
        assertEquals("1.00kB", ProgressView.size(1000));
        assertEquals("524.29MB", ProgressView.size(524_288_000));
        assertEquals("2.50GB", ProgressView.size(2_500_000_000L));
    }

    private static String render(boolean tty, boolean quiet, String... metadata) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ProgressView v = new ProgressView(err, tty, quiet, "Transferring instance");
        for (String m : metadata) {
            v.update(json(m));
        }
        v.step("Starting host2:c1");
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTerminalGetsOneRewrittenLineOthersGetLines() throws Exception {
        String a = "{\"fs_progress\":\"c1: 1.00MB (1.00MB/s)\"}";
        String b = "{\"fs_progress\":\"c1: 2.00MB (1.00MB/s)\"}";
        assertEquals("\rTransferring instance: c1: 1.00MB (1.00MB/s)\033[K"
                        + "\rTransferring instance: c1: 2.00MB (1.00MB/s)\033[K\r\033[KStarting host2:c1\n",
                render(true, false, a, a, b));
        assertEquals("Transferring instance: c1: 1.00MB (1.00MB/s)\nTransferring instance: c1: 2.00MB (1.00MB/s)\n"
                + "Starting host2:c1\n", render(false, false, a, b, b));
        assertEquals("", render(true, true, a, b));
    }
}
