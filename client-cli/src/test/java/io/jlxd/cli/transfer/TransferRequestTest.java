package io.jlxd.cli.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.CliException;
import io.jlxd.cli.remote.RemoteConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferRequestTest {
    @TempDir
    Path tmp;
    RemoteConfig remotes;

    @BeforeEach
    void twoRemotes() throws Exception {
        remotes = RemoteConfig.load(tmp.resolve("jlxc"));
        remotes.put("host2", new RemoteConfig.Remote("https://127.0.0.2:8443", "lxd", "tls", false));
    }

    private static TransferRequest.Flags flags() {
        return new TransferRequest.Flags(null, false, false, false, null, null, null, false);
    }

    private static TransferRequest.Flags mode(String mode) {
        return new TransferRequest.Flags(mode, false, false, false, null, null, null, false);
    }

    private TransferRequest move(String src, String dst) {
        return TransferRequest.parse(remotes, src, dst, flags(), true);
    }

    private String error(Runnable r) {
        return assertThrows(CliException.class, r::run).getMessage();
    }

    @Test
    void betweenRemotesTheNameDefaultsToTheSourceName() {
        TransferRequest r = move("c1", "host2:");
        assertEquals("local", r.sourceRemote());
        assertEquals("c1", r.sourceName());
        assertEquals("host2", r.destRemote());
        assertEquals("c1", r.destName());
        assertTrue(r.betweenRemotes());
        assertEquals(TransferRequest.Mode.PULL, r.mode());
        assertEquals("local:c1", r.sourceLabel());
        assertEquals("host2:c1", r.destLabel());

        TransferRequest back = move("host2:c1", "local:c9");
        assertEquals("host2", back.sourceRemote());
        assertEquals("local", back.destRemote());
        assertEquals("c9", back.destName());
    }

    @Test
    void aLocalMoveIsARenameAndRefusesOverrides() {
        TransferRequest r = move("c1", "c2");
        assertFalse(r.betweenRemotes());
        assertEquals("c2", r.destName());
        String e = error(() -> TransferRequest.parse(remotes, "c1", "c2",
                new TransferRequest.Flags(null, false, false, false, List.of("user.a=1"), null, null, false), true));
        assertTrue(e.contains("Can't override configuration or profiles in local rename"), e);
        assertTrue(error(() -> move("c1", "local:")).contains("destination instance name"));
    }

    @Test
    void snapshotsAreSplitAndChecked() {
        TransferRequest r = TransferRequest.parse(remotes, "c1/snap0", "host2:", flags(), false);
        assertEquals("c1", r.sourceName());
        assertEquals("snap0", r.snapshot());
        assertEquals("c1", r.destName(), "the instance's name, without the snapshot");
        assertEquals("local:c1/snap0", r.sourceLabel());
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1/snap0", "host2:",
                new TransferRequest.Flags(null, false, true, false, null, null, null, false), false)).contains("--instance-only"));
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1/snap0", "host2:",
                new TransferRequest.Flags(null, false, false, true, null, null, null, false), false)).contains("--refresh"));
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1/", "host2:", flags(), false)).contains("Invalid source"));
        assertNull(TransferRequest.parse(remotes, "c1", null, flags(), false).snapshot());
    }

    @Test
    void modes() {
        assertEquals(TransferRequest.Mode.PUSH, TransferRequest.parse(remotes, "c1", "host2:", mode("push"), true).mode());
        assertEquals(TransferRequest.Mode.RELAY, TransferRequest.parse(remotes, "c1", "host2:", mode("relay"), false).mode());
        assertEquals("relay", TransferRequest.Mode.RELAY.wire());
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1", "host2:", mode("carrier-pigeon"), true))
                .contains("Invalid transfer mode \"carrier-pigeon\""));
    }

    @Test
    void overridesAreParsedLikeLxc() {
        TransferRequest r = TransferRequest.parse(remotes, "c1", "host2:c2", new TransferRequest.Flags(null, false, false,
                false, List.of("limits.cpu=2", "user.empty="), List.of("root,size=2GiB", "eth0,hwaddr=00:16:3e:00:00:01",
                "root,pool=fast"), List.of("default", "web"), false), false);
        assertEquals(Map.of("limits.cpu", "2", "user.empty", ""), r.config());
        assertEquals(Map.of("size", "2GiB", "pool", "fast"), r.devices().get("root"));
        assertEquals(Map.of("hwaddr", "00:16:3e:00:00:01"), r.devices().get("eth0"));
        assertEquals(List.of("default", "web"), r.profiles());
        assertNull(TransferRequest.parse(remotes, "c1", "host2:", flags(), false).profiles(), "not given: the source's");
        assertEquals(List.of(), TransferRequest.parse(remotes, "c1", "host2:",
                new TransferRequest.Flags(null, false, false, false, null, null, null, true), false).profiles());

        assertTrue(error(() -> TransferRequest.parse(remotes, "c1", "host2:", new TransferRequest.Flags(null, false,
                false, false, List.of("novalue"), null, null, false), false)).contains("Bad key=value pair"));
        for (String bad : List.of("root", "root,size", ",size=1", "root,=1")) {
            assertTrue(error(() -> TransferRequest.parse(remotes, "c1", "host2:", new TransferRequest.Flags(null, false,
                    false, false, null, List.of(bad), null, false), false)).contains("Bad device override syntax"), bad);
        }
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1", "host2:", new TransferRequest.Flags(null, false,
                false, true, null, null, null, true), false)).contains("--no-profiles cannot be used with --refresh"));
        assertTrue(error(() -> TransferRequest.parse(remotes, "c1", "host2:", new TransferRequest.Flags(null, false,
                false, true, null, null, null, false), true)).contains("--refresh is for copies"));
    }

    @Test
    void unknownRemotesAndMissingNames() {
        assertTrue(error(() -> move("nowhere:c1", "host2:")).contains("The remote \"nowhere\" doesn't exist"));
        assertTrue(error(() -> move("host2:", "local:")).contains("source instance name"));
    }
}
