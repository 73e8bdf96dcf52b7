package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** network attach/detach as device edits of the writable part of an instance or profile. */
class NetworkAttachTest {
    private static ObjectNode writable(String json) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(json);
    }

    @Test
    void detachFindsTheNicOnTheNetwork() throws Exception {
        ObjectNode w = writable("{\"devices\":{\"eth0\":{\"type\":\"nic\",\"network\":\"br0\"},"
                + "\"root\":{\"type\":\"disk\",\"path\":\"/\"}}}");
        NetworkCommand.removeNic(w, "br0", null);
        assertFalse(w.get("devices").has("eth0"));
        assertTrue(w.get("devices").has("root"));
    }

    @Test
    void detachRefusesAmbiguityAndMismatches() throws Exception {
        ObjectNode two = writable("{\"devices\":{\"a\":{\"type\":\"nic\",\"network\":\"br0\"},\"b\":{\"type\":\"nic\",\"network\":\"br0\"}}}");
        assertTrue(assertThrows(CliException.class, () -> NetworkCommand.removeNic(two, "br0", null)).getMessage().contains("More than one"));
        NetworkCommand.removeNic(two, "br0", "b");
        assertEquals(List.of("a"), List.copyOf(iterable(two)));
        assertThrows(CliException.class, () -> NetworkCommand.removeNic(two, "br1", "a"));
        assertThrows(CliException.class, () -> NetworkCommand.removeNic(two, "br1", null));
    }

    @Test
    void attachAddsANic() throws Exception {
        ObjectNode w = writable("{\"devices\":{}}");
        Devices.add(w, "br0", "nic", List.of("network=br0", "name=eth1"));
        assertEquals("{\"type\":\"nic\",\"network\":\"br0\",\"name\":\"eth1\"}", w.get("devices").get("br0").toString());
    }

    private static List<String> iterable(ObjectNode w) {
        List<String> out = new java.util.ArrayList<>();
        w.get("devices").fieldNames().forEachRemaining(out::add);
        return out;
    }
}
