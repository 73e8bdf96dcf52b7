package io.jlxd.storage.image;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One member of a tar archive, as {@link TarReader} decoded it (ustar, GNU long names and pax headers merged).
 *
 * <p>Names are <em>byte strings</em>: every char is one byte of the name as stored (ISO-8859-1 decoding), so
 * that file names that are not UTF-8 survive extraction unchanged. Use {@link #display(String)} to show one.
 *
 * @param name      member path as stored (byte string), e.g. "rootfs/etc/passwd" or "./metadata.yaml"
 * @param type      entry type
 * @param mode      permission bits including setuid, setgid and sticky (07777)
 * @param uid       numeric owner (user and group names are ignored, like LXD's --numeric-owner)
 * @param gid       numeric group
 * @param size      bytes of data that follow the header (0 for links, directories and devices)
 * @param mtime     modification time, seconds since the epoch
 * @param mtimeNanos nanoseconds part of the modification time (pax headers only)
 * @param linkName  symlink target or hardlink target (byte string), "" for other types
 * @param devMajor  device major number (character and block devices)
 * @param devMinor  device minor number
 * @param xattrs    extended attributes from pax {@code SCHILY.xattr.*} records: name to raw value
 * @param offset    offset of the entry's header in the (uncompressed) archive, for messages
 */
public record TarEntry(String name, Type type, int mode, long uid, long gid, long size, long mtime,
        int mtimeNanos, String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs, long offset) {

    public enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO;

        /** Character devices, block devices and fifos. */
        public boolean isSpecial() {
            return this == CHAR_DEVICE || this == BLOCK_DEVICE || this == FIFO;
        }

        public String label() {
            return switch (this) {
                case FILE -> "regular file";
                case DIRECTORY -> "directory";
                case SYMLINK -> "symlink";
                case HARDLINK -> "hardlink";
                case CHAR_DEVICE -> "character device";
                case BLOCK_DEVICE -> "block device";
                case FIFO -> "fifo";
            };
        }
    }

    public TarEntry {
        xattrs = Map.copyOf(xattrs);
    }

    /** A byte string (see above) shown as UTF-8 text, for messages. */
    public static String display(String byteString) {
        return new String(byteString.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return type.label() + " " + display(name) + (linkName.isEmpty() ? "" : " -> " + display(linkName));
    }
}
