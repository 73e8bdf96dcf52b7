package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc profile device add|remove|list|show PROFILE ...}. */
@Command(name = "device", description = "Manage devices of profiles")
public final class ProfileDeviceCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ProfileDeviceCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "add", description = "Add devices to a profile")
    int add(@Parameters(index = "0", paramLabel = "PROFILE") String rawProfile,
            @Parameters(index = "1", paramLabel = "DEVICE") String device,
            @Parameters(index = "2", paramLabel = "TYPE") String type,
            @Parameters(index = "3..*", paramLabel = "KEY=VALUE", arity = "0..*") List<String> properties)
            throws IOException {
        String profile = ctx.instance(rawProfile);
        Instances.updateProfile(ctx, profile,
                put -> Devices.add(put, device, type, properties == null ? List.of() : properties));
        if (!ctx.quiet()) {
            ctx.out().println("Device " + device + " added to " + profile);
        }
        return 0;
    }

    @Command(name = "remove", aliases = "rm", description = "Remove devices from a profile")
    int remove(@Parameters(index = "0", paramLabel = "PROFILE") String rawProfile,
            @Parameters(index = "1..*", paramLabel = "DEVICE", arity = "1..*") List<String> devices)
            throws IOException {
        String profile = ctx.instance(rawProfile);
        Instances.updateProfile(ctx, profile, put -> Devices.remove(put, null, devices));
        if (!ctx.quiet()) {
            ctx.out().println("Device " + String.join(", ", devices) + " removed from " + profile);
        }
        return 0;
    }

    @Command(name = "list", aliases = "ls", description = "List the devices of a profile")
    int list(@Parameters(paramLabel = "PROFILE") String rawProfile) throws IOException {
        String profile = ctx.instance(rawProfile);
        JsonNode devices = ctx.client().get(Instances.profilePath(profile)).metadata().path("devices");
        new TreeSet<>(ConfigDeviceCommand.fieldNames(devices)).forEach(ctx.out()::println);
        return 0;
    }

    @Command(name = "show", description = "Show the devices of a profile")
    int show(@Parameters(paramLabel = "PROFILE") String rawProfile) throws IOException {
        String profile = ctx.instance(rawProfile);
        Documents.print(ctx, Instances.objectOrEmpty(
                ctx.client().get(Instances.profilePath(profile)).metadata().get("devices")));
        return 0;
    }
}
