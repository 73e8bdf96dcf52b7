package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** The text of {@code jlxc info NAME}, laid out like lxc's: identity, then resources of a running instance. */
final class InstanceInfo {
    private InstanceInfo() {
    }

    /** {@code inst} is a {@code recursion=1} instance ({@code state} and {@code snapshots} included when known). */
    static String render(JsonNode inst) {
        StringBuilder sb = new StringBuilder();
        sb.append("Name: ").append(inst.path("name").asText()).append('\n');
        String description = inst.path("description").asText("");
        if (!description.isEmpty()) {
            sb.append("Description: ").append(description).append('\n');
        }
        sb.append("Status: ").append(inst.path("status").asText("").toUpperCase(java.util.Locale.ROOT)).append('\n');
        String type = inst.path("type").asText("container");
        sb.append("Type: ").append(inst.path("ephemeral").asBoolean(false) ? type + " (ephemeral)" : type)
                .append('\n');
        sb.append("Architecture: ").append(inst.path("architecture").asText("")).append('\n');
        if (inst.path("stateful").asBoolean(false)) {
            sb.append("Stateful: yes (a CRIU checkpoint is saved; start restores it, start --stateless discards it)\n");
        }
        JsonNode state = inst.path("state");
        boolean running = InstanceColumns.isRunning(inst);
        if (running && state.path("pid").asLong(0) > 0) {
            sb.append("PID: ").append(state.path("pid").asLong()).append('\n');
        }
        String created = InstanceColumns.date(inst.path("created_at").asText(""));
        if (!created.isEmpty()) {
            sb.append("Created: ").append(created).append('\n');
        }
        String used = InstanceColumns.date(inst.path("last_used_at").asText(""));
        if (!used.isEmpty()) {
            sb.append("Last Used: ").append(used).append('\n');
        }
        if (running && state.isObject()) {
            resources(sb, state);
        }
        JsonNode snapshots = inst.path("snapshots");
        if (snapshots.isArray() && !snapshots.isEmpty()) {
            sb.append("\nSnapshots:\n");
            for (JsonNode snap : snapshots) {
                sb.append("  ").append(snap.path("name").asText()).append(" (taken at ")
                        .append(InstanceColumns.date(snap.path("created_at").asText(""))).append(")");
                String expires = snap.path("expires_at").asText("");
                if (!expires.isEmpty() && !expires.startsWith("0001-01-01")) {
                    sb.append(" (expires at ").append(InstanceColumns.date(expires)).append(")");
                }
                sb.append(snap.path("stateful").asBoolean(false) ? " (stateful)\n" : " (stateless)\n");
            }
        }
        return sb.toString();
    }

    private static void resources(StringBuilder sb, JsonNode state) {
        sb.append("\nResources:\n");
        sb.append("  Processes: ").append(state.path("processes").asLong(0)).append('\n');
        JsonNode cpu = state.path("cpu");
        if (cpu.has("usage")) {
            sb.append("  CPU usage:\n    CPU usage (in seconds): ")
                    .append(cpu.path("usage").asLong() / 1_000_000_000L).append('\n');
        }
        JsonNode memory = state.path("memory");
        if (memory.has("usage")) {
            sb.append("  Memory usage:\n    Memory (current): ").append(Bytes.iec(memory.path("usage").asLong()))
                    .append('\n');
            if (memory.path("usage_peak").asLong(0) > 0) {
                sb.append("    Memory (peak): ").append(Bytes.iec(memory.path("usage_peak").asLong())).append('\n');
            }
            if (memory.path("swap_usage").asLong(0) > 0) {
                sb.append("    Swap (current): ").append(Bytes.iec(memory.path("swap_usage").asLong())).append('\n');
            }
        }
        JsonNode network = state.path("network");
        if (network.isObject() && !network.isEmpty()) {
            sb.append("  Network usage:\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = network.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                nic(sb, e.getKey(), e.getValue());
            }
        }
    }

    private static void nic(StringBuilder sb, String name, JsonNode nic) {
        sb.append("    ").append(name).append(":\n");
        line(sb, "Type", nic.path("type").asText(""));
        line(sb, "State", nic.path("state").asText("").toUpperCase(java.util.Locale.ROOT));
        line(sb, "Host interface", nic.path("host_name").asText(""));
        line(sb, "MAC address", nic.path("hwaddr").asText(""));
        line(sb, "MTU", nic.path("mtu").asText(""));
        JsonNode counters = nic.path("counters");
        if (counters.isObject()) {
            line(sb, "Bytes received", Bytes.iec(counters.path("bytes_received").asLong()));
            line(sb, "Bytes sent", Bytes.iec(counters.path("bytes_sent").asLong()));
            line(sb, "Packets received", counters.path("packets_received").asText("0"));
            line(sb, "Packets sent", counters.path("packets_sent").asText("0"));
        }
        if (!nic.path("addresses").isEmpty()) {
            sb.append("      IP addresses:\n");
            for (JsonNode a : nic.path("addresses")) {
                sb.append("        ").append(a.path("family").asText()).append(":  ").append(a.path("address").asText())
                        .append('/').append(a.path("netmask").asText()).append(" (")
                        .append(a.path("scope").asText()).append(")\n");
            }
        }
    }

    private static void line(StringBuilder sb, String label, String value) {
        if (!value.isEmpty()) {
            sb.append("      ").append(label).append(": ").append(value).append('\n');
        }
    }

    /** The text of {@code jlxc info NAME --checkpoint}: the checkpointability report. */
    static String checkpoint(JsonNode report) {
        StringBuilder sb = new StringBuilder();
        sb.append("Checkpointable: ").append(report.path("checkpointable").asBoolean(false) ? "yes" : "no");
        sb.append(report.path("probed").asBoolean(false) ? " (trial dump made)" : "").append('\n');
        for (JsonNode b : report.path("blockers")) {
            sb.append("- ").append(b.path("reason").asText()).append('\n');
            sb.append("  hint: ").append(b.path("hint").asText()).append('\n');
        }
        return sb.toString();
    }
}
