package io.jlxd.daemon.instance.driver;

/**
 * The id mapping of an unprivileged container: container uids and gids {@code 0..size-1} are host ids
 * {@code base..base+size-1} (the same range for users and groups, as in {@code lxc.idmap = u 0 base size} and
 * {@code g 0 base size}). The range must lie inside root's subordinate ranges ({@code /etc/subuid},
 * {@code /etc/subgid}); the daemon allocates it.
 *
 * @param base first host id, &gt; 0
 * @param size number of ids, at least 1 (65536 gives a full 16-bit id space inside)
 */
public record IdMap(long base, long size) {
    /** The usual map of this host: {@code root:1000000:...} with a 16-bit range. */
    public static final IdMap DEFAULT = new IdMap(1_000_000, 65_536);

    public IdMap {
        if (base <= 0 || base > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("idmap base must be in 1..4294967294: " + base);
        }
        if (size < 1 || base + size > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("idmap size must be >= 1 and base+size must stay below 2^32-1: " + size);
        }
    }

    /** The host id of container id {@code id}, which must be in {@code 0..size-1}. */
    public long toHost(long id) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("container id " + id + " is outside the map 0.." + (size - 1));
        }
        return base + id;
    }
}
