package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlxc restore INSTANCE SNAPSHOT [--stateful]}: {@code PUT /1.0/instances/INSTANCE {"restore": SNAPSHOT}}. */
@Command(name = "restore", description = "Restore instances from snapshots")
public final class RestoreCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "INSTANCE")
    String instance;

    @Parameters(index = "1", paramLabel = "SNAPSHOT")
    String snapshot;

    @Option(names = "--stateful", description = "Whether or not to restore the instance's running state from snapshot (if available)")
    boolean stateful;

    public RestoreCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        instance = ctx.instance(instance);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("restore", snapshot);
        if (stateful) {
            body.put("stateful", true);
        }
        Progress.finish(ctx, ctx.client().call("PUT", Instances.path(instance), body, null), null);
        return 0;
    }
}
