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

    @Test
    void aNamedSubcommandIsBuiltAloneOthersGetTheWholeFamily() {
        try (CliContext ctx = new CliContext(Map.of("JLXD_DIR", "/nonexistent"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            CommandLine all = Main.commandLine(ctx, new String[] {"profile"}).getSubcommands().get("profile");
            assertTrue(all.getSubcommands().keySet().containsAll(java.util.List.of("list", "ls", "show", "device")));
            for (String[] args : new String[][] {{"profile", "list"}, {"--format", "csv", "profile", "ls"}}) {
                CommandLine one = Main.commandLine(ctx, args).getSubcommands().get("profile");
                assertEquals(java.util.Set.of("list", "ls"), one.getSubcommands().keySet(), String.join(" ", args));
            }
            for (String[] args : new String[][] {{"profile", "nosuch"}, {"profile", "--help"}, {"profile", "device"}}) {
                CommandLine cl = Main.commandLine(ctx, args).getSubcommands().get("profile");
                assertEquals(all.getSubcommands().keySet(), cl.getSubcommands().keySet(), String.join(" ", args));
            }
        }
    }

    private static void visit(CommandLine cl) {
        assertTrue(!cl.getUsageMessage().isEmpty(), cl.getCommandName());
        cl.getSubcommands().values().stream().distinct().forEach(FamiliesTest::visit);
    }
}
