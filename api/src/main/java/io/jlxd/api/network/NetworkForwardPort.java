package io.jlxd.api.network;

/** One port rule of a forward: listen_port and target_port are "80", "80,443" or "8000-8010" (target empty: same). */
public record NetworkForwardPort(String description, String protocol, String listenPort, String targetPort,
                                 String targetAddress) {
}
