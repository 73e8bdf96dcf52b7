package io.jlxd.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void quotesOnlyWhenNeeded() {
        String csv = Csv.render(List.of("A", "B"), List.of(
                List.of("plain", "with,comma"),
                List.of("say \"hi\"", "two\nlines"),
                List.of("", " leading space"),
                List.of("cr\rhere", "")), false);
        assertEquals("plain,\"with,comma\"\n"
                + "\"say \"\"hi\"\"\",\"two\nlines\"\n"
                + ",\" leading space\"\n"
                + "\"cr\rhere\",\n", csv);
    }

    @Test
    void headerOnRequest() {
        assertEquals("ID,STATUS\nx,RUNNING\n", Csv.render(List.of("ID", "STATUS"), List.of(List.of("x", "RUNNING")), true));
        assertEquals("", Csv.render(List.of("ID"), List.of(), false));
    }
}
