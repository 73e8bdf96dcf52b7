package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc start NAME... [--stateless]}; a frozen instance is unfrozen, as lxc does; an instance with a saved state
 * (stateful stop) is restored from it unless {@code --stateless}, which discards the state.
 */
@Command(name = "start", description = "Start instances")
public final class StartCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "1..*")
    List<String> names;

    @picocli.CommandLine.Option(names = "--stateless", description = "Ignore and discard a saved state (boot afresh)")
    boolean stateless;

    public StartCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        names = names.stream().map(ctx::instance).toList();
        StateAction.forEach(ctx, names, "start", name -> {
            var inst = ctx.client().get(Instances.path(name)).metadata();
            String action = inst.path("status").asText("").equalsIgnoreCase("Frozen") ? "unfreeze" : "start";
            boolean restore = action.equals("start") && inst.path("stateful").asBoolean(false) && !stateless;
            Instances.changeState(ctx, name, action, null, false, restore);
        });
        return 0;
    }
}
