package io.jlxd.daemon.exec;

import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import java.util.Optional;

/** Exec targets from the instances service: the container has the instance's name; config is the expanded one. */
public final class InstanceExecTargets implements ExecTargets {
    private final InstanceManager instances;

    public InstanceExecTargets(InstanceManager instances) {
        this.instances = instances;
    }

    @Override
    public Optional<Target> find(String name) {
        try {
            // not view(): it asks liblxc for the state, which the exec route does itself
            var row = instances.row(name);
            return Optional.of(new Target(io.jlxd.daemon.project.ProjectKeys.name(row.name()), instances.expandedConfig(row)));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
