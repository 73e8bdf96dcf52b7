package io.jlxd.cli.commands;

import io.jlxd.cli.transfer.TransferRequest;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code jlxc move} and {@code jlxc copy} share (lxc's names), as one picocli mixin. */
public final class TransferOptions {
    @Option(names = "--instance-only", description = "Transfer the instance without its snapshots")
    boolean instanceOnly;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Config key/value to apply to the target instance")
    List<String> config;

    @Option(names = {"-d", "--device"}, paramLabel = "DEVICE,KEY=VALUE", description = "New key/value to apply to a specific device")
    List<String> devices;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", description = "Profile to apply to the target instance")
    List<String> profiles;

    @Option(names = "--no-profiles", description = "Unset all profiles on the target instance")
    boolean noProfiles;

    @Option(names = "--mode", paramLabel = "MODE", description = "Transfer mode between remotes: pull (default), push or relay")
    String mode;

    @Option(names = "--stateless", description = "Transfer a running instance without its state (its file system only)")
    boolean stateless;

    /** The request flags, with {@code refresh} (copy only). */
    TransferRequest.Flags flags(boolean refresh) {
        return new TransferRequest.Flags(mode, stateless, instanceOnly, refresh, config, devices, profiles, noProfiles);
    }
}
