package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.transfer.InstanceTransfer;
import io.jlxd.cli.transfer.Peer;
import io.jlxd.cli.transfer.ProgressView;
import io.jlxd.cli.transfer.TransferRequest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc copy [REMOTE:]SOURCE[/SNAPSHOT] [[REMOTE:]DESTINATION]}: on one daemon {@code POST /1.0/instances} with
 * {@code source.type: copy}; between remotes a migration ({@link InstanceTransfer}) in pull, push or relay mode, with
 * {@code --refresh} for an incremental copy onto an existing instance (only new snapshots and changed files move).
 * Unlike lxc, a running instance is copied statelessly (its filesystem): with LXD's protocol a stateful copy ends
 * the source's processes; {@code jlxc move} is the live path.
 */
@Command(name = "copy", aliases = "cp", description = "Copy instances within or in between servers")
public final class CopyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "[REMOTE:]SOURCE[/SNAPSHOT]")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "[REMOTE:]DESTINATION")
    String destination;

    @Mixin
    TransferOptions options = new TransferOptions();

    @Option(names = "--refresh", description = "Perform an incremental copy onto an existing instance")
    boolean refresh;

    public CopyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        TransferRequest req = TransferRequest.parse(ctx.remotes(), source, destination,
                options.flags(refresh), false);
        Peer from = new Peer(req.sourceRemote(), ctx.client(req.sourceRemote()), ctx.remotes());
        Peer to = req.betweenRemotes() ? new Peer(req.destRemote(), ctx.client(req.destRemote()), ctx.remotes()) : from;
        ctx.useRemote(req.sourceRemote());
        String srcPath = InstanceTransfer.instancePath(req.sourceName())
                + (req.snapshot() == null ? "" : "/snapshots/" + io.jlxd.cli.client.PathEscape.segment(req.snapshot()));
        JsonNode instance = from.client().get(srcPath).metadata();
        ProgressView view = new ProgressView(ctx.err(), ProgressView.stderrIsTerminal(), ctx.quiet(), "Transferring instance");
        InstanceTransfer transfer = new InstanceTransfer(req, from, to, view);
        if (!req.betweenRemotes()) {
            ObjectNode body = transfer.targetRequest(instance, req.refresh());
            if (req.destName().isEmpty()) {
                body.remove("name");
            }
            ObjectNode src = (ObjectNode) body.get("source");
            src.put("type", "copy");
            src.put("source", req.sourceName() + (req.snapshot() == null ? "" : "/" + req.snapshot()));
            if (req.instanceOnly()) {
                src.put("instance_only", true);
            }
            if (req.refresh()) {
                src.put("refresh", true);
            }
            Progress.finish(ctx, from.client().call("POST", Instances.INSTANCES, body, null), null);
            return 0;
        }
        transfer.run(instance, false, req.refresh(), req.refresh());
        if (req.refresh()) {
            refreshConfig(to, req, transfer.targetRequest(instance, false));
        }
        return 0;
    }

    /**
     * After a refresh, lxc puts the source's writable fields (with the overrides) on the copy, keeping the copy's own
     * volatile keys and root pool: the copy's configuration follows the source's too.
     */
    private static void refreshConfig(Peer to, TransferRequest req, ObjectNode created) throws IOException {
        String path = InstanceTransfer.instancePath(req.destName());
        var current = to.client().get(path);
        ObjectNode put = Instances.instanceWritable(created);
        ObjectNode cfg = (ObjectNode) put.get("config");
        List<String> volatileKeys = new java.util.ArrayList<>();
        cfg.fieldNames().forEachRemaining(k -> {
            if (k.startsWith("volatile.")) {
                volatileKeys.add(k);
            }
        });
        cfg.remove(volatileKeys);
        JsonNode destRoot = current.metadata().path("devices").path("root");
        if (destRoot.has("pool") && put.path("devices").path("root").isObject()) {
            ((ObjectNode) put.get("devices").get("root")).put("pool", destRoot.path("pool").asText(""));
        }
        var answer = to.client().call("PUT", path, put, current.etag());
        if (answer.isAsync()) {
            to.client().waitSuccess(answer.operation());
        }
    }
}
