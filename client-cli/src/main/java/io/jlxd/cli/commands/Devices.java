package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import java.util.List;

/** Device edits shared by {@code config device} and {@code profile device}, with lxc's checks and messages. */
final class Devices {
    private Devices() {
    }

    /** Adds device {@code name} of {@code type} with {@code K=V} properties to a writable object's devices. */
    static void add(ObjectNode writable, String name, String type, List<String> properties) {
        ObjectNode devices = devices(writable);
        if (devices.has(name)) {
            throw new CliException("The device already exists");
        }
        ObjectNode device = devices.putObject(name);
        device.put("type", type);
        for (String kv : properties) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new CliException("No value found in \"" + kv + "\"");
            }
            device.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
    }

    /**
     * Removes devices; one that only comes from a profile ({@code expanded} has it) gets lxc's advice, one that is
     * nowhere "Device doesn't exist".
     */
    static void remove(ObjectNode writable, JsonNode expanded, List<String> names) {
        ObjectNode devices = devices(writable);
        for (String name : names) {
            if (!devices.has(name)) {
                if (expanded != null && expanded.has(name)) {
                    throw new CliException("Device from profile(s) cannot be removed from individual instance."
                            + " Override device or modify profile instead");
                }
                throw new CliException("Device doesn't exist: " + name);
            }
            devices.remove(name);
        }
    }

    private static ObjectNode devices(ObjectNode writable) {
        JsonNode devices = writable.get("devices");
        if (devices instanceof ObjectNode o) {
            return o;
        }
        return writable.putObject("devices");
    }
}
