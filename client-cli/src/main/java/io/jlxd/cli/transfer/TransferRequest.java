package io.jlxd.cli.transfer;

import io.jlxd.cli.CliException;
import io.jlxd.cli.remote.RemoteConfig;
import io.jlxd.cli.remote.Remotes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code jlxc copy} or {@code jlxc move} was asked, checked the way lxc checks it: {@code [REMOTE:]SOURCE[/SNAP]}
 * and {@code [REMOTE:][DEST]}, the transfer mode, and the overrides ({@code -c KEY=VALUE}, {@code -d DEVICE,KEY=VALUE},
 * {@code -p PROFILE}, {@code --no-profiles}). Pure: no server is asked.
 */
public record TransferRequest(String sourceRemote, String sourceName, String snapshot, String destRemote,
                              String destName, Mode mode, boolean move, boolean stateless, boolean instanceOnly,
                              boolean refresh, Map<String, String> config, Map<String, Map<String, String>> devices,
                              List<String> profiles, boolean noProfiles) {

    /** LXD's transfer modes: who dials whom for the migration websockets. */
    public enum Mode {
        /** The target connects to the source's operation (the source must listen on the network). */
        PULL,
        /** The source connects to the target's operation (the target must listen on the network). */
        PUSH,
        /** The client connects to both operations and copies the frames between them. */
        RELAY;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode parse(String raw) {
            if (raw == null || raw.isEmpty()) {
                return PULL;
            }
            return switch (raw) {
                case "pull" -> PULL;
                case "push" -> PUSH;
                case "relay" -> RELAY;
                default -> throw new CliException("Invalid transfer mode \"" + raw + "\" (pull, push or relay)");
            };
        }
    }

    /** The flags as given on the command line (null lists: not given). */
    public record Flags(String mode, boolean stateless, boolean instanceOnly, boolean refresh, List<String> config,
                        List<String> devices, List<String> profiles, boolean noProfiles) {
    }

    /** Between two remotes (a migration) rather than on one daemon (rename or local copy). */
    public boolean betweenRemotes() {
        return !sourceRemote.equals(destRemote);
    }

    /** The source as lxc names it in messages: {@code remote:name[/snap]}. */
    public String sourceLabel() {
        return sourceRemote + ":" + sourceName + (snapshot == null ? "" : "/" + snapshot);
    }

    public String destLabel() {
        return destRemote + ":" + destName;
    }

    /**
     * Parses and checks {@code copy}/{@code move} arguments. {@code dest} may be null (copy: the server picks a
     * name; move: required) or {@code REMOTE:} (the source's name on that remote).
     */
    public static TransferRequest parse(RemoteConfig remotes, String source, String dest, Flags flags, boolean move) {
        Remotes.Ref src = Remotes.parse(remotes, source);
        if (src.name().isEmpty()) {
            throw new CliException("You must specify a source instance name");
        }
        String sourceName = src.name();
        String snapshot = null;
        int slash = sourceName.indexOf('/');
        if (slash >= 0) {
            snapshot = sourceName.substring(slash + 1);
            sourceName = sourceName.substring(0, slash);
            if (sourceName.isEmpty() || snapshot.isEmpty() || snapshot.contains("/")) {
                throw new CliException("Invalid source \"" + source + "\" (INSTANCE or INSTANCE/SNAPSHOT)");
            }
        }
        String destRemote = src.remote();
        String destName = "";
        if (dest != null) {
            Remotes.Ref d = Remotes.parse(remotes, dest);
            destRemote = d.remote();
            destName = d.name();
        }
        if (destName.isEmpty() && dest != null && !destRemote.equals(src.remote())) {
            destName = sourceName; // lxc: to another remote, the source's name (without its snapshot) by default
        }
        if (destName.isEmpty() && move) {
            throw new CliException("You must specify a destination instance name");
        }
        Mode mode = Mode.parse(flags.mode());
        if (flags.refresh() && flags.noProfiles()) {
            throw new CliException("--no-profiles cannot be used with --refresh");
        }
        if (snapshot != null && flags.instanceOnly()) {
            throw new CliException("--instance-only can't be passed when the source is a snapshot");
        }
        if (snapshot != null && flags.refresh()) {
            throw new CliException("--refresh can only be used with instances");
        }
        if (move && flags.refresh()) {
            throw new CliException("--refresh is for copies (jlxc copy --refresh), not moves");
        }
        if (flags.profiles() != null && !flags.profiles().isEmpty() && flags.noProfiles()) {
            throw new CliException("--profile and --no-profiles cannot be used together");
        }
        Map<String, String> config = keyValues(flags.config());
        Map<String, Map<String, String>> devices = deviceOverrides(flags.devices());
        boolean sameRemote = destRemote.equals(src.remote());
        if (move && sameRemote) {
            if (!config.isEmpty() || !devices.isEmpty() || flags.profiles() != null || flags.noProfiles()) {
                throw new CliException("Can't override configuration or profiles in local rename");
            }
        }
        List<String> profiles = flags.noProfiles() ? List.of() : flags.profiles() == null ? null : List.copyOf(flags.profiles());
        return new TransferRequest(src.remote(), sourceName, snapshot, destRemote, destName, mode, move,
                flags.stateless(), flags.instanceOnly(), flags.refresh(), config, devices, profiles, flags.noProfiles());
    }

    /** {@code KEY=VALUE} pairs, in order. */
    static Map<String, String> keyValues(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (pairs != null) {
            for (String kv : pairs) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("Bad key=value pair: \"" + kv + "\"");
                }
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return out;
    }

    /** lxc's {@code -d DEVICE,KEY=VALUE} overrides, grouped by device. */
    static Map<String, Map<String, String>> deviceOverrides(List<String> entries) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (entries != null) {
            for (String entry : entries) {
                int comma = entry.indexOf(',');
                int eq = entry.indexOf('=', comma + 1);
                if (comma <= 0 || eq <= comma + 1) {
                    throw new CliException("Bad device override syntax, expecting <device>,<key>=<value>: " + entry);
                }
                out.computeIfAbsent(entry.substring(0, comma), k -> new LinkedHashMap<>())
                        .put(entry.substring(comma + 1, eq), entry.substring(eq + 1));
            }
        }
        return out;
    }
}
