package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlxc restart NAME... [--force] [--timeout N]}. */
@Command(name = "restart", description = "Restart instances")
public final class RestartCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "1..*")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Force the instance to stop (kill it) before starting again")
    boolean force;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time to wait for a clean shutdown (-1: server default)")
    int timeout = -1;

    public RestartCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        names = names.stream().map(ctx::instance).toList();
        StateAction.forEach(ctx, names, "restart",
                name -> Instances.changeState(ctx, name, "restart", timeout, force, false));
        return 0;
    }
}
