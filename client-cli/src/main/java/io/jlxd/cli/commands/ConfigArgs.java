package io.jlxd.cli.commands;

import io.jlxd.cli.CliException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The arguments of {@code config set}, read like lxc does: {@code KEY VALUE}, or {@code KEY=VALUE...}, optionally
 * preceded by an instance name. The first argument is taken as the target unless every argument is
 * {@code KEY=VALUE}, it looks like a config key (contains a dot), or there are exactly two arguments without
 * {@code =}. A value of {@code -} is read from stdin when stdin is not a terminal.
 *
 * @param target instance name, or null for the server
 * @param keys   keys and values in argument order
 */
public record ConfigArgs(String target, Map<String, String> keys) {

    public static ConfigArgs parse(List<String> args, Supplier<String> stdin) {
        if (args.isEmpty()) {
            throw new CliException("Missing key to set");
        }
        boolean onlyKeyValue = args.stream().allMatch(a -> a.contains("="));
        boolean hasKeyValue = args.stream().anyMatch(a -> a.contains("="));
        boolean server = onlyKeyValue || looksLikeKey(args.getFirst()) || (args.size() == 2 && !hasKeyValue);
        if (server) {
            return new ConfigArgs(null, keyValues(args, stdin));
        }
        return new ConfigArgs(args.getFirst(), keyValues(args.subList(1, args.size()), stdin));
    }

    /** lxc's getConfig: {@code KEY VALUE} or a list of {@code KEY=VALUE}; null stdin means a terminal. */
    static Map<String, String> keyValues(List<String> args, Supplier<String> stdin) {
        Map<String, String> values = new LinkedHashMap<>();
        if (args.size() == 2 && !args.getFirst().contains("=")) {
            values.put(args.getFirst(), valueOrStdin(args.get(1), stdin));
            return values;
        }
        if (args.isEmpty()) {
            throw new CliException("Missing key to set");
        }
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new CliException("Invalid key=value configuration: " + arg);
            }
            values.put(arg.substring(0, eq), valueOrStdin(arg.substring(eq + 1), stdin));
        }
        return values;
    }

    private static boolean looksLikeKey(String arg) {
        String key = arg.substring(arg.indexOf(':') + 1);
        return key.contains(".");
    }

    private static String valueOrStdin(String value, Supplier<String> stdin) {
        if (value.equals("-") && stdin != null) {
            return stdin.get();
        }
        return value;
    }
}
