package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jlxc pause NAME...}: freeze instances ({@code jlxc start} thaws them). */
@Command(name = "pause", aliases = "freeze", description = "Pause (freeze) instances")
public final class PauseCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "1..*")
    List<String> names;

    public PauseCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        names = names.stream().map(ctx::instance).toList();
        StateAction.forEach(ctx, names, "pause",
                name -> Instances.changeState(ctx, name, "freeze", null, false, false));
        return 0;
    }
}
