package io.jlxd.cli.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlxd.cli.remote.RemoteConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The target's request built from the source instance: what is kept, dropped and overridden. */
class InstanceTransferTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    private static final String INSTANCE = """
            {"name": "c1", "architecture": "x86_64", "ephemeral": false, "description": "web",
             "profiles": ["default", "web"], "status": "Running",
             "config": {"limits.cpu": "1", "volatile.base_image": "abc", "volatile.eth0.hwaddr": "00:16:3e:00:00:01",
                        "volatile.last_state.power": "RUNNING", "volatile.uuid": "u-1"},
             "devices": {"root": {"type": "disk", "path": "/", "pool": "default"}}}
            """;

    private InstanceTransfer transfer(List<String> config, List<String> devices, List<String> profiles, boolean noProfiles)
            throws Exception {
        RemoteConfig remotes = RemoteConfig.load(tmp.resolve("jlxc"));
        remotes.put("host2", new RemoteConfig.Remote("https://127.0.0.2:8443", "lxd", "tls", false));
        TransferRequest req = TransferRequest.parse(remotes, "c1", "host2:c2",
                new TransferRequest.Flags("push", false, false, false, config, devices, profiles, noProfiles), false);
        return new InstanceTransfer(req, new Peer("local", null, remotes), new Peer("host2", null, remotes), null);
    }

    @Test
    void aCopyDropsTheIdentityKeysAMoveKeepsThem() throws Exception {
        JsonNode inst = JSON.readTree(INSTANCE);
        JsonNode copy = transfer(null, null, null, false).targetRequest(inst, false);
        assertEquals("c2", copy.get("name").asText());
        assertEquals("container", copy.get("type").asText());
        assertEquals("x86_64", copy.get("architecture").asText());
        assertEquals("web", copy.get("description").asText());
        assertEquals("1", copy.get("config").get("limits.cpu").asText());
        assertEquals("abc", copy.get("config").get("volatile.base_image").asText());
        assertFalse(copy.get("config").has("volatile.eth0.hwaddr"), "a copy gets a MAC of its own");
        assertFalse(copy.get("config").has("volatile.uuid"));
        assertFalse(copy.get("config").has("volatile.last_state.power"));
        assertEquals("abc", copy.get("source").get("base-image").asText());
        assertEquals("[\"default\",\"web\"]", copy.get("profiles").toString());

        JsonNode move = transfer(null, null, null, false).targetRequest(inst, true);
        assertEquals("00:16:3e:00:00:01", move.get("config").get("volatile.eth0.hwaddr").asText(), "a move keeps its MAC");
        assertFalse(move.get("config").has("volatile.last_state.power"), "never: the target decides its power state");
    }

    @Test
    void overridesAreLaidOver() throws Exception {
        JsonNode inst = JSON.readTree(INSTANCE);
        JsonNode r = transfer(List.of("limits.cpu=2", "user.x=y"), List.of("root,size=1GiB"), List.of("default"), false)
                .targetRequest(inst, false);
        assertEquals("2", r.get("config").get("limits.cpu").asText());
        assertEquals("y", r.get("config").get("user.x").asText());
        assertEquals("1GiB", r.get("devices").get("root").get("size").asText());
        assertEquals("default", r.get("devices").get("root").get("pool").asText(), "merged into the device, not replacing it");
        assertEquals("[\"default\"]", r.get("profiles").toString());
        assertEquals("[]", transfer(null, null, null, true).targetRequest(inst, false).get("profiles").toString());
        assertTrue(JSON.readTree(INSTANCE).get("devices").get("root").has("pool"), "the source document is not changed");
    }

    @Test
    void relayPathsAndOperationIds() {
        assertEquals("/1.0/operations/abc-1/websocket?secret=s%2B1", MigrationRelay.path("/1.0/operations/abc-1", "s+1"));
        assertEquals("/1.0/operations/abc/websocket?secret=x", MigrationRelay.path("/1.0/operations/abc?project=p", "x"));
        assertEquals("abc", InstanceTransfer.id("https://127.0.0.1:8443/1.0/operations/abc?project=default"));
    }
}
