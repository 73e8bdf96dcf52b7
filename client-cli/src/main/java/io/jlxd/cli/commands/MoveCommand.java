package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.transfer.InstanceMove;
import io.jlxd.cli.transfer.MoveReport;
import io.jlxd.cli.transfer.Peer;
import io.jlxd.cli.transfer.Preflight;
import io.jlxd.cli.transfer.ProgressView;
import io.jlxd.cli.transfer.TransferRequest;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc move [REMOTE:]SOURCE[/SNAPSHOT] [REMOTE:][DESTINATION]}: on one daemon a rename (of an instance or a
 * snapshot); between remotes a migration ({@link InstanceMove}: live for a running instance, near-live or cold with
 * {@code --stateless}), then the source is removed. Ends with a line saying what kind of move it was and how long
 * the instance was frozen or down. {@code --dry-run} only shows the pre-flight report of both daemons.
 */
@Command(name = "move", aliases = "mv", description = "Move instances within or in between servers")
public final class MoveCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "[REMOTE:]SOURCE[/SNAPSHOT]")
    String source;

    @Parameters(index = "1", paramLabel = "[REMOTE:][DESTINATION]")
    String destination;

    @Mixin
    TransferOptions options = new TransferOptions();

    @Option(names = "--dry-run", description = "Only show what would block a live move and the estimated bytes and downtime")
    boolean dryRun;

    public MoveCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        TransferRequest req = TransferRequest.parse(ctx.remotes(), source, destination,
                options.flags(false), true);
        if (!req.betweenRemotes()) {
            if (dryRun) {
                throw new CliException("--dry-run is for moves between remotes (a local move is a rename)");
            }
            rename(req);
            return 0;
        }
        if (req.snapshot() != null) {
            throw new CliException("A snapshot cannot be moved to another remote; copy it (jlxc copy "
                    + req.sourceLabel() + " " + req.destLabel() + ")");
        }
        Peer from = new Peer(req.sourceRemote(), ctx.client(req.sourceRemote()), ctx.remotes());
        Peer to = new Peer(req.destRemote(), ctx.client(req.destRemote()), ctx.remotes());
        ctx.useRemote(req.sourceRemote());
        if (dryRun) {
            ctx.out().print(Preflight.report(req, from, to, !options.stateless).render());
            return 0;
        }
        ProgressView view = new ProgressView(ctx.err(), ProgressView.stderrIsTerminal(), ctx.quiet(), "Transferring instance");
        InstanceMove move = new InstanceMove(req, from, to, view);
        move.checkTargetFree();
        MoveReport report = move.run();
        if (!ctx.quiet()) {
            ctx.out().println(report.describe(req.sourceLabel(), req.destLabel()));
        }
        return 0;
    }

    /** A move on one daemon: {@code POST .../NAME {"name": NEW}}, or the same on a snapshot. */
    private void rename(TransferRequest req) throws IOException {
        ctx.useRemote(req.sourceRemote());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String path;
        if (req.snapshot() != null) {
            int slash = req.destName().indexOf('/');
            if (slash < 0) {
                throw new CliException("Invalid new snapshot name");
            }
            if (!req.destName().substring(0, slash).equals(req.sourceName())) {
                throw new CliException("Invalid new snapshot name, parent must be the same as source");
            }
            body.put("name", req.destName().substring(slash + 1));
            path = SnapshotCommand.path(req.sourceName(), req.snapshot());
        } else {
            if (req.destName().contains("/")) {
                throw new CliException("Invalid new instance name \"" + req.destName() + "\"");
            }
            body.put("name", req.destName());
            path = Instances.path(req.sourceName());
        }
        Progress.finish(ctx, ctx.client().call("POST", path, body, null), null);
    }
}
