package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.EventStream;
import io.jlxd.cli.output.JsonText;
import io.jlxd.cli.output.OutputFormat;
import io.jlxd.cli.output.Yaml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jlxc monitor}: streams {@code /1.0/events} until Ctrl-C or until the server closes the stream. Each
 * event is printed as one line of JSON (easy to pipe into other tools), or, with {@code --pretty} or
 * {@code --format yaml}, as a YAML block followed by an empty line as lxc does.
 */
@Command(name = "monitor", description = "Monitor a local jlxd server (stream its events)",
        footer = {"", "Examples:", "  jlxc monitor --type=lifecycle", "  jlxc monitor --type operation --pretty"})
public final class MonitorCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Event type to listen for: operation, lifecycle or logging (repeatable; default all)")
    List<String> types = new ArrayList<>();

    @Option(names = "--all-projects", description = "Show events from all projects")
    boolean allProjects;

    @Option(names = "--pretty", description = "Pretty rendering: YAML blocks instead of JSON lines")
    boolean pretty;

    @picocli.CommandLine.Parameters(paramLabel = "REMOTE:", arity = "0..1", description = "Remote to monitor (default: the default remote)")
    String remote;

    public MonitorCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (remote != null && !ctx.remoteOnly(remote)) {
            throw new io.jlxd.cli.CliException("Expected a remote (REMOTE:), got \"" + remote + "\"");
        }
        boolean yaml = pretty || yamlFormat(ctx.rawFormat());
        Set<String> wanted = new LinkedHashSet<>();
        for (String t : types) {
            for (String part : t.split(",")) {
                if (!part.isBlank()) {
                    wanted.add(part.strip());
                }
            }
        }
        try (EventStream events = ctx.client().events(wanted, allProjects)) {
            JsonNode event;
            while ((event = events.next()) != null) {
                if (!wanted.isEmpty() && !wanted.contains(event.path("type").asText())) {
                    continue;
                }
                if (yaml) {
                    ctx.out().print(Yaml.render(event));
                    ctx.out().println();
                } else {
                    ctx.out().println(JsonText.compact(event));
                }
                ctx.out().flush();
            }
        }
        return 0;
    }

    /** JSON lines unless --format asks for yaml; table and csv make no sense for a stream. */
    static boolean yamlFormat(String format) {
        if (format == null) {
            return false;
        }
        return switch (OutputFormat.parse(format).kind()) {
            case JSON -> false;
            case YAML -> true;
            default -> throw new CliException("Invalid format \"" + format + "\" for monitor (json or yaml)");
        };
    }
}
