package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceColumnsTest {
    static final String RUNNING = """
            {"name":"c1","type":"container","status":"Running","ephemeral":true,"architecture":"x86_64",
             "created_at":"2026-11-25T06:00:00.5+01:00","last_used_at":"0001-01-01T00:00:00Z",
             "profiles":["default","web"],"snapshots":[{"name":"s0"},{"name":"s1"}],
             "expanded_config":{"user.role":"web","image.os":"busybox"},
             "state":{"pid":4242,"processes":3,"cpu":{"usage":2500000000},"memory":{"usage":1572864},
              "network":{"lo":{"type":"loopback","addresses":[{"family":"inet","address":"127.0.0.1","scope":"local"}]},
               "eth1":{"type":"broadcast","addresses":[{"family":"inet","address":"10.0.3.9","scope":"global"}]},
               "eth0":{"type":"broadcast","addresses":[{"family":"inet","address":"10.0.3.5","scope":"global"},
                {"family":"inet6","address":"fd42::5","scope":"global"},
                {"family":"inet6","address":"fe80::1","scope":"link"}]}}}}""";
    static final String STOPPED = """
            {"name":"web-2","type":"container","status":"Stopped","ephemeral":false,"profiles":[],
             "state":{"pid":0,"network":{}},"snapshots":null}""";

    static JsonNode json(String text) {
        try {
            return Json.lenient().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> row(String columns, JsonNode inst) {
        return InstanceColumns.parse(columns).stream().map(c -> InstanceColumns.cell(c, inst)).toList();
    }

    @Test
    void defaultColumnsAreLxcs() {
        List<String> header = InstanceColumns.parse(InstanceColumns.DEFAULT).stream().map(InstanceColumns::header)
                .toList();
        assertEquals(List.of("NAME", "STATE", "IPV4", "IPV6", "TYPE", "SNAPSHOTS"), header);
        assertEquals(List.of("c1", "RUNNING", "10.0.3.5 (eth0)\n10.0.3.9 (eth1)", "fd42::5 (eth0)",
                "CONTAINER (EPHEMERAL)", "2"), row(InstanceColumns.DEFAULT, json(RUNNING)));
        assertEquals(List.of("web-2", "STOPPED", "", "", "CONTAINER", "0"), row("ns46tS", json(STOPPED)));
    }

    @Test
    void otherColumns() {
        assertEquals(List.of("x86_64", "2026/11/25 05:00 UTC", "", "4242", "default\nweb", "3", "1.50MiB", "2s"),
                row("a,c,l,p,P,N,m,u", json(RUNNING)));
        assertEquals(List.of("", "", "", ""), row("pNmu", json(STOPPED)));
    }

    @Test
    void badColumnsAreRefused() {
        assertThrows(CliException.class, () -> InstanceColumns.parse("nX"));
        assertThrows(CliException.class, () -> InstanceColumns.parse(","));
    }

    @Test
    void bytesInIecUnits() {
        assertEquals("512B", Bytes.iec(512));
        assertEquals("1.00KiB", Bytes.iec(1024));
        assertEquals("10.50MiB", Bytes.iec(11010048));
    }

    @Test
    void filters() {
        JsonNode c1 = json(RUNNING);
        JsonNode web = json(STOPPED);
        assertEquals(true, ListFilter.matches(List.of(), c1));
        assertEquals(true, ListFilter.matches("c", c1));
        assertEquals(false, ListFilter.matches("c", web));
        assertEquals(true, ListFilter.matches("web-.*", web));
        assertEquals(false, ListFilter.matches("eb", web));
        assertEquals(true, ListFilter.matches("status=running", c1));
        assertEquals(false, ListFilter.matches("state=running", web));
        assertEquals(true, ListFilter.matches("user.role=web", c1));
        assertEquals(true, ListFilter.matches("config.image.os=busybox", c1));
        assertEquals(false, ListFilter.matches(List.of("c1", "user.role=db"), c1));
        assertEquals(false, ListFilter.matches("[", c1));
    }

    @Test
    void infoShowsStateAndResources() {
        String text = InstanceInfo.render(json(RUNNING));
        assertEquals("""
                Name: c1
                Status: RUNNING
                Type: container (ephemeral)
                Architecture: x86_64
                PID: 4242
                Created: 2026/11/25 05:00 UTC

                Resources:
                  Processes: 3
                  CPU usage:
                    CPU usage (in seconds): 2
                  Memory usage:
                    Memory (current): 1.50MiB
                """, text.substring(0, text.indexOf("  Network usage:")));
        String stopped = InstanceInfo.render(json(STOPPED));
        assertEquals("Name: web-2\nStatus: STOPPED\nType: container\nArchitecture: \n", stopped);
    }
}
