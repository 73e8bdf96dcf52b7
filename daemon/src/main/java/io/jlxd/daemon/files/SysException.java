package io.jlxd.daemon.files;

import java.io.IOException;

/** A failed system call: its errno, name and the path it was given (if any). */
public final class SysException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    SysException(int errno, String op, String path) {
        super(op + (path == null ? "" : " \"" + path + "\"") + ": " + io.jlxd.daemon.util.Ffm.strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
