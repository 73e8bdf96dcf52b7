package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlxc stop NAME... [--force] [--timeout N] [--stateful]}. */
@Command(name = "stop", description = "Stop instances")
public final class StopCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "1..*")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Force the instance to stop (kill it)")
    boolean force;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time to wait for a clean shutdown (-1: server default)")
    int timeout = -1;

    @Option(names = "--stateful", description = "Store the instance's running state (CRIU)")
    boolean stateful;

    public StopCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        names = names.stream().map(ctx::instance).toList();
        StateAction.forEach(ctx, names, "stop",
                name -> Instances.changeState(ctx, name, "stop", timeout, force, stateful));
        return 0;
    }
}
