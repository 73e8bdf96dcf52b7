package io.jlxd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc help [COMMAND...]}: the usage of jlxc or of a (nested) command. */
@Command(name = "help", description = "Help about any command")
public final class HelpCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to describe")
    List<String> path = new ArrayList<>();

    public HelpCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CommandLine target = spec.commandLine().getParent();
        for (String name : path) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new CliException("Unknown command \"" + name + "\" for \""
                        + target.getCommandSpec().qualifiedName() + "\"");
            }
            target = sub;
        }
        target.usage(ctx.out());
        return 0;
    }
}
