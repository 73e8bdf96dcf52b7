package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one action over several instances like lxc: each in turn; with one instance its error is the error, with
 * several every failure is printed ("NAME: message") and the command fails at the end.
 */
final class StateAction {
    /** The work for one instance. */
    interface PerInstance {
        void run(String name) throws IOException;
    }

    private StateAction() {
    }

    static void forEach(CliContext ctx, List<String> names, String verb, PerInstance action) throws IOException {
        if (names.size() == 1) {
            action.run(names.getFirst());
            return;
        }
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            try {
                action.run(name);
            } catch (IOException | CliException e) {
                ctx.err().println("Error: " + name + ": " + e.getMessage());
                failed.add(name);
            }
        }
        if (!failed.isEmpty()) {
            throw new CliException("Some instances failed to " + verb + ": " + String.join(", ", failed));
        }
    }
}
