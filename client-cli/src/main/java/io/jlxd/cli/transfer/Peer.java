package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.remote.RemoteAddress;
import io.jlxd.cli.remote.RemoteConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * One daemon of a transfer as the client sees it (lxc's {@code GetConnectionInfo}): its API client, {@code GET /1.0}
 * (read once), the HTTPS URLs another daemon can reach it at, and its server certificate, which the client hands
 * to the other daemon so that it pins it (the daemons need not trust each other).
 */
public final class Peer {
    private final String remote;
    private final JlxdClient client;
    private final RemoteConfig config;
    private JsonNode server;

    public Peer(String remote, JlxdClient client, RemoteConfig config) {
        this.remote = remote;
        this.client = client;
        this.config = config;
    }

    public String remote() {
        return remote;
    }

    public JlxdClient client() {
        return client;
    }

    /** {@code GET /1.0}, asked once. */
    public JsonNode server() throws IOException {
        if (server == null) {
            server = client.get("/1.0").metadata();
        }
        return server;
    }

    public boolean hasExtension(String name) throws IOException {
        for (JsonNode e : server().path("api_extensions")) {
            if (e.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Fails with lxc's message when the daemon lacks an API extension the transfer needs. */
    public void requireExtension(String name, String side) throws IOException {
        if (!hasExtension(name)) {
            throw new CliException("The " + side + " server (remote \"" + remote + "\") is missing the required \""
                    + name + "\" API extension");
        }
    }

    /**
     * The base URLs ({@code https://host:port}) at which another daemon can reach this one: the remote's own address
     * when it is an HTTPS remote, then the addresses the daemon listens on ({@code environment.addresses}; wildcard
     * addresses such as {@code :8443} are left out, as lxc does).
     */
    public List<String> urls() throws IOException {
        List<String> urls = new ArrayList<>();
        RemoteAddress address = config.require(remote).address();
        if (!address.isUnix()) {
            urls.add("https://" + address.authority());
        }
        for (JsonNode a : server().path("environment").path("addresses")) {
            String addr = a.asText("");
            if (addr.isEmpty() || addr.startsWith(":") || addr.startsWith("0.0.0.0:") || addr.startsWith("[::]:")) {
                continue;
            }
            String url = "https://" + addr;
            if (!urls.contains(url)) {
                urls.add(url);
            }
        }
        return urls;
    }

    /**
     * The daemon's server certificate (PEM): the one pinned for this remote when it is an HTTPS remote (what the
     * client itself verified), else the daemon's own answer on its Unix socket.
     */
    public String certificate() throws IOException {
        if (!config.require(remote).address().isUnix()) {
            try {
                return Files.readString(config.serverCertificate(remote), StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new CliException("No pinned server certificate for remote \"" + remote + "\": add the remote again");
            }
        }
        String pem = server().path("environment").path("certificate").asText("");
        if (pem.isEmpty()) {
            throw new CliException("Remote \"" + remote + "\" did not give its server certificate");
        }
        return pem;
    }
}
