package io.jlxd.storage;

/**
 * The open(2) flags whose values differ between the architectures jlxd runs on (x86_64, aarch64), for every module
 * that makes file system calls through FFM.
 */
public final class OpenFlags {
    public static final int O_DIRECTORY;
    public static final int O_NOFOLLOW;

    static {
        switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> {
                O_DIRECTORY = 0x10000;
                O_NOFOLLOW = 0x20000;
            }
            case "aarch64", "arm64" -> {
                O_DIRECTORY = 0x4000;
                O_NOFOLLOW = 0x8000;
            }
            default -> throw new ExceptionInInitializerError("unsupported architecture " + System.getProperty("os.arch"));
        }
    }

    private OpenFlags() {
    }
}
