package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jlxc launch IMAGE [NAME]}: create an instance from an image and start it ("Starting NAME"). */
@Command(name = "launch", description = "Create and start instances from images")
public final class LaunchCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CreateInstance create = new CreateInstance();

    public LaunchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        String name = create.create(ctx);
        if (!ctx.quiet()) {
            ctx.err().println("Starting " + name);
        }
        Instances.changeState(ctx, name, "start", null, false, false);
        return 0;
    }
}
