package io.jlxd.cli.commands;

import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jlxc info}: the server's information as YAML, secrets masked (like {@code lxc info} without arguments). */
@Command(name = "info", description = "Show the server's information")
public final class InfoCommand implements Callable<Integer> {
    private final CliContext ctx;

    public InfoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        Documents.print(ctx, ServerInfo.forDisplay(ctx.client().get(Paths.API).metadata()));
        return 0;
    }
}
