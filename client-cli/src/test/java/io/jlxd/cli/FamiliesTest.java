package io.jlxd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command family builds (no clashing names or options) and every (nested) command has a usage. */
class FamiliesTest {
    @Test
    void everyCommandHasAUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (CliContext ctx = new CliContext(Map.of("JLXD_DIR", "/nonexistent"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))) {
            for (String family : Main.FAMILIES.keySet()) {
                CommandLine cl = Main.commandLine(ctx, new String[] {family});
                assertEquals(1, cl.getSubcommands().values().stream().distinct().count(), family);
                visit(cl.getSubcommands().get(family));
            }
            CommandLine all = Main.commandLine(ctx, new String[0]);
            assertTrue(all.getSubcommands().keySet().containsAll(Main.FAMILIES.keySet()));
        }
    }

    private static void visit(CommandLine cl) {
        assertTrue(!cl.getUsageMessage().isEmpty(), cl.getCommandName());
        cl.getSubcommands().values().stream().distinct().forEach(FamiliesTest::visit);
    }
}
