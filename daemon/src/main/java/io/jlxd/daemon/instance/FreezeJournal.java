package io.jlxd.daemon.instance;

import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.nic.Veths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The journal of a freeze the daemon made for its own purpose (a consistent snapshot or copy, a live migration's dump):
 * written before the freeze, removed once the container runs again, in the container's liblxc directory. A daemon
 * killed meanwhile finds it at its next start ({@link #recover}) and puts the container back as it was instead of
 * leaving it frozen for good. A freeze the user asked for has no journal.
 *
 * <p>Lines: {@code nic HOST} (a NIC host end a live migration takes down: brought up again), {@code dump DIR} (the
 * migration's CRIU images: removed), and {@code committed} (a live migration whose target has taken the instance
 * over: the frozen source is stopped instead of thawed, since the target runs it). An empty journal is a copy's.
 */
public final class FreezeJournal {
    private static final Logger LOG = Logger.getLogger(FreezeJournal.class.getName());
    /** How long the start-up waits for a CRIU dump that the killed daemon started (it runs on, see {@link #recover}). */
    private static final Duration DUMP_RUNNING = Duration.ofMinutes(2);
    static final String COMMITTED = "committed";

    private FreezeJournal() {
    }

    /** The journal of {@code name} (the same file name as before live migrations used it: old journals still count). */
    public static Path path(InstanceManager instances, String name) {
        return instances.driver().lxcPath().resolve(name).resolve(".jlxd-frozen-for-copy");
    }

    /** Writes (atomically, replacing any) the journal: the NIC host ends to bring up, the dump to remove, committed. */
    public static void write(InstanceManager instances, String name, List<String> nicHostEnds, Path dump, boolean committed)
            throws IOException {
        StringBuilder b = new StringBuilder();
        for (String h : nicHostEnds) {
            b.append("nic ").append(h).append('\n');
        }
        if (dump != null) {
            b.append("dump ").append(dump).append('\n');
        }
        if (committed) {
            b.append(COMMITTED).append('\n');
        }
        Path p = path(instances, name);
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the journal (the container runs again, or is gone). */
    public static void remove(InstanceManager instances, String name) throws IOException {
        Files.deleteIfExists(path(instances, name));
    }

    /**
     * At start: settles a freeze an interrupted operation left, and returns what it did (for the log), or null when
     * there was no journal. Not committed: a CRIU dump the killed daemon started is let finish (it leaves the cgroup
     * frozen), the NIC host ends are brought up and the container thawed. Committed: the container is stopped (the
     * target of the live migration runs it). The journal goes once that worked; a failure leaves it for the next start.
     */
    public static String recover(InstanceManager instances, String name) throws DriverException, IOException {
        Path j = path(instances, name);
        if (!Files.exists(j)) {
            return null;
        }
        List<String> nics = new ArrayList<>();
        Path dump = null;
        boolean committed = false;
        for (String line : Files.readAllLines(j, StandardCharsets.UTF_8)) {
            if (line.startsWith("nic ")) {
                nics.add(line.substring(4).strip());
            } else if (line.startsWith("dump ")) {
                dump = Path.of(line.substring(5).strip());
            } else if (line.strip().equals(COMMITTED)) {
                committed = true;
            }
        }
        awaitCheckpointTool(instances, name);
        String did;
        ContainerState st = instances.containerState(name);
        if (committed) {
            if (st == ContainerState.FROZEN) {
                instances.driver().unfreeze(name);
            }
            if (st != null && st.active()) {
                instances.stopContainer(name, true, Duration.ZERO);
            }
            did = "stopped (its live migration had committed: the target runs it)";
        } else {
            for (String h : nics) {
                if (Veths.exists(h)) {
                    Veths.setUp(h, true);
                }
            }
            if (st == ContainerState.FROZEN) {
                instances.driver().unfreeze(name);
                did = nics.isEmpty() ? "unfrozen" : "unfrozen, its NICs up again";
            } else {
                did = nics.isEmpty() ? "" : "its NICs up again";
            }
        }
        if (dump != null && Files.exists(dump)) {
            io.jlxd.storage.image.ImageUnpacker.removeTree(dump);
        }
        Files.deleteIfExists(j);
        return did;
    }

    /**
     * Waits until no {@code lxc-checkpoint} of this container runs any more: a daemon killed during a live migration's
     * dump leaves it (and CRIU) running, and a thaw in the middle of the dump would be undone by CRIU at its end.
     */
    private static void awaitCheckpointTool(InstanceManager instances, String name) {
        String lxcPath = instances.driver().lxcPath().toString();
        long end = System.nanoTime() + DUMP_RUNNING.toNanos();
        while (System.nanoTime() < end) {
            boolean running = ProcessHandle.allProcesses().anyMatch(p -> {
                List<String> args = p.info().arguments().map(List::of).orElse(List.of());
                String cmd = p.info().command().orElse("");
                return cmd.endsWith("lxc-checkpoint") && args.contains(name) && args.contains(lxcPath);
            });
            if (!running) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warning("an lxc-checkpoint of " + name + " still runs after " + DUMP_RUNNING.toSeconds() + " s; settling its freeze anyway");
    }
}
