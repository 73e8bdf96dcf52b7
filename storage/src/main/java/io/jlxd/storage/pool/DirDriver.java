package io.jlxd.storage.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Plain directories. Snapshots and copies are {@code cp -a --reflink=auto} (owners, modes, hardlinks, xattrs incl.
 * file capabilities and ACLs kept; copy-on-write clones where the file system offers them). No quotas.
 */
public final class DirDriver extends AbstractPoolDriver {
    public DirDriver(Path root) {
        super(root);
    }

    @Override
    public String name() {
        return "dir";
    }

    @Override
    public void create() throws IOException {
        layout();
    }

    @Override
    public void mount() throws IOException {
        layout();
        cleanLeftovers();
    }

    @Override
    public void unmount() {
    }

    @Override
    public void delete() throws IOException {
        if (Files.isDirectory(root)) {
            Cmd.run("rm", "-rf", "--one-file-system", "--", root.toString());
        }
    }

    @Override
    void makeEmpty(Path path) throws IOException {
        Files.createDirectory(path);
    }

    @Override
    void clone(Path src, Path dst, boolean readOnly) throws IOException {
        Cmd.run("cp", "-a", "--reflink=auto", "--no-target-directory", "--", src.toString(), dst.toString());
    }

    @Override
    void remove(Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Cmd.run("rm", "-rf", "--one-file-system", "--", path.toString());
        }
    }

    @Override
    public void setQuota(VolumeType type, String name, long bytes) throws IOException {
        if (bytes > 0) {
            throw new UnsupportedOperationException("The dir storage driver does not support size quotas (use a btrfs pool)");
        }
    }

    @Override
    public boolean supportsQuotas() {
        return false;
    }

    @Override
    public long usage(VolumeType type, String name) {
        return -1;
    }

    @Override
    public void send(VolumeType type, String volume, String snap, OutputStream out) throws IOException {
        Path src = snap == null ? volumePath(type, volume) : snapshotPath(type, volume, snap);
        Streams.pipeOut(List.of("tar", "--create", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls",
                "--sparse", "-C", src.toString(), "."), out);
    }

    @Override
    public void receive(VolumeType type, String name, InputStream in) throws IOException {
        createVolumeFrom(type, name, target -> {
            Files.createDirectory(target);
            Streams.pipeIn(List.of("tar", "--extract", "--numeric-owner", "--same-permissions", "--xattrs",
                    "--xattrs-include=*", "--acls", "-C", target.toString()), in);
        });
    }
}
