package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jlxc init IMAGE [NAME]}: create an instance from an image without starting it. */
@Command(name = "init", aliases = "create", description = "Create instances from images")
public final class InitCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CreateInstance create = new CreateInstance();

    public InitCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        create.create(ctx);
        return 0;
    }
}
