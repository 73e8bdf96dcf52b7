package io.jlxd.api.instance;

/** Body of {@code PUT /1.0/instances/{name}/state}: start, stop, restart, freeze or unfreeze. */
public record InstanceStatePut(String action, Integer timeout, Boolean force, Boolean stateful) {
    public static final java.util.Set<String> ACTIONS = java.util.Set.of("start", "stop", "restart", "freeze", "unfreeze");
}
