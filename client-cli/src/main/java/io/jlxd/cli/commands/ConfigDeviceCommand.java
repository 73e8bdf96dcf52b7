package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc config device add|remove|list|show INSTANCE ...}: an instance's local devices, like lxc. */
@Command(name = "device", description = "Manage instance devices")
public final class ConfigDeviceCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ConfigDeviceCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "add", description = "Add instance devices")
    int add(@Parameters(index = "0", paramLabel = "INSTANCE") String rawInstance,
            @Parameters(index = "1", paramLabel = "DEVICE") String device,
            @Parameters(index = "2", paramLabel = "TYPE") String type,
            @Parameters(index = "3..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> properties)
            throws IOException {
        String instance = ctx.instance(rawInstance);
        Instances.updateInstance(ctx, instance,
                put -> Devices.add(put, device, type, properties == null ? List.of() : properties));
        if (!ctx.quiet()) {
            ctx.out().println("Device " + device + " added to " + instance);
        }
        return 0;
    }

    @Command(name = "remove", aliases = "rm", description = "Remove instance devices")
    int remove(@Parameters(index = "0", paramLabel = "INSTANCE") String rawInstance,
            @Parameters(index = "1..*", paramLabel = "DEVICE", arity = "1..*") List<String> devices)
            throws IOException {
        String instance = ctx.instance(rawInstance);
        JsonNode expanded = ctx.client().get(Instances.path(instance)).metadata().path("expanded_devices");
        Instances.updateInstance(ctx, instance, put -> Devices.remove(put, expanded, devices));
        if (!ctx.quiet()) {
            ctx.out().println("Device " + String.join(", ", devices) + " removed from " + instance);
        }
        return 0;
    }

    @Command(name = "list", aliases = "ls", description = "List instance devices")
    int list(@Parameters(paramLabel = "INSTANCE") String rawInstance) throws IOException {
        String instance = ctx.instance(rawInstance);
        JsonNode devices = ctx.client().get(Instances.path(instance)).metadata().path("devices");
        List<String> names = new ArrayList<>(new TreeSet<>(fieldNames(devices)));
        names.forEach(ctx.out()::println);
        return 0;
    }

    @Command(name = "show", description = "Show full device configuration for instances")
    int show(@Parameters(paramLabel = "INSTANCE") String rawInstance) throws IOException {
        String instance = ctx.instance(rawInstance);
        Documents.print(ctx, Instances.objectOrEmpty(
                ctx.client().get(Instances.path(instance)).metadata().get("devices")));
        return 0;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
