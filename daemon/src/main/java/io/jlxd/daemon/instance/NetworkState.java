package io.jlxd.daemon.instance;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.api.instance.InstanceState;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The network part of {@code GET /1.0/instances/{name}/state}: interfaces, addresses and counters of a running
 * container's network namespace, read over rtnetlink without a process ({@link NetlinkState}: one dedicated thread
 * creates the socket inside the namespace); else by {@code ip -json -stats addr} run inside it through
 * {@code nsenter} (a small child process, as LXD runs its own {@code forknet}).
 */
public final class NetworkState {
    private NetworkState() {
    }

    /** The container's interfaces, keyed by name; empty when they cannot be read (the container just stopped). */
    public static Map<String, InstanceState.Network> of(long initPid) {
        if (initPid <= 0) {
            return Map.of();
        }
        try {
            return NetlinkState.of(initPid);
        } catch (IOException e) {
            // the namespace is gone (stopped meanwhile), or netlink failed: ip through nsenter says which
        }
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=/proc/" + initPid + "/ns/net", "--", "ip", "-json",
                "-stats", "addr", "show").redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4 << 20);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Map.of();
            }
            return p.exitValue() == 0 ? parse(Json.lenient().readTree(out)) : Map.of();
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The same interfaces, with {@code host_name} filled from {@code hostNames} (interface inside to host end). */
    public static Map<String, InstanceState.Network> withHostNames(Map<String, InstanceState.Network> nets, Map<String, String> hostNames) {
        Map<String, InstanceState.Network> out = new LinkedHashMap<>();
        nets.forEach((k, n) -> out.put(k, hostNames.containsKey(k) ? new InstanceState.Network(n.addresses(), n.counters(), n.hwaddr(),
                hostNames.get(k), n.mtu(), n.state(), n.type()) : n));
        return out;
    }

    /** Maps iproute2's JSON (an array of links with addr_info and stats64) to LXD's shape. */
    static Map<String, InstanceState.Network> parse(JsonNode links) {
        Map<String, InstanceState.Network> out = new LinkedHashMap<>();
        for (JsonNode l : links) {
            String name = l.path("ifname").asText("");
            if (name.isEmpty()) {
                continue;
            }
            List<InstanceState.Address> addrs = new ArrayList<>();
            for (JsonNode a : l.path("addr_info")) {
                String fam = a.path("family").asText("");
                if (!fam.equals("inet") && !fam.equals("inet6")) {
                    continue;
                }
                addrs.add(new InstanceState.Address(fam, a.path("local").asText(""),
                        Integer.toString(a.path("prefixlen").asInt()), scope(a.path("scope").asText(""))));
            }
            JsonNode rx = l.path("stats64").path("rx");
            JsonNode tx = l.path("stats64").path("tx");
            boolean up = false;
            for (JsonNode f : l.path("flags")) {
                up |= f.asText().equals("UP");
            }
            String linkType = l.path("link_type").asText("");
            out.put(name, new InstanceState.Network(addrs,
                    new InstanceState.Counters(rx.path("bytes").asLong(), tx.path("bytes").asLong(),
                            rx.path("packets").asLong(), tx.path("packets").asLong()),
                    l.path("address").asText(""), "", l.path("mtu").asInt(), up ? "up" : "down",
                    linkType.equals("loopback") ? "loopback" : "broadcast"));
        }
        return out;
    }

    /** LXD's scope names: host-scoped addresses are "local". */
    private static String scope(String ipScope) {
        return ipScope.equals("host") ? "local" : ipScope;
    }
}
