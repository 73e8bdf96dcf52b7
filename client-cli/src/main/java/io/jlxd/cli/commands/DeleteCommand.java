package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc delete NAME... [--force]}: a running instance is refused, or with --force killed first (like lxc);
 * {@code NAME/SNAPSHOT} deletes a snapshot.
 */
@Command(name = "delete", aliases = "rm", description = "Delete instances")
public final class DeleteCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "INSTANCE[/SNAPSHOT]", arity = "1..*")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Force the removal of running instances")
    boolean force;

    public DeleteCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        names = names.stream().map(ctx::instance).toList();
        StateAction.forEach(ctx, names, "delete", this::delete);
        return 0;
    }

    private void delete(String name) throws IOException {
        int slash = name.indexOf('/');
        if (slash >= 0) {
            Progress.finish(ctx, ctx.client().call("DELETE", SnapshotCommand.path(name.substring(0, slash), name.substring(slash + 1)), null, null), null);
            return;
        }
        String path = Instances.path(name);
        String status = ctx.client().get(path).metadata().path("status").asText("");
        if (!status.equalsIgnoreCase("Stopped")) {
            if (!force) {
                throw new CliException("The instance is currently running, stop it first or pass --force");
            }
            Instances.changeState(ctx, name, "stop", -1, true, false);
        }
        Progress.finish(ctx, ctx.client().call("DELETE", path, null, null), null);
    }
}
