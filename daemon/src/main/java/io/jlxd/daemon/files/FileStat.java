package io.jlxd.daemon.files;

/** What statx(2) reports of an inode (host ids; {@code mode} with the type bits). */
public record FileStat(int mode, long uid, long gid, long size, long mtimeSeconds) {
    static final int S_IFMT = 0170000;

    public int type() {
        return mode & S_IFMT;
    }

    public boolean isDir() {
        return type() == Sys.S_IFDIR;
    }

    public boolean isRegular() {
        return type() == Sys.S_IFREG;
    }

    public boolean isSymlink() {
        return type() == Sys.S_IFLNK;
    }

    /** Permission bits with setuid, setgid and sticky. */
    public int permissions() {
        return mode & 07777;
    }
}
