package io.jlxd.cli.commands;

import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.ClientVersion;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jlxc version}: the client's version and, if the daemon answers, the server's (like {@code lxc version}). */
@Command(name = "version", description = "Show local and remote versions")
public final class VersionCommand implements Callable<Integer> {
    private final CliContext ctx;

    @picocli.CommandLine.Parameters(paramLabel = "REMOTE:", arity = "0..1", description = "Remote to ask (default: the default remote)")
    String remote;

    public VersionCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (remote != null && !ctx.remoteOnly(remote)) {
            throw new io.jlxd.cli.CliException("Expected a remote (REMOTE:), got \"" + remote + "\"");
        }
        ctx.out().println("Client version: " + ClientVersion.get());
        String server = "unreachable";
        try {
            String v = ctx.client().get(Paths.API).metadata().path("environment").path("server_version").asText("");
            if (!v.isEmpty()) {
                server = v;
            }
        } catch (IOException e) {
            // lxc prints "unreachable" and still succeeds
        }
        ctx.out().println("Server version: " + server);
        return 0;
    }
}
