package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of {@code jlxc list}, by lxc's one-letter codes (default {@code ns46tS}): n name, s state,
 * 4/6 addresses, t type, S snapshots, a architecture, c created, d description, l last used, p PID,
 * P profiles, N processes, m memory usage, u CPU usage. Cells are computed from {@code recursion=2} objects.
 */
final class InstanceColumns {
    static final String DEFAULT = "ns46tS";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm 'UTC'");

    private InstanceColumns() {
    }

    /** The column codes of a {@code -c} value; commas are allowed (lxc accepts "n,s,4"). */
    static List<Character> parse(String spec) {
        List<Character> columns = new ArrayList<>();
        for (char c : spec.replace(",", "").toCharArray()) {
            if ("ens46tSacdlpPNmu".indexOf(c) < 0) {
                throw new CliException("Invalid column \"" + c + "\" in \"" + spec + "\"");
            }
            columns.add(c);
        }
        if (columns.isEmpty()) {
            throw new CliException("No columns given");
        }
        return columns;
    }

    static String header(char c) {
        return switch (c) {
            case 'e' -> "PROJECT";
            case 'n' -> "NAME";
            case 's' -> "STATE";
            case '4' -> "IPV4";
            case '6' -> "IPV6";
            case 't' -> "TYPE";
            case 'S' -> "SNAPSHOTS";
            case 'a' -> "ARCHITECTURE";
            case 'c' -> "CREATED AT";
            case 'd' -> "DESCRIPTION";
            case 'l' -> "LAST USED AT";
            case 'p' -> "PID";
            case 'P' -> "PROFILES";
            case 'N' -> "PROCESSES";
            case 'm' -> "MEMORY USAGE";
            case 'u' -> "CPU USAGE";
            default -> throw new IllegalArgumentException("column " + c);
        };
    }

    static String cell(char c, JsonNode inst) {
        JsonNode state = inst.path("state");
        boolean running = isRunning(inst);
        return switch (c) {
            case 'e' -> inst.path("project").asText("default");
            case 'n' -> inst.path("name").asText("");
            case 's' -> inst.path("status").asText("").toUpperCase(Locale.ROOT);
            case '4' -> running ? addresses(state.path("network"), "inet") : "";
            case '6' -> running ? addresses(state.path("network"), "inet6") : "";
            case 't' -> type(inst);
            case 'S' -> Integer.toString(inst.path("snapshots").isArray() ? inst.path("snapshots").size() : 0);
            case 'a' -> inst.path("architecture").asText("");
            case 'c' -> date(inst.path("created_at").asText(""));
            case 'd' -> inst.path("description").asText("");
            case 'l' -> date(inst.path("last_used_at").asText(""));
            case 'p' -> running ? state.path("pid").asText("") : "";
            case 'P' -> String.join("\n", strings(inst.path("profiles")));
            case 'N' -> running ? state.path("processes").asText("") : "";
            case 'm' -> running && state.path("memory").has("usage")
                    ? Bytes.iec(state.path("memory").path("usage").asLong()) : "";
            case 'u' -> running && state.path("cpu").has("usage")
                    ? (state.path("cpu").path("usage").asLong() / 1_000_000_000L) + "s" : "";
            default -> throw new IllegalArgumentException("column " + c);
        };
    }

    static boolean isRunning(JsonNode inst) {
        String status = inst.path("status").asText("");
        return status.equalsIgnoreCase("Running") || status.equalsIgnoreCase("Frozen");
    }

    static String type(JsonNode inst) {
        String type = inst.path("type").asText("container").toUpperCase(Locale.ROOT).replace('-', '_');
        return inst.path("ephemeral").asBoolean(false) ? type + " (EPHEMERAL)" : type;
    }

    /** lxc's address cell: "ADDRESS (IFACE)" per global address of the family, loopback left out, sorted. */
    static String addresses(JsonNode network, String family) {
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = network.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> nic = it.next();
            if (nic.getKey().equals("lo") || nic.getValue().path("type").asText("").equals("loopback")) {
                continue;
            }
            for (JsonNode addr : nic.getValue().path("addresses")) {
                String scope = addr.path("scope").asText("global");
                if (family.equals(addr.path("family").asText()) && !scope.equals("link")
                        && !scope.equals("local")) {
                    lines.add(addr.path("address").asText() + " (" + nic.getKey() + ")");
                }
            }
        }
        lines.sort(null);
        return String.join("\n", lines);
    }

    /** An API timestamp as lxc shows it (UTC); "" for none or the zero time. */
    static String date(String text) {
        if (text.isEmpty() || text.startsWith("0001-01-01")) {
            return "";
        }
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).format(DATE);
        } catch (RuntimeException e) {
            return text;
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
