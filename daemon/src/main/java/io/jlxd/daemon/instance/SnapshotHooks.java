package io.jlxd.daemon.instance;

import io.jlxd.api.instance.InstanceSource;
import java.util.List;

/** What InstanceManager asks of the snapshots service (which depends on it): copies and snapshot views. */
public interface SnapshotHooks {
    /** Checks a {@code copy} source before the new instance's row is made; returns the source's volatile.base_image or null. */
    String checkCopySource(InstanceSource source, boolean privileged);

    /** Creates instance {@code to}'s volume (and its snapshots unless instance_only) from the copy source. */
    void copyVolumes(InstanceSource source, String to) throws Exception;

    /** The instance's snapshots as shown in recursion=2. */
    List<Object> views(String instance);
}
