package io.jlxd.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    private static final List<String> HEADER = List.of("NAME", "STATE", "IPV4");

    @Test
    void boxedTableWithCentredHeaderAndRowLines() {
        String table = Table.render(HEADER, List.of(List.of("c1", "RUNNING", "10.0.0.2 (eth0)"), List.of("web", "STOPPED", "")),
                true);
        assertEquals("""
                +------+---------+-----------------+
                | NAME |  STATE  |      IPV4       |
                +------+---------+-----------------+
                | c1   | RUNNING | 10.0.0.2 (eth0) |
                +------+---------+-----------------+
                | web  | STOPPED |                 |
                +------+---------+-----------------+
                """, table);
    }

    @Test
    void multiLineCellsAndUnevenCentring() {
        String table = Table.render(List.of("ID", "ADDRESSES"), List.of(List.of("1", "10.0.0.2\nfd42::2")), true);
        assertEquals("""
                +----+-----------+
                | ID | ADDRESSES |
                +----+-----------+
                | 1  | 10.0.0.2  |
                |    | fd42::2   |
                +----+-----------+
                """, table);
        // gap of 3 around "AB" in a width of 5: one space left, two right (like lxc's tablewriter)
        assertEquals("|  AB   |\n", Table.render(List.of("AB"), List.of(List.of("12345")), true).lines().toList().get(1) + "\n");
    }

    @Test
    void emptyListShowsOnlyTheHeader() {
        assertEquals("""
                +------+-------+------+
                | NAME | STATE | IPV4 |
                +------+-------+------+
                """, Table.render(HEADER, List.of(), true));
    }

    @Test
    void withoutHeader() {
        assertEquals("""
                +----+
                | c1 |
                +----+
                """, Table.render(List.of("NAME"), List.of(List.of("c1")), false));
    }

    @Test
    void widthCountsCodePoints() {
        assertEquals(3, Table.width("é\uD83D\uDE00x"));
    }
}
