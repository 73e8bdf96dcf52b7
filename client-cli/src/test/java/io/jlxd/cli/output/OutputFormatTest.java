package io.jlxd.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.cli.CliException;
import org.junit.jupiter.api.Test;

class OutputFormatTest {
    @Test
    void parsesKindsAndHeaderOptions() {
        assertEquals(new OutputFormat(OutputFormat.Kind.TABLE, true), OutputFormat.parse("table"));
        assertEquals(new OutputFormat(OutputFormat.Kind.TABLE, false), OutputFormat.parse("table,noheader"));
        assertEquals(new OutputFormat(OutputFormat.Kind.CSV, false), OutputFormat.parse("csv"));
        assertEquals(new OutputFormat(OutputFormat.Kind.CSV, true), OutputFormat.parse("CSV,header"));
        assertEquals(OutputFormat.Kind.JSON, OutputFormat.parse("json").kind());
        assertEquals(OutputFormat.Kind.YAML, OutputFormat.parse("yaml").kind());
    }

    @Test
    void refusesUnknownFormatsAndOptions() {
        assertEquals("Invalid format \"xml\" (table, csv, json or yaml)",
                assertThrows(CliException.class, () -> OutputFormat.parse("xml")).getMessage());
        assertThrows(CliException.class, () -> OutputFormat.parse("csv,fancy"));
        assertThrows(CliException.class, () -> OutputFormat.parse("json,header"));
    }
}
