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
 * {@code jlxc info NAME [--show-log]}: an instance's status and resources, and its {@code lxc.log}.
 */
@Command(name = "info", description = "Show instance or server information")
public final class InfoCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE", arity = "0..1", description = "Instance name (none: the server)")
    String name;

    @Option(names = "--show-log", description = "Also show the instance's lxc.log")
    boolean showLog;

    public InfoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (name == null) {
            if (showLog) {
                throw new CliException("--show-log needs an instance name");
            }
            Documents.print(ctx, ServerInfo.forDisplay(ctx.client().get(Paths.API).metadata()));
            return 0;
        }
        String path = Instances.path(name);
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
