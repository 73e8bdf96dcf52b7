package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CreateInstanceTest {
    private static JsonNode json(String text) {
        return InstanceColumnsTest.json(text);
    }

    @Test
    void bodyCarriesTheOptions() {
        CreateInstance c = new CreateInstance();
        c.image = "busybox";
        c.name = "c1";
        c.profiles = List.of("default", "web");
        c.config = List.of("limits.memory=64MiB", "user.note=a=b");
        c.ephemeral = true;
        ObjectNode source = JsonNodeFactory.instance.objectNode().put("type", "image").put("alias", "busybox");
        assertEquals(json("""
                {"name":"c1","type":"container","source":{"type":"image","alias":"busybox"},
                 "config":{"limits.memory":"64MiB","user.note":"a=b"},"profiles":["default","web"],"ephemeral":true}"""),
                c.body(source));
    }

    @Test
    void storagePoolBecomesTheRootDisk() {
        CreateInstance c = new CreateInstance();
        c.storage = "fast";
        assertEquals(json("""
                {"root":{"type":"disk","path":"/","pool":"fast"}}"""), c.body(JsonNodeFactory.instance.objectNode()).get("devices"));
    }

    @Test
    void networkBecomesEth0NextToTheRootDisk() {
        CreateInstance c = new CreateInstance();
        c.storage = "fast";
        c.networkDevice = JsonNodeFactory.instance.objectNode().put("type", "nic").put("network", "jlxdbr0");
        assertEquals(json("""
                {"root":{"type":"disk","path":"/","pool":"fast"},"eth0":{"type":"nic","network":"jlxdbr0"}}"""),
                c.body(JsonNodeFactory.instance.objectNode()).get("devices"));
    }

    @Test
    void withoutNameOrProfilesTheServerDecides() {
        CreateInstance c = new CreateInstance();
        ObjectNode body = c.body(JsonNodeFactory.instance.objectNode());
        assertFalse(body.has("name"));
        assertFalse(body.has("profiles"));
        c.noProfiles = true;
        assertEquals(0, c.body(JsonNodeFactory.instance.objectNode()).get("profiles").size());
        c.profiles = List.of("x");
        assertThrows(CliException.class, () -> c.body(JsonNodeFactory.instance.objectNode()));
    }

    @Test
    void badConfigPairsAreRefused() {
        CreateInstance c = new CreateInstance();
        c.config = List.of("novalue");
        assertThrows(CliException.class, () -> c.body(JsonNodeFactory.instance.objectNode()));
    }

    @Test
    void fingerprintPrefixMustBeUnique() {
        JsonNode urls = json("[\"/1.0/images/abc123\",\"/1.0/images/abd456\"]");
        assertEquals("abc123", CreateInstance.fingerprint(urls, "abc"));
        assertEquals("abd456", CreateInstance.fingerprint(urls, "abd456"));
        assertThrows(CliException.class, () -> CreateInstance.fingerprint(urls, "ab"));
        assertThrows(CliException.class, () -> CreateInstance.fingerprint(urls, "ff"));
    }

    @Test
    void createdNameComesFromTheOperation() {
        assertEquals("swift-otter", CreateInstance.createdName(
                json("{\"resources\":{\"instances\":[\"/1.0/instances/swift-otter?project=default\"]}}")));
        assertThrows(CliException.class, () -> CreateInstance.createdName(json("{\"resources\":{}}")));
    }

    @Test
    void generatedNamesAreValidInstanceNames() {
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            String name = NameGenerator.generate(random);
            assertEquals(name, io.jlxd.api.instance.Names.instance(name));
            assertTrue(name.contains("-"));
        }
    }

    @Test
    void progressIsReadFromTheMetadata() {
        assertEquals("50%", Progress.progress(json("{\"progress\":\"50%\"}")));
        assertEquals("Unpack: 10%", Progress.progress(json("{\"create_instance_from_image_unpack_progress\":\"Unpack: 10%\"}")));
        assertEquals(null, Progress.progress(json("{\"fds\":{}}")));
        assertEquals(null, Progress.progress(json("null")));
    }
}
