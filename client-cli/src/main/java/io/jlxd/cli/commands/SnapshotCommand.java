package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.PathEscape;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc snapshot INSTANCE [SNAPSHOT] [--stateful] [--reuse] [--no-expiry]}: {@code POST .../snapshots}; without a
 * name the server applies snapshots.pattern (snap0, snap1...). {@code --reuse} replaces a snapshot of that name.
 */
@Command(name = "snapshot", description = "Create instance snapshots")
public final class SnapshotCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "INSTANCE")
    String instance;

    @Parameters(index = "1", paramLabel = "SNAPSHOT", arity = "0..1")
    String name;

    @Option(names = "--stateful", description = "Whether or not to snapshot the instance's running state")
    boolean stateful;

    @Option(names = "--reuse", description = "If the snapshot name already exists, delete and create a new one")
    boolean reuse;

    @Option(names = "--no-expiry", description = "Ignore any configured auto-expiry for the instance")
    boolean noExpiry;

    public SnapshotCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    static String path(String instance, String snap) {
        return Instances.path(instance) + "/snapshots/" + PathEscape.segment(snap);
    }

    @Override
    public Integer call() throws IOException {
        instance = ctx.instance(instance);
        if (reuse && name != null && !name.isEmpty()) {
            try {
                ctx.client().get(path(instance, name));
                Progress.finish(ctx, ctx.client().call("DELETE", path(instance, name), null, null), null);
            } catch (ApiException e) {
                if (e.errorCode() != 404) {
                    throw e;
                }
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (name != null && !name.isEmpty()) {
            body.put("name", name);
        }
        if (stateful) {
            body.put("stateful", true);
        }
        if (noExpiry) {
            body.put("expires_at", "0001-01-01T00:00:00Z");
        }
        Progress.finish(ctx, ctx.client().call("POST", Instances.path(instance) + "/snapshots", body, null), null);
        return 0;
    }
}
