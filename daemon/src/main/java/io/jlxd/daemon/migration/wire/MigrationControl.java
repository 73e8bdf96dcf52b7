package io.jlxd.daemon.migration.wire;

/** LXD's {@code MigrationControl}: the end of a migration, success or failure with a message. */
public record MigrationControl(boolean success, String message) {
    public byte[] encode() {
        Proto.Writer w = new Proto.Writer().bool(1, success);
        if (message != null && !message.isEmpty()) {
            w.string(2, message);
        }
        return w.toBytes();
    }

    public static MigrationControl decode(byte[] data) {
        Boolean success = null;
        String message = "";
        for (Proto.Field f : Proto.read(data)) {
            if (f.number() == 1 && f.type() == Proto.VARINT) {
                success = f.bool();
            } else if (f.number() == 2 && f.type() == Proto.LEN) {
                message = f.string();
            }
        }
        if (success == null) {
            throw new IllegalArgumentException("MigrationControl without its required field \"success\"");
        }
        return new MigrationControl(success, message);
    }

    /**
     * Whether a control message is a {@code MigrationControl} rather than a {@code MigrationHeader}: LXD sends a
     * failure where a header is expected, and both start with field 1 as a varint; a control message has only
     * fields 1 and 2 (a string), a header's field 2 is a varint (the CRIU type) and a header has more fields (jlxd's
     * always carries its rsync features, field 8).
     */
    public static boolean looksLikeControl(byte[] data) {
        try {
            boolean sawSuccess = false;
            for (Proto.Field f : Proto.read(data)) {
                if (f.number() == 1 && f.type() == Proto.VARINT) {
                    sawSuccess = true;
                } else if (!(f.number() == 2 && f.type() == Proto.LEN)) {
                    return false;
                }
            }
            return sawSuccess;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
