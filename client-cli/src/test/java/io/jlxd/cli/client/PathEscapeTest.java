package io.jlxd.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathEscapeTest {
    @Test
    void escapesEverythingButUnreserved() {
        assertEquals("abc-1.2_~", PathEscape.segment("abc-1.2_~"));
        assertEquals("a%2Fb%3Fc%20d%C3%A9", PathEscape.segment("a/b?c dé"));
    }
}
