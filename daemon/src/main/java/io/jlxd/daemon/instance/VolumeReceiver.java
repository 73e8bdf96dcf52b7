package io.jlxd.daemon.instance;

import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.OperationContext;
import io.jlxd.daemon.ops.Operations;
import java.util.Map;

/**
 * An instance whose volume comes from elsewhere ({@code source.type: migration}): {@link InstanceManager#create}
 * validates and records it as for any creation, then, in the operation and under the instance's lock, lets the
 * receiver make and fill the volume and finish (a live migration restores the container). A failure at any step
 * undoes the creation (the container, the volume with its snapshots, the row).
 */
public interface VolumeReceiver {
    /** Volatile keys the instance keeps from its source (its NICs' MACs), added before the NICs get theirs. */
    Map<String, String> volatileKeys();

    /** The operation to create (push mode: a websocket operation whose metadata holds the channels' secrets). */
    Operations.Spec spec(Operations.Spec task);

    /** Called once the operation exists, before its work runs. */
    void registered(Op op);

    /** Makes the volume of {@code name} (with its snapshots) from the source. */
    void receive(String name, OperationContext ctx) throws Exception;

    /** After the container is defined: what completes the migration (a live one restores and starts it). */
    void finish(String name, OperationContext ctx) throws Exception;

    /** The work failed (the creation is being undone): tell the source why. */
    void failed(Exception cause);
}
