package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jlxd.api.Operation;
import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc operation list|show|delete}: background operations, like {@code lxc operation}. */
@Command(name = "operation", description = "List, show and delete background operations")
public final class OperationCommand implements Runnable {
    static final List<String> HEADER = List.of("ID", "TYPE", "DESCRIPTION", "STATUS", "CANCELABLE", "CREATED");
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm 'UTC'");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public OperationCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List background operations")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        ctx.remoteArgument(remote);
        JsonNode groups = ctx.client().get(Paths.OPERATIONS + "?recursion=1").metadata();
        List<JsonNode> ops = new ArrayList<>();
        groups.elements().forEachRemaining(group -> group.elements().forEachRemaining(ops::add));
        ops.sort(Comparator.comparing(op -> op.path("id").asText()));
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode node : ops) {
            rows.add(row(JlxdClient.convert(node, Operation.class)));
            raw.add(node);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    @Command(name = "show", description = "Show details on a background operation")
    int show(@Parameters(paramLabel = "ID") String rawId) throws IOException {
        String id = ctx.instance(rawId);
        Documents.print(ctx, ctx.client().get(path(id)).metadata());
        return 0;
    }

    @Command(name = "delete", aliases = {"cancel", "rm"},
            description = "Delete a background operation (will attempt to cancel)")
    int delete(@Parameters(paramLabel = "ID") String rawId) throws IOException {
        String id = ctx.instance(rawId);
        ctx.client().call("DELETE", path(id), null, null);
        if (!ctx.quiet()) {
            ctx.out().println("Operation " + id + " deleted");
        }
        return 0;
    }

    /** One table row, as lxc shows it: class and status upper-cased, YES/NO, creation time in UTC. */
    static List<String> row(Operation op) {
        return List.of(
                nullToEmpty(op.id()),
                nullToEmpty(op.operationClass()).toUpperCase(Locale.ROOT),
                nullToEmpty(op.description()),
                nullToEmpty(op.status()).toUpperCase(Locale.ROOT),
                op.mayCancel() ? "YES" : "NO",
                created(op.createdAt()));
    }

    static String created(OffsetDateTime at) {
        return at == null ? "" : at.withOffsetSameInstant(ZoneOffset.UTC).format(CREATED);
    }

    /** Accepts an id or a full {@code /1.0/operations/<id>} URL. */
    private static String path(String id) {
        String bare = id.startsWith(Paths.OPERATIONS + "/") ? id.substring(Paths.OPERATIONS.length() + 1) : id;
        return Paths.operation(PathEscape.segment(bare));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
