package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc info}: the server's information as YAML, secrets masked (like {@code lxc info} without arguments);
 * {@code jlxc info NAME [--show-log]}: an instance's status and resources, and its {@code lxc.log};
 * {@code jlxc info NAME --checkpoint [--probe]}: whether CRIU can checkpoint it ({@code GET .../checkpoint}).
 */
@Command(name = "info", description = "Show instance or server information")
public final class InfoCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "0..1", description = "Instance name (none: the server)")
    String name;

    @Option(names = "--show-log", description = "Also show the instance's lxc.log")
    boolean showLog;

    @Option(names = "--checkpoint", description = "Show whether the instance can be checkpointed (stateful stop) and what blocks it")
    boolean checkpoint;

    @Option(names = "--probe", description = "With --checkpoint: make a trial CRIU dump (the instance keeps running)")
    boolean probe;

    public InfoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (name != null) {
            name = ctx.remoteOnly(name) ? null : ctx.instance(name);
        }
        if (name == null) {
            if (showLog) {
                throw new CliException("--show-log needs an instance name");
            }
            Documents.print(ctx, ServerInfo.forDisplay(ctx.client().get(Paths.API).metadata()));
            return 0;
        }
        String path = Instances.path(name);
        if (probe && !checkpoint) {
            throw new CliException("--probe goes with --checkpoint");
        }
        if (checkpoint) {
            JsonNode report = ctx.client().get(path + "/checkpoint" + (probe ? "?probe=true" : "")).metadata();
            ctx.out().print(InstanceInfo.checkpoint(report));
            return report.path("checkpointable").asBoolean(false) ? 0 : 1;
        }
        JsonNode inst = ctx.client().get(path + "?recursion=1").metadata();
        if (!inst.has("state") && InstanceColumns.isRunning(inst)) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) inst)
                    .set("state", ctx.client().get(path + "/state").metadata());
        }
        ctx.out().print(InstanceInfo.render(inst));
        if (showLog) {
            ctx.out().println("\nLog:\n");
            ctx.out().print(log(path));
        }
        return 0;
    }

    private String log(String path) throws IOException {
        var http = ctx.client().exchange("GET", path + "/logs/lxc.log", null, null, null);
        if (http.status() >= 400) {
            ApiResponse.parse(http); // throws the server's error
        }
        return new String(http.body(), StandardCharsets.UTF_8);
    }
}
