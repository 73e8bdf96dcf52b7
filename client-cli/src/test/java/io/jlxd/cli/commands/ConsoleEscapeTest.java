package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleEscapeTest {
    static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void ctrlAqDetachesAndOtherInputPassesThrough() {
        ConsoleCommand.Escape e = new ConsoleCommand.Escape();
        assertArrayEquals(b("ls\n"), e.filter(b("ls\n"), 3));
        assertArrayEquals(b("\u0001\u0001x"), e.filter(b("\u0001\u0001\u0001x"), 4)); // ctrl+a ctrl+a = one ctrl+a
        assertFalse(e.detached());
        assertArrayEquals(b("ab"), e.filter(b("ab\u0001"), 3)); // prefix held back across reads
        assertArrayEquals(new byte[0], e.filter(b("qzz"), 3));
        assertTrue(e.detached());
    }
}
