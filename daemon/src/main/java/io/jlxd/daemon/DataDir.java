package io.jlxd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon's data directory and its exclusive lock: one daemon per directory. The lock is an fcntl lock on
 * {@code jlxd.lock}, released by the kernel when the process dies, so a crash never leaves a stale lock.
 */
public final class DataDir implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Thrown when another daemon holds the directory. */
    public static final class AlreadyRunningException extends Exception {
        AlreadyRunningException(String message) {
            super(message);
        }
    }

    public static DataDir lock(Path root) throws IOException, AlreadyRunningException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Path lockFile = root.resolve("jlxd.lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            String pid = new String(Files.readAllBytes(lockFile), StandardCharsets.US_ASCII).trim();
            ch.close();
            throw new AlreadyRunningException("jlxd is already running on " + root + (pid.isEmpty() ? "" : " (pid " + pid + ")"));
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        ch.force(true);
        Files.createDirectories(root.resolve("logs"));
        return new DataDir(root, ch, lock);
    }

    public Path root() {
        return root;
    }

    public Path socket() {
        return root.resolve("unix.socket");
    }

    public Path database() {
        return root.resolve("database").resolve("local.db");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }
}
