package io.jlxd.daemon.exec;

import java.util.Map;
import java.util.Optional;

/**
 * Finds the container behind an instance name for exec, logs and console: its LXC container name and its
 * expanded config (for {@code environment.*}). {@link InstanceExecTargets} answers from the instances service.
 */
@FunctionalInterface
public interface ExecTargets {
    record Target(String container, Map<String, String> config) {
    }

    Optional<Target> find(String instance);
}
