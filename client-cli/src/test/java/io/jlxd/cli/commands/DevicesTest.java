package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
    private static JsonNode json(String text) {
        return InstanceColumnsTest.json(text);
    }

    @Test
    void writableFieldsOfAnInstance() {
        JsonNode inst = json("""
                {"name":"c1","status":"Running","architecture":"x86_64","config":{"user.a":"b"},
                 "devices":{},"ephemeral":false,"profiles":["default"],"description":"d",
                 "expanded_config":{"x":"y"},"stateful":false,"created_at":"2026-01-01T00:00:00Z"}""");
        assertEquals(json("""
                {"architecture":"x86_64","config":{"user.a":"b"},"devices":{},"ephemeral":false,
                 "profiles":["default"],"description":"d"}"""), Instances.instanceWritable(inst));
        assertEquals(json("{\"config\":{},\"description\":\"\",\"devices\":{}}"),
                Instances.profileWritable(json("{\"name\":\"p\",\"used_by\":[]}")));
    }

    @Test
    void addAndRemoveDevices() {
        ObjectNode put = Instances.instanceWritable(json("{\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\"}}}"));
        Devices.add(put, "data", "disk", List.of("source=/srv", "path=/mnt"));
        assertEquals(json("{\"type\":\"disk\",\"source\":\"/srv\",\"path\":\"/mnt\"}"), put.get("devices").get("data"));
        assertThrows(CliException.class, () -> Devices.add(put, "data", "disk", List.of()));
        assertThrows(CliException.class, () -> Devices.add(put, "x", "disk", List.of("novalue")));
        Devices.remove(put, null, List.of("data"));
        assertTrue(!put.get("devices").has("data"));
        CliException fromProfile = assertThrows(CliException.class,
                () -> Devices.remove(put, json("{\"eth0\":{}}"), List.of("eth0")));
        assertTrue(fromProfile.getMessage().startsWith("Device from profile(s) cannot be removed"));
        assertThrows(CliException.class, () -> Devices.remove(put, null, List.of("nope")));
    }

    @Test
    void editedYamlBecomesStringMaps() {
        JsonNode edited = Editor.parse("""
                config:
                  limits.cpu: 2
                  security.nesting: true
                devices:
                  eth0:
                    mtu: 1500
                    type: nic
                ephemeral: false
                """);
        JsonNode wire = Instances.stringMaps(edited);
        assertEquals("2", wire.get("config").get("limits.cpu").textValue());
        assertEquals("true", wire.get("config").get("security.nesting").textValue());
        assertEquals("1500", wire.get("devices").get("eth0").get("mtu").textValue());
        assertTrue(wire.get("ephemeral").isBoolean());
        assertThrows(CliException.class, () -> Editor.parse("- a\n- b\n"));
        assertThrows(CliException.class, () -> Editor.parse("config: [unclosed"));
    }
}
