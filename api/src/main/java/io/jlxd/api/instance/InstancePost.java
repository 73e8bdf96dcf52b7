package io.jlxd.api.instance;

/** Body of {@code POST /1.0/instances/{name}}: rename (migration fields come with live migration). */
public record InstancePost(String name, Boolean migration, Boolean live, Boolean instanceOnly, Boolean containerOnly,
                           Object target, String pool, String project, Boolean allowInconsistent, String downtimeMax) {
    /** LXD's fields only. */
    public InstancePost(String name, Boolean migration, Boolean live, Boolean instanceOnly, Boolean containerOnly,
                        Object target, String pool, String project, Boolean allowInconsistent) {
        this(name, migration, live, instanceOnly, containerOnly, target, pool, project, allowInconsistent, null);
    }

    /** LXD's fields (lxc sends them zero-valued) whose feature jlxd does not have: the first one set, or null. */
    public String unsupported() {
        return target != null ? "target" : pool != null && !pool.isEmpty() ? "pool"
                : project != null && !project.isEmpty() && !project.equals("default") ? "project"
                : Boolean.TRUE.equals(allowInconsistent) ? "allow_inconsistent" : null;
    }
}
