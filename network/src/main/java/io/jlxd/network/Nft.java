package io.jlxd.network;

import java.io.IOException;
import java.util.List;

/** Applies and removes the nftables table of a managed bridge with the {@code nft} tool. */
public final class Nft {
    private Nft() {
    }

    /** Replaces the bridge's table with {@code rules} in one transaction. */
    public static void apply(NftRules rules) throws IOException {
        Cmd.run(rules.render(), List.of("nft", "-f", "-"));
    }

    /** Deletes the bridge's table if it exists. */
    public static void delete(String bridge) throws IOException {
        if (exists(bridge)) {
            Cmd.run("nft", "delete", "table", "inet", NftRules.table(bridge));
        }
    }

    public static boolean exists(String bridge) {
        try {
            Cmd.run("nft", "list", "table", "inet", NftRules.table(bridge));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
