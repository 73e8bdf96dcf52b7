package io.jlxd.api.network;

import io.jlxd.api.instance.InstanceState;
import java.util.List;

/** {@code GET /1.0/networks/{name}/state}: the interface's addresses, counters, MAC, MTU, link state and type. */
public record NetworkState(List<InstanceState.Address> addresses, InstanceState.Counters counters, String hwaddr,
                           int mtu, String state, String type) {
}
