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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc network ...}: managed networks ({@code /1.0/networks}); forwards are {@link NetworkForwardCommand}.
 * attach/detach and their profile forms only edit the NIC devices of an instance or a profile.
 */
@Command(name = "network", description = "Manage and attach instances to networks", addMethodSubcommands = false)
public final class NetworkCommand implements Runnable {
    static final String NETWORKS = io.jlxd.api.Paths.API + "/networks";
    static final List<String> HEADER = List.of("NAME", "TYPE", "MANAGED", "IPV4", "IPV6", "DESCRIPTION", "USED BY", "STATE");
    static final List<String> LEASES = List.of("HOSTNAME", "MAC ADDRESS", "IP ADDRESS", "TYPE");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public NetworkCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new NetworkCommand(ctx), ctx.subcommand(), () -> List.of(NetworkForwardCommand.commandLine(ctx)));
    }

    static String path(String network) {
        if (network == null || network.isEmpty()) {
            throw new CliException("Network name is required");
        }
        return NETWORKS + "/" + PathEscape.segment(network);
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List available networks")
    int list() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode n : ctx.client().get(NETWORKS + "?recursion=1").metadata()) {
            boolean managed = n.path("managed").asBoolean();
            rows.add(List.of(n.path("name").asText(), n.path("type").asText(), managed ? "YES" : "NO",
                    managed ? n.path("config").path("ipv4.address").asText("") : "",
                    managed ? n.path("config").path("ipv6.address").asText("") : "",
                    n.path("description").asText(""), Integer.toString(n.path("used_by").size()),
                    n.path("status").asText("").toUpperCase(Locale.ROOT)));
            raw.add(n);
        }
        ctx.out().print(ListOutput.render(ctx.listFormat(), HEADER, rows, raw));
        return 0;
    }

    @Command(name = "show", description = "Show network configurations")
    int show(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        Documents.print(ctx, ctx.client().get(path(network)).metadata());
        return 0;
    }

    @Command(name = "info", description = "Get runtime information on networks")
    int info(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        JsonNode st = ctx.client().get(path(network) + "/state").metadata();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", network);
        out.put("mac address", st.path("hwaddr").asText(""));
        out.put("mtu", st.path("mtu").asInt());
        out.put("state", st.path("state").asText(""));
        out.put("type", st.path("type").asText(""));
        ArrayNode ips = out.putArray("ips");
        for (JsonNode a : st.path("addresses")) {
            ips.add(a.path("family").asText() + " " + a.path("address").asText() + "/" + a.path("netmask").asText()
                    + " (" + a.path("scope").asText() + ")");
        }
        ObjectNode counters = out.putObject("network usage");
        JsonNode c = st.path("counters");
        counters.put("bytes received", Bytes.iec(c.path("bytes_received").asLong()));
        counters.put("bytes sent", Bytes.iec(c.path("bytes_sent").asLong()));
        counters.put("packets received", c.path("packets_received").asLong());
        counters.put("packets sent", c.path("packets_sent").asLong());
        Documents.print(ctx, out);
        return 0;
    }

    @Command(name = "create", description = {"Create new networks", "jlxc network create NETWORK [key=value...]"})
    int create(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> config,
            @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "Network type (bridge)") String type,
            @Option(names = "--description", paramLabel = "TEXT", description = "Network description") String description)
            throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", network);
        body.put("type", type == null ? "bridge" : type);
        if (description != null) {
            body.put("description", description);
        }
        ObjectNode c = body.putObject("config");
        if (config != null) {
            ConfigArgs.keyValues(config, null).forEach(c::put);
        }
        ctx.client().call("POST", NETWORKS, body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Network " + network + " created");
        }
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete networks")
    int delete(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        ctx.client().call("DELETE", path(network), null, null);
        if (!ctx.quiet()) {
            ctx.out().println("Network " + network + " deleted");
        }
        return 0;
    }

    @Command(name = "rename", description = "Rename networks")
    int rename(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "NEW_NAME") String newName) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", newName);
        ctx.client().call("POST", path(network), body, null);
        if (!ctx.quiet()) {
            ctx.out().println("Network " + network + " renamed to " + newName);
        }
        return 0;
    }

    @Command(name = "get", description = "Get values for network configuration keys")
    int get(@Parameters(index = "0", paramLabel = "NETWORK") String network, @Parameters(index = "1", paramLabel = "KEY") String key)
            throws IOException {
        JsonNode v = ctx.client().get(path(network)).metadata().path("config").path(key);
        ctx.out().println(v.isMissingNode() || v.isNull() ? "" : v.asText());
        return 0;
    }

    @Command(name = "set", description = "Set network configuration keys (KEY=VALUE... or KEY VALUE)")
    int set(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*") List<String> args) throws IOException {
        Map<String, String> keys = ConfigArgs.keyValues(args, null);
        StorageCommand.update(ctx, path(network), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            keys.forEach(c::put);
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "unset", description = "Unset network configuration keys")
    int unset(@Parameters(index = "0", paramLabel = "NETWORK") String network, @Parameters(index = "1", paramLabel = "KEY") String key)
            throws IOException {
        StorageCommand.update(ctx, path(network), put -> {
            ObjectNode c = Instances.objectOrEmpty(put.get("config"));
            if (c.remove(key) == null) {
                throw new CliException("Key \"" + key + "\" is not set on network \"" + network + "\"");
            }
            put.set("config", c);
        });
        return 0;
    }

    @Command(name = "edit", description = {"Edit network configurations as YAML", "Without a terminal, the YAML is read from stdin."})
    int edit(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        String path = path(network);
        ApiResponse current = ctx.client().get(path);
        Editor.edit(ctx, ConfigCommand.EDIT_HEADER, StorageCommand.writable(current.metadata()),
                edited -> ctx.client().call("PUT", path, StorageCommand.writable(Instances.stringMaps(edited)), current.etag()));
        return 0;
    }

    @Command(name = "list-leases", description = "List DHCP leases")
    int listLeases(@Parameters(paramLabel = "NETWORK") String network) throws IOException {
        JsonNode leases = ctx.client().get(path(network) + "/leases").metadata();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode l : leases) {
            rows.add(List.of(l.path("hostname").asText(""), l.path("hwaddr").asText(""), l.path("address").asText(""),
                    l.path("type").asText("").toUpperCase(Locale.ROOT)));
        }
        ctx.out().print(ListOutput.render(ctx.listFormat(), LEASES, rows, leases));
        return 0;
    }

    @Command(name = "attach", description = {"Attach network interfaces to instances",
            "jlxc network attach NETWORK INSTANCE [DEVICE [INTERFACE]]: adds a nic device (named after the network by default)"})
    int attach(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "INSTANCE") String instance,
            @Parameters(index = "2", paramLabel = "DEVICE", arity = "0..1") String device,
            @Parameters(index = "3", paramLabel = "INTERFACE", arity = "0..1") String iface) throws IOException {
        String dev = device == null ? network : device;
        Instances.updateInstance(ctx, instance, put -> Devices.add(put, dev, "nic", nic(network, iface)));
        return 0;
    }

    @Command(name = "attach-profile", description = {"Attach network interfaces to profiles",
            "jlxc network attach-profile NETWORK PROFILE [DEVICE [INTERFACE]]"})
    int attachProfile(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "PROFILE") String profile,
            @Parameters(index = "2", paramLabel = "DEVICE", arity = "0..1") String device,
            @Parameters(index = "3", paramLabel = "INTERFACE", arity = "0..1") String iface) throws IOException {
        String dev = device == null ? network : device;
        Instances.updateProfile(ctx, profile, put -> Devices.add(put, dev, "nic", nic(network, iface)));
        return 0;
    }

    @Command(name = "detach", description = {"Detach network interfaces from instances",
            "jlxc network detach NETWORK INSTANCE [DEVICE]: removes the instance's nic device on the network"})
    int detach(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "INSTANCE") String instance,
            @Parameters(index = "2", paramLabel = "DEVICE", arity = "0..1") String device) throws IOException {
        Instances.updateInstance(ctx, instance, put -> removeNic(put, network, device));
        return 0;
    }

    @Command(name = "detach-profile", description = {"Detach network interfaces from profiles",
            "jlxc network detach-profile NETWORK PROFILE [DEVICE]"})
    int detachProfile(@Parameters(index = "0", paramLabel = "NETWORK") String network,
            @Parameters(index = "1", paramLabel = "PROFILE") String profile,
            @Parameters(index = "2", paramLabel = "DEVICE", arity = "0..1") String device) throws IOException {
        Instances.updateProfile(ctx, profile, put -> removeNic(put, network, device));
        return 0;
    }

    private static List<String> nic(String network, String iface) {
        List<String> props = new ArrayList<>();
        props.add("network=" + network);
        if (iface != null) {
            props.add("name=" + iface);
        }
        return props;
    }

    /** Removes the named nic device, or the only nic device on the network; lxc's errors otherwise. */
    static void removeNic(ObjectNode writable, String network, String device) {
        JsonNode devices = writable.path("devices");
        String found = device;
        if (found == null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = devices.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if ("nic".equals(e.getValue().path("type").asText()) && network.equals(e.getValue().path("network").asText())) {
                    if (found != null) {
                        throw new CliException("More than one device matches, specify the device name");
                    }
                    found = e.getKey();
                }
            }
            if (found == null) {
                throw new CliException("No device found for this network");
            }
        }
        JsonNode d = devices.path(found);
        if (d.isMissingNode()) {
            throw new CliException("Device doesn't exist: " + found);
        }
        if (!"nic".equals(d.path("type").asText()) || !network.equals(d.path("network").asText())) {
            throw new CliException("The specified device doesn't match the network");
        }
        Devices.remove(writable, null, List.of(found));
    }
}
