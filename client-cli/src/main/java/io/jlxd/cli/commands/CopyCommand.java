package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc copy SOURCE[/SNAPSHOT] DESTINATION [--instance-only] [-c K=V]... [-p PROFILE]...}:
 * {@code POST /1.0/instances} with {@code source.type: copy}.
 */
@Command(name = "copy", aliases = "cp", description = "Copy instances within the server")
public final class CopyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "SOURCE[/SNAPSHOT]")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION")
    String destination;

    @Option(names = "--instance-only", description = "Copy the instance without its snapshots")
    boolean instanceOnly;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Config key/value to apply to the new instance")
    List<String> config;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", description = "Profile to apply to the new instance")
    List<String> profiles;

    public CopyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        source = ctx.instance(source);
        destination = ctx.instance(destination);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", destination);
        ObjectNode src = body.putObject("source");
        src.put("type", "copy");
        src.put("source", source);
        if (instanceOnly) {
            src.put("instance_only", true);
        }
        if (config != null) {
            ObjectNode c = body.putObject("config");
            for (String kv : config) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("Bad key=value pair: " + kv);
                }
                c.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        if (profiles != null) {
            profiles.forEach(body.putArray("profiles")::add);
        }
        Progress.finish(ctx, ctx.client().call("POST", Instances.INSTANCES, body, null), null);
        return 0;
    }
}
