package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.cli.CliException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecCommandTest {
    @Test
    void environmentPairs() {
        assertEquals(Map.of("A", "1", "B", "x=y", "C", ""), ExecCommand.environment(List.of("A=1", "B=x=y", "C=")));
        assertThrows(CliException.class, () -> ExecCommand.environment(List.of("NOEQUALS")));
        assertThrows(CliException.class, () -> ExecCommand.environment(List.of("=v")));
    }
}
