package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc network forward list|show|create|delete|port add|port remove}. */
@Command(name = "forward", description = "Manage network forwards")
public final class NetworkForwardCommand implements Runnable {
    static final List<String> HEADER = List.of("LISTEN ADDRESS", "DESCRIPTION", "DEFAULT TARGET ADDRESS", "PORTS");
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public NetworkForwardCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    static CommandLine commandLine(CliContext ctx) {
        return new CommandLine(new NetworkForwardCommand(ctx)).addSubcommand(new Port(ctx));
    }

    static String path(String network, String listen) {
        if (listen == null || listen.isEmpty()) {
            throw new CliException("Listen address is required");
        }
        return NetworkCommand.path(network) + "/forwards/" + PathEscape.segment(listen);
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List available network forwards")
    int list(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        JsonNode all = ctx.client().get(NetworkCommand.path(network) + "/forwards?recursion=1").metadata();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode f : all) {
            rows.add(List.of(f.path("listen_address").asText(), f.path("description").asText(""),
                    f.path("config").path("target_address").asText(""), Integer.toString(f.path("ports").size())));
        }
        ctx.out().print(ListOutput.render(ctx.listFormat(), HEADER, rows, all));
        return 0;
    }

    @Command(name = "show", description = "Show network forward configurations")
    int show(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "LISTEN_ADDRESS") String listen) throws IOException {
        Documents.print(ctx, ctx.client().get(path(network, listen)).metadata());
        return 0;
    }

    @Command(name = "create", description = {"Create new network forwards",
            "jlxc network forward create NETWORK LISTEN_ADDRESS [target_address=ADDRESS] [user.KEY=VALUE...]"})
    int create(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "LISTEN_ADDRESS") String listen,
            @Parameters(index = "2..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> config) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("listen_address", listen);
        ObjectNode c = body.putObject("config");
        if (config != null) {
            ConfigArgs.keyValues(config, null).forEach(c::put);
        }
        body.putArray("ports");
        ctx.client().call("POST", NetworkCommand.path(network) + "/forwards", body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Network forward " + listen + " created");
        }
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete network forwards")
    int delete(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "LISTEN_ADDRESS") String listen) throws IOException {
        ctx.client().call("DELETE", path(network, listen), null, null);
        if (!ctx.quiet()) {
            ctx.out().println("Network forward " + listen + " deleted");
        }
        return 0;
    }

    /** Reads a forward, lets {@code change} edit it, and PUTs it with the ETag read. */
    static void update(CliContext ctx, String path, Consumer<ObjectNode> change) throws IOException {
        ApiResponse current = ctx.client().get(path);
        JsonNode m = current.metadata();
        ObjectNode put = JsonNodeFactory.instance.objectNode();
        put.put("description", m.path("description").asText(""));
        put.set("config", Instances.objectOrEmpty(m.get("config")).deepCopy());
        put.set("ports", m.path("ports").isArray() ? m.get("ports").deepCopy() : JsonNodeFactory.instance.arrayNode());
        change.accept(put);
        ctx.client().call("PUT", path, put, current.etag());
    }

    /** {@code jlxc network forward port add|remove}. */
    @Command(name = "port", description = "Manage network forward ports")
    static final class Port implements Runnable {
        private final CliContext ctx;

        @Spec
        CommandSpec spec;

        Port(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            spec.commandLine().usage(ctx.out());
        }

        @Command(name = "add", description = {"Add ports to a forward",
                "jlxc network forward port add NETWORK LISTEN_ADDRESS tcp|udp LISTEN_PORTS TARGET_ADDRESS [TARGET_PORTS]"})
        int add(@Parameters(index = "0", paramLabel = "NETWORK") String network,
                @Parameters(index = "1", paramLabel = "LISTEN_ADDRESS") String listen,
                @Parameters(index = "2", paramLabel = "PROTOCOL") String protocol,
                @Parameters(index = "3", paramLabel = "LISTEN_PORTS") String listenPorts,
                @Parameters(index = "4", paramLabel = "TARGET_ADDRESS") String target,
                @Parameters(index = "5", paramLabel = "TARGET_PORTS", arity = "0..1") String targetPorts) throws IOException {
            update(ctx, path(network, listen), put -> {
                ObjectNode p = ((ArrayNode) put.get("ports")).addObject();
                p.put("protocol", protocol);
                p.put("listen_port", listenPorts);
                p.put("target_address", target);
                p.put("target_port", targetPorts == null ? "" : targetPorts);
                p.put("description", "");
            });
            return 0;
        }

        @Command(name = "remove", aliases = "rm", description = {"Remove ports from a forward",
                "jlxc network forward port remove NETWORK LISTEN_ADDRESS [PROTOCOL [LISTEN_PORTS]]: all matching rules"})
        int remove(@Parameters(index = "0", paramLabel = "NETWORK") String network,
                @Parameters(index = "1", paramLabel = "LISTEN_ADDRESS") String listen,
                @Parameters(index = "2", paramLabel = "PROTOCOL", arity = "0..1") String protocol,
                @Parameters(index = "3", paramLabel = "LISTEN_PORTS", arity = "0..1") String listenPorts) throws IOException {
            update(ctx, path(network, listen), put -> {
                ArrayNode kept = JsonNodeFactory.instance.arrayNode();
                int removed = 0;
                for (JsonNode p : put.get("ports")) {
                    boolean match = (protocol == null || protocol.equals(p.path("protocol").asText()))
                            && (listenPorts == null || listenPorts.equals(p.path("listen_port").asText()));
                    if (match) {
                        removed++;
                    } else {
                        kept.add(p);
                    }
                }
                if (removed == 0) {
                    throw new CliException("No matching port(s) found");
                }
                put.set("ports", kept);
            });
            return 0;
        }
    }
}
