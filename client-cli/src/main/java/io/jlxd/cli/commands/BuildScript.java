package io.jlxd.cli.commands;

import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds scripts/images/build-image.sh: {@code $JLXC_BUILD_IMAGE}, else walking up from the directory of jlxc.jar
 * (installed layout: the scripts next to the launcher's lib directory; source tree: client-cli/target/../../scripts).
 */
final class BuildScript {
    static final String RELATIVE = "scripts/images/build-image.sh";

    private BuildScript() {
    }

    static Path locate(CliContext ctx) {
        String env = ctx.env("JLXC_BUILD_IMAGE");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new CliException("JLXC_BUILD_IMAGE=" + env + " is not an executable file");
        }
        try {
            Path dir = Path.of(BuildScript.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().getParent();
            for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
                Path candidate = dir.resolve(RELATIVE);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        throw new CliException("Cannot find " + RELATIVE + " (set JLXC_BUILD_IMAGE to its path)");
    }
}
