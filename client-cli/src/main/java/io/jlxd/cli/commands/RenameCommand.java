package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jlxc rename OLD NEW}: {@code POST /1.0/instances/OLD {"name": NEW}}. */
@Command(name = "rename", description = "Rename instances")
public final class RenameCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "INSTANCE")
    String from;

    @Parameters(index = "1", paramLabel = "NEW-NAME")
    String to;

    public RenameCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        from = ctx.instance(from);
        if (to.contains(":")) {
            to = ctx.instance(to);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", to);
        Progress.finish(ctx, ctx.client().call("POST", Instances.path(from), body, null), null);
        return 0;
    }
}
