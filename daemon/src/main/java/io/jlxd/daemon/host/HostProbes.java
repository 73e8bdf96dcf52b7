package io.jlxd.daemon.host;

import io.jlxd.api.ServerEnvironment.StorageDriverInfo;
import io.jlxd.daemon.lxc.LibLxc;
import io.jlxd.network.Firewall;
import io.jlxd.snapshots.Criu;
import io.jlxd.storage.StorageDrivers;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Versions of the host components (liblxc, CRIU, storage drivers, firewall), probed once in the background at
 * start so that start-up does not wait for them.
 */
public final class HostProbes {
    /** The probed facts; empty strings where a component is missing. */
    public record Facts(String lxcVersion, String criuVersion, List<StorageDriverInfo> storageDrivers, String firewall) {
    }

    private final CompletableFuture<Facts> facts;

    private HostProbes(CompletableFuture<Facts> facts) {
        this.facts = facts;
    }

    public static HostProbes start() {
        return new HostProbes(CompletableFuture.supplyAsync(() -> new Facts(
                LibLxc.version().orElse(""),
                Criu.version().orElse(""),
                StorageDrivers.probe(),
                Firewall.probe()), command -> Thread.ofVirtual().name("host-probes").start(command)));
    }

    /** The facts, waiting for the probes if they are still running. */
    public Facts facts() {
        try {
            return facts.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new Facts("", "", List.of(new StorageDriverInfo(StorageDrivers.DIR, StorageDrivers.DIR_VERSION, false)), "");
        }
    }
}
