package io.jlxd.daemon.instance.driver;

import io.jlxd.daemon.nic.IfNames;
import io.jlxd.daemon.nic.Veths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The veth NICs of a container restored by CRIU (host-notes.md): CRIU cannot re-create a veth pair through its
 * user-namespace helper for an unprivileged container, so the daemon makes each pair on the host first (the host end
 * with the NIC's host name, the other end under a temporary name) and tells CRIU to move that end into the restored
 * namespace ({@code external netdev[NAME]:TEMP}), which keeps ifindex, MAC and addresses. CRIU joins the host end to
 * the bridge and brings it up (liblxc passes it {@code veth[NAME]:HOST@BRIDGE}).
 */
final class CriuNics implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final List<String> made = new ArrayList<>();
    private boolean kept;

    private CriuNics() {
    }

    /** Pre-creates the pairs of {@code nics}; nothing is left when one fails. */
    static CriuNics prepare(List<NicSpec> nics) throws DriverException {
        CriuNics c = new CriuNics();
        try {
            for (NicSpec n : nics) {
                if (!Veths.isBridge(n.bridge())) {
                    throw new DriverException(DriverException.Kind.INVALID_CONFIG, "NIC " + n.name() + ": bridge \"" + n.bridge()
                            + "\" does not exist on this host");
                }
                if (Veths.exists(n.hostName())) {
                    throw new DriverException(DriverException.Kind.FAILED, "NIC " + n.name() + ": host interface \"" + n.hostName()
                            + "\" already exists");
                }
                String peer = IfNames.randomPeer();
                Veths.createOnHost(n.hostName(), peer, n.mtu());
                c.made.add(n.hostName());
                c.lines.add("external netdev[" + n.name() + "]:" + peer);
            }
            return c;
        } catch (IOException e) {
            c.close();
            throw new DriverException(DriverException.Kind.FAILED, "preparing the NICs for CRIU: " + e.getMessage(), e);
        } catch (DriverException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The CRIU config lines naming the pre-created devices. */
    List<String> criuLines() {
        return lines;
    }

    /** The restore succeeded: the pairs belong to the container now. */
    void keep() {
        kept = true;
    }

    /** Unless kept: deletes the pairs (their moved ends go with them). */
    @Override
    public void close() {
        if (!kept) {
            made.forEach(Veths::deleteQuietly);
        }
    }
}
