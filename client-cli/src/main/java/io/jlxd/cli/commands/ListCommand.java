package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc list [FILTER...] [-c COLUMNS]}: instances from {@code GET /1.0/instances?recursion=2}, sorted by
 * name; table/csv show the columns, json/yaml the full objects (with state and snapshots), like lxc.
 */
@Command(name = "list", aliases = "ls", description = "List instances",
        footer = {"", "Columns: e project, n name, s state, 4 IPv4, 6 IPv6, t type, S snapshots, a architecture, c created at,",
            "d description, l last used at, p PID, P profiles, N processes, m memory usage, u CPU usage.",
            "Filters: a name (regular expression or prefix), or KEY=VALUE on status, type or a config key."})
public final class ListCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "FILTER", arity = "0..*", description = "Filters")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-c", "--columns"}, paramLabel = "COLUMNS", description = "Columns (default: ns46tS)")
    String columns = InstanceColumns.DEFAULT;

    @Option(names = "--all-projects", description = "Display instances from all projects (adds the PROJECT column)")
    boolean allProjects;

    public ListCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        var format = ctx.listFormat();
        if (!filters.isEmpty() && filters.getFirst().contains(":") && !filters.getFirst().contains("=")) {
            String rest = ctx.target(filters.getFirst());
            filters = new ArrayList<>(filters.subList(1, filters.size()));
            if (!rest.isEmpty()) {
                filters.addFirst(rest);
            }
        }
        List<Character> cols = InstanceColumns.parse(allProjects && columns.equals(InstanceColumns.DEFAULT) ? "e" + columns : columns);
        List<JsonNode> instances = new ArrayList<>();
        ctx.client().get(Instances.INSTANCES + "?recursion=2" + (allProjects ? "&all-projects=true" : "")).metadata()
                .forEach(instances::add);
        instances.sort(Comparator.comparing((JsonNode i) -> i.path("project").asText("")).thenComparing(i -> i.path("name").asText("")));
        List<String> header = cols.stream().map(InstanceColumns::header).toList();
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode inst : instances) {
            if (!ListFilter.matches(filters, inst)) {
                continue;
            }
            rows.add(cols.stream().map(c -> InstanceColumns.cell(c, inst)).toList());
            raw.add(inst);
        }
        ctx.out().print(ListOutput.render(format, header, rows, raw));
        return 0;
    }
}
