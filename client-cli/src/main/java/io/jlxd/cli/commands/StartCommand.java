package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jlxc start NAME...}; a frozen instance is unfrozen, as lxc does. */
@Command(name = "start", description = "Start instances")
public final class StartCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "1..*")
    List<String> names;

    public StartCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        StateAction.forEach(ctx, names, "start", name -> {
            String status = ctx.client().get(Instances.path(name)).metadata().path("status").asText("");
            String action = status.equalsIgnoreCase("Frozen") ? "unfreeze" : "start";
            Instances.changeState(ctx, name, action, null, false, false);
        });
        return 0;
    }
}
