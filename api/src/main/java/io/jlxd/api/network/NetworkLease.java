package io.jlxd.api.network;

/** One entry of {@code GET /1.0/networks/{name}/leases}: type "static" (a reservation) or "dynamic". */
public record NetworkLease(String hostname, String hwaddr, String address, String type, String location,
                           String project) {
}
