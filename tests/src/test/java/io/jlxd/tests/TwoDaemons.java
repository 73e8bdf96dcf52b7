package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

/**
 * Two daemons of the live-migration tests on one bridge segment: {@code a} and {@code b}, each with HTTPS on a free
 * loopback port; a client ({@code c}) on {@code a}'s socket ("local:") with {@code b} added as remote {@code b:} by a
 * trust token; and a {@link SharedSegment} (a bridge and a client network namespace) both daemons' containers can
 * join. {@link #close} removes everything, in order, each step even when an earlier one failed; a set-up that fails
 * half way removes what it made.
 */
final class TwoDaemons implements AutoCloseable {
    final SharedSegment seg;
    final JlxdDaemon a;
    final JlxdDaemon b;
    final RemoteCli c;

    private TwoDaemons(SharedSegment seg, JlxdDaemon a, JlxdDaemon b, RemoteCli c) {
        this.seg = seg;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    /** {@code prefix}: the segment's host-global names; {@code trustName}: the name of the client's certificate on b. */
    static TwoDaemons start(String prefix, String trustName) throws Exception {
        SharedSegment seg = null;
        JlxdDaemon a = null;
        JlxdDaemon b = null;
        RemoteCli c = null;
        try {
            seg = SharedSegment.create(prefix);
            a = JlxdDaemon.start();
            b = JlxdDaemon.start();
            Instances.openTempRoot(a);
            Instances.openTempRoot(b);
            for (JlxdDaemon d : List.of(a, b)) {
                Jlxc.Result set = Jlxc.run(d.dataDir(), "config", "set", "core.https_address", "127.0.0.1:" + HttpsListenerTest.freePort());
                assertEquals(0, set.exitCode(), set::toString);
            }
            RemoteCli onB = RemoteCli.fresh(b.dataDir());
            String token;
            try {
                token = onB.ok("config", "trust", "add", "--name", trustName, "-q").stdout().strip();
            } finally {
                onB.delete();
            }
            c = RemoteCli.fresh(a.dataDir());
            c.ok("remote", "add", "b", token);
            return new TwoDaemons(seg, a, b, c);
        } catch (Exception | Error e) {
            try {
                new TwoDaemons(seg, a, b, c).close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Imports {@code image} under {@code alias} on both daemons. */
    void importOnBoth(Path image, String alias) {
        for (String remote : List.of("local:", "b:")) {
            c.ok("image", "import", image.toString(), remote, "--alias", alias);
        }
    }

    @Override
    public void close() throws Exception {
        Teardown.inOrder(() -> {
            if (c != null) {
                c.deleteAllInstances("local:", "b:");
            }
        }, () -> {
            if (a != null) {
                a.close();
            }
        }, () -> {
            if (b != null) {
                b.close();
            }
        }, () -> {
            if (c != null) {
                c.delete();
            }
        }, () -> {
            if (seg != null) {
                seg.close();
            }
        });
    }
}
