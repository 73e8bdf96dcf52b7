package io.jlxd.daemon.snapshot;

import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;

/**
 * A running instance frozen for as long as its file system is copied (snapshot, copy), so that the copy is one
 * moment's and the container cannot race the copy (e.g. swap a directory for a symlink while it is walked). A
 * freeze that fails refuses the copy; an unfreeze that fails is tried once more, then fails the operation with the
 * reason (the container would otherwise stay frozen while the API reported success).
 */
final class Frozen implements AutoCloseable {
    private final InstanceManager instances;
    private final String name;
    private boolean frozen;

    private Frozen(InstanceManager instances, String name) {
        this.instances = instances;
        this.name = name;
    }

    /** The journal of the freeze ({@link io.jlxd.daemon.instance.FreezeJournal}): an empty one, a copy's. */
    static java.nio.file.Path journal(InstanceManager instances, String name) {
        return io.jlxd.daemon.instance.FreezeJournal.path(instances, name);
    }

    /** Freezes {@code name} when it is running; a stopped or already frozen instance is left as it is. */
    static Frozen ifRunning(InstanceManager instances, String name) {
        Frozen f = new Frozen(instances, name);
        if (instances.containerState(name) == ContainerState.RUNNING) {
            try {
                java.nio.file.Files.writeString(journal(instances, name), "");
            } catch (java.io.IOException e) {
                throw new ApiException(500, "Instance \"" + name + "\" cannot be frozen for a consistent copy: " + e.getMessage(), e);
            }
            try {
                instances.driver().freeze(name);
                f.frozen = true;
            } catch (DriverException e) {
                f.dropJournal();
                if (instances.containerState(name) == ContainerState.RUNNING) {
                    throw new ApiException(500, "Instance \"" + name + "\" could not be frozen for a consistent copy"
                            + " (nothing was copied): " + e.getMessage(), e);
                }
                // it stopped meanwhile: nothing runs that could race the copy
            }
        }
        return f;
    }

    private void dropJournal() {
        try {
            java.nio.file.Files.deleteIfExists(journal(instances, name));
        } catch (java.io.IOException e) {
            // the next start removes it (and finds the container not frozen)
        }
    }

    @Override
    public void close() {
        if (!frozen) {
            return;
        }
        frozen = false;
        try {
            instances.driver().unfreeze(name);
            dropJournal();
        } catch (DriverException first) {
            try {
                instances.driver().unfreeze(name);
                dropJournal();
            } catch (DriverException e) {
                e.addSuppressed(first);
                throw new ApiException(500, "Instance \"" + name + "\" could not be unfrozen after the copy (it is still"
                        + " frozen; unfreeze it with PUT .../state {\"action\": \"unfreeze\"}): " + e.getMessage(), e);
            }
        }
    }
}
