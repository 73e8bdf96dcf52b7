package io.jlxd.api.instance;

import java.util.List;
import java.util.Map;

/** {@code GET /1.0/instances/{name}/state}: runtime state read from liblxc, cgroups and the network namespace. */
public record InstanceState(
        String status,
        int statusCode,
        long pid,
        long processes,
        Cpu cpu,
        Memory memory,
        Map<String, Disk> disk,
        Map<String, Network> network) {

    /** CPU time used, in nanoseconds. */
    public record Cpu(long usage) {
    }

    public record Memory(long usage, long usagePeak, long total, long swapUsage, long swapUsagePeak) {
    }

    public record Disk(long usage, long total) {
    }

    public record Network(List<Address> addresses, Counters counters, String hwaddr, String hostName, int mtu,
                          String state, String type) {
    }

    public record Address(String family, String address, String netmask, String scope) {
    }

    public record Counters(long bytesReceived, long bytesSent, long packetsReceived, long packetsSent) {
    }
}
