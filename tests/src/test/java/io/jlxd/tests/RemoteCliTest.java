package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jlxc with remotes, end to end on two daemons: {@code daemon} ("host2", HTTPS on a free loopback port) and
 * {@code home} (the client's {@code local} remote). Every test has its own client configuration directory, so its
 * own client certificate and trust.
 */
@Timeout(600)
class RemoteCliTest extends DaemonTestBase {
    static JlxdDaemon home;
    static int port;
    static String serverFingerprint;

    @BeforeAll
    static void twoDaemons() throws Exception {
        Instances.openTempRoot(daemon);
        port = HttpsListenerTest.freePort();
        Response r = given().contentType(ContentType.JSON)
                .body(configBody(Map.of("core.https_address", "127.0.0.1:" + port))).when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
        serverFingerprint = server().get("environment").get("certificate_fingerprint").asText();
        home = JlxdDaemon.start();
    }

    @AfterAll
    static void cleanUp() {
        try {
            Instances.cleanup(daemon);
        } finally {
            if (home != null) {
                home.close();
            }
        }
    }

    private static RemoteCli client() {
        return RemoteCli.fresh(home.dataDir());
    }

    /** A trust token issued by host2 through jlxc on host2's own socket: {@code jlxc config trust add --name}. */
    static String token(String name) {
        RemoteCli onHost2 = RemoteCli.fresh(daemon.dataDir());
        try {
            Jlxc.Result r = onHost2.ok("config", "trust", "add", "--name", name, "-q");
            return r.stdout().trim();
        } finally {
            onHost2.delete();
        }
    }

    /** Images on host2 are removed so that each test imports its own. */
    static void deleteImages() {
        for (JsonNode url : json(given().when().get("/1.0/images")).get("metadata")) {
            Instances.await(given().when().delete(url.asText()));
        }
    }

    /** A client with host2 added as "host2" through a token. */
    static RemoteCli withHost2(String clientName) {
        RemoteCli c = client();
        Jlxc.Result r = c.ok("remote", "add", "host2", token(clientName));
        assertTrue(r.stdout().contains("Remote host2 added"), r::toString);
        return c;
    }

    @Test
    void tokenAddsTheRemoteAndPinsTheServer() throws Exception {
        String token = token("laptop");
        JsonNode decoded = JSON.readTree(Base64.getDecoder().decode(token));
        assertEquals(Set.of("client_name", "fingerprint", "addresses", "secret", "expires_at"),
                new TreeSet<>(OperationsApiTest.fieldNames(decoded)), "LXD's token fields");
        assertEquals("laptop", decoded.get("client_name").asText());
        assertEquals(serverFingerprint, decoded.get("fingerprint").asText());
        assertTrue(decoded.get("addresses").toString().contains("127.0.0.1:" + port), decoded::toString);

        RemoteCli c = client();
        try {
            c.ok("remote", "add", "host2", token);
            Path conf = c.conf();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf.resolve("client.key"))));
            X509Certificate pinned = Certificates.parsePem(Files.readString(conf.resolve("servercerts/host2.crt")));
            assertEquals(serverFingerprint, Certificates.fingerprint(pinned));
            X509Certificate mine = Certificates.parsePem(Files.readString(conf.resolve("client.crt")));
            assertEquals(384, ((ECPublicKey) mine.getPublicKey()).getParams().getCurve().getField().getFieldSize(), "EC P-384");
            String yml = Files.readString(conf.resolve("config.yml"));
            assertTrue(yml.contains("default-remote: local") && yml.contains("addr: https://127.0.0.1:" + port), yml);
            // host2 trusts the client certificate under the token's name
            JsonNode certs = json(given().when().get("/1.0/certificates?recursion=1")).get("metadata");
            String fp = Certificates.fingerprint(mine);
            boolean found = false;
            for (JsonNode cert : certs) {
                found |= cert.get("fingerprint").asText().equals(fp) && cert.get("name").asText().equals("laptop");
            }
            assertTrue(found, certs::toString);

            assertTrue(c.ok("remote", "list").stdout().contains("https://127.0.0.1:" + port));
            assertTrue(c.ok("info", "host2:").stdout().contains("auth: trusted"));
            assertEquals("local\n", c.ok("remote", "get-default").stdout());
            // the same token again, from another client: refused, and nothing written
            RemoteCli other = client();
            try {
                other.fails("refused the trust token", "remote", "add", "host2", token);
                assertFalse(Files.exists(other.conf().resolve("config.yml")));
                assertFalse(Files.exists(other.conf().resolve("servercerts/host2.crt")));
            } finally {
                other.delete();
            }
        } finally {
            c.delete();
        }
    }

    @Test
    void instancesFilesAndExecOnTheRemote() throws Exception {
        RemoteCli c = withHost2("instances");
        String name = "rc-c1";
        deleteImages();
        try {
            c.ok("image", "import", Instances.busyboxImage().toString(), "host2:", "--alias", "rbusybox");
            assertTrue(c.ok("image", "list", "host2:").stdout().contains("rbusybox"));
            c.ok("launch", "host2:rbusybox", "host2:" + name);
            String remoteList = c.ok("list", "host2:").stdout();
            assertTrue(remoteList.contains(name) && remoteList.contains("RUNNING"), remoteList);
            assertFalse(c.ok("list").stdout().contains(name), "the local daemon has no such instance");
            assertTrue(c.ok("list", "host2:", "--format", "csv").stdout().startsWith(name + ",RUNNING"));

            // exec: batch, stdin, exit code
            assertTrue(c.ok("exec", "host2:" + name, "--", "uname", "-a").stdout().startsWith("Linux "));
            Jlxc.Result cat = c.runWithInput("piped\ninput\n", "exec", "host2:" + name, "--", "cat");
            assertEquals("piped\ninput\n", cat.stdout(), cat::toString);
            assertEquals(7, c.run("exec", "host2:" + name, "--", "sh", "-c", "exit 7").exitCode());
            // exec interactive, through a pty: the control websocket and the pty websocket over TLS
            Process p = new ProcessBuilder(c.underPty("exec host2:" + name + " -- sh -c 'tty -s && echo IS-TTY; exit 4'"))
                    .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r", "");
            assertEquals(4, p.waitFor(), out);
            assertTrue(out.contains("IS-TTY\n"), out);

            // files in and out
            Path dir = Files.createTempDirectory("rc-files");
            try {
                Path f = Files.writeString(dir.resolve("hello.txt"), "hello over https\n");
                c.ok("file", "push", f.toString(), "host2:" + name + "/tmp/");
                assertEquals("hello over https\n", c.ok("exec", "host2:" + name, "--", "cat", "/tmp/hello.txt").stdout());
                c.ok("file", "pull", "host2:" + name + "/tmp/hello.txt", dir.resolve("back.txt").toString());
                assertEquals("hello over https\n", Files.readString(dir.resolve("back.txt")));
                c.ok("file", "delete", "host2:" + name + "/tmp/hello.txt");
                assertEquals(1, c.run("exec", "host2:" + name, "--", "test", "-e", "/tmp/hello.txt").exitCode());
            } finally {
                JlxdDaemon.deleteTree(dir);
            }

            // other REMOTE: forms
            c.ok("snapshot", "host2:" + name, "s1");
            assertTrue(c.ok("info", "host2:" + name).stdout().contains("s1"));
            c.ok("config", "set", "host2:" + name, "user.where=remote");
            assertEquals("remote\n", c.ok("config", "get", "host2:" + name, "user.where").stdout());
            assertTrue(c.ok("profile", "list", "host2:").stdout().contains("default"));
            assertTrue(c.ok("profile", "show", "host2:default").stdout().contains("devices"));
            c.ok("storage", "list", "host2:");
            c.ok("operation", "list", "host2:");
            c.ok("config", "set", "host2:", "user.remote-key=1");
            assertEquals("1\n", c.ok("config", "get", "host2:", "user.remote-key").stdout());
            assertEquals("1", serverConfig().get("user.remote-key"), "set on host2, not on the local daemon");
            c.ok("config", "unset", "host2:", "user.remote-key");
            c.fails("one remote at a time", "rename", "host2:" + name, "local:" + name + "-renamed");

            c.ok("delete", "--force", "host2:" + name);
            assertFalse(c.ok("list", "host2:").stdout().contains(name));
            assertFalse(Instances.names().contains(name));
            c.ok("image", "delete", "host2:rbusybox");
            assertFalse(c.ok("image", "list", "host2:").stdout().contains("rbusybox"));
        } finally {
            c.delete();
        }
    }

    @Test
    void monitorAndConsoleOverHttps() throws Exception {
        RemoteCli c = withHost2("monitor");
        try (RemoteCli.Running monitor = c.start("monitor", "host2:", "--type", "lifecycle")) {
            int[] n = {0};
            assertTrue(monitor.await(() -> monitor.output().contains("profile-created"), () -> {
                String profile = "rc-mon-" + n[0]++;
                given().contentType(ContentType.JSON).body("{\"name\":\"" + profile + "\"}").when().post("/1.0/profiles");
                given().when().delete("/1.0/profiles/" + profile);
            }), monitor::output);
        } finally {
            c.delete();
        }
        RemoteCli d = withHost2("console");
        String con = "rc-con";
        try {
            deleteImages();
            String fp = Instances.importImage(Instances.busyboxImage());
            Instances.ok(Instances.create(Map.of("name", con, "source", Map.of("type", "image", "fingerprint", fp),
                    "config", Map.of("migration.stateful", "false"))));
            Instances.ok(Instances.action(con, Map.of("action", "start")));
            try (RemoteCli.Running console = d.start("console", "host2:" + con)) {
                assertTrue(console.await(() -> console.output().contains("rc-9"),
                        () -> {
                            try {
                                console.write("echo rc-$((3*3))\n".getBytes(StandardCharsets.UTF_8));
                            } catch (java.io.IOException e) {
                                // the console ended: the assertion reports the output
                            }
                        }), console::output);
                console.write(new byte[] {1, 'q'});
                assertEquals(0, console.waitFor(30), console::output);
            }
            assertTrue(d.ok("console", "host2:" + con, "--show-log").stdout().contains("rc-9"));
        } finally {
            try {
                Instances.await(Instances.action(con, Map.of("action", "stop", "force", true)));
                Instances.await(given().when().delete("/1.0/instances/" + con));
                deleteImages();
            } finally {
                d.delete();
            }
        }
    }

    @Test
    void trustCommands() throws Exception {
        RemoteCli c = withHost2("admin");
        try {
            String list = c.ok("config", "trust", "list", "host2:").stdout();
            assertTrue(list.contains("admin") && list.contains("COMMON NAME"), list);
            // a token, listed, then revoked: it no longer works
            Jlxc.Result add = c.ok("config", "trust", "add", "host2:", "--name", "later");
            assertTrue(add.stdout().startsWith("Client later certificate add token:\n"), add::toString);
            String token = add.stdout().lines().toList().getLast();
            assertTrue(c.ok("config", "trust", "list-tokens", "host2:").stdout().contains("later"));
            c.ok("config", "trust", "revoke-token", "host2:later");
            assertFalse(c.ok("config", "trust", "list-tokens", "host2:").stdout().contains("later"));
            c.fails("No certificate add token for later", "config", "trust", "revoke-token", "host2:later");
            RemoteCli late = client();
            try {
                late.fails("refused the trust token", "remote", "add", "h", token);
            } finally {
                late.delete();
            }
            c.fails("client name is required", "config", "trust", "add", "host2:");
            // a certificate file trusted directly, shown, removed
            Path pem = home.dataDir().resolve("server.crt");
            String fp = Certificates.fingerprint(Certificates.parsePem(Files.readString(pem)));
            c.ok("config", "trust", "add", "host2:", pem.toString(), "--name", "home-server");
            String shown = c.ok("config", "trust", "show", "host2:" + fp).stdout();
            assertTrue(shown.contains("name: home-server") && shown.contains("type: client"), shown);
            c.ok("config", "trust", "remove", "host2:" + fp.substring(0, 16));
            assertFalse(c.ok("config", "trust", "list", "host2:").stdout().contains("home-server"));
            c.fails("Invalid certificate file", "config", "trust", "add", "host2:", c.conf().resolve("config.yml").toString(), "--name", "x");
            // revoking our own certificate: the next request is refused
            String mine = Certificates.fingerprint(Certificates.parsePem(Files.readString(c.conf().resolve("client.crt"))));
            c.ok("config", "trust", "remove", "host2:" + mine);
            c.fails("doesn't trust this client", "list", "host2:");
        } finally {
            c.delete();
        }
    }

    @Test
    void addressFormsAndCertificateConfirmation() throws Exception {
        RemoteCli c = client();
        try {
            String address = "127.0.0.1:" + port;
            // not interactive and no --accept-certificate: the fingerprint is shown and nothing is written
            c.fails("Certificate fingerprint: " + serverFingerprint, "remote", "add", "h", address);
            assertFalse(Files.exists(c.conf().resolve("config.yml")));
            // accepted but not trusted, and no token
            c.fails("doesn't trust this client", "remote", "add", "h", address, "--accept-certificate");
            c.fails("refused the trust token", "remote", "add", "h", address, "--accept-certificate", "--token", "garbage");
            assertFalse(Files.exists(c.conf().resolve("config.yml")));
            assertFalse(Files.exists(c.conf().resolve("servercerts/h.crt")));
            // address + token
            c.ok("remote", "add", "h", "https://" + address, "--accept-certificate", "--token", token("by-address"));
            assertTrue(c.ok("list", "h:").stdout().contains("NAME"));
            c.fails("Remote h exists", "remote", "add", "h", address, "--accept-certificate");

            // rename, switch, default remote, set-url, remove
            c.ok("remote", "rename", "h", "h9");
            assertTrue(Files.exists(c.conf().resolve("servercerts/h9.crt")));
            assertFalse(Files.exists(c.conf().resolve("servercerts/h.crt")));
            c.fails("The remote \"h\" doesn't exist", "list", "h:");
            c.ok("remote", "switch", "h9");
            assertEquals("h9\n", c.ok("remote", "get-default").stdout());
            assertTrue(c.ok("remote", "list").stdout().contains("h9 (current)"));
            assertTrue(c.ok("info").stdout().contains("certificate_fingerprint: " + serverFingerprint), "default remote used");
            c.fails("Can't remove the default remote", "remote", "remove", "h9");
            c.ok("remote", "switch", "local");
            c.fails("static", "remote", "remove", "local");
            c.fails("static", "remote", "rename", "local", "x");
            int closed = HttpsListenerTest.freePort();
            c.ok("remote", "set-url", "h9", "127.0.0.1:" + closed);
            c.fails("Failed to connect to remote \"h9\"", "list", "h9:");
            c.ok("remote", "set-url", "h9", "https://" + address);
            c.ok("list", "h9:");
            c.ok("remote", "remove", "h9");
            assertFalse(Files.exists(c.conf().resolve("servercerts/h9.crt")));
            c.fails("The remote \"h9\" doesn't exist", "list", "h9:");
        } finally {
            c.delete();
        }
    }

    /** On a terminal, the fingerprint is shown and must be confirmed; then the token is asked for. */
    @Test
    void interactiveConfirmationAndTokenPrompt() throws Exception {
        RemoteCli c = client();
        try {
            String add = "remote add h 127.0.0.1:" + port;
            Process no = new ProcessBuilder(c.underPty(add)).redirectErrorStream(true).start();
            no.getOutputStream().write("n\n".getBytes(StandardCharsets.UTF_8));
            no.getOutputStream().flush();
            String noOut = new String(no.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, no.waitFor(), noOut);
            assertTrue(noOut.contains("Certificate fingerprint: " + serverFingerprint) && noOut.contains("ok (y/n/[fingerprint])?")
                    && noOut.contains("NACKed"), noOut);
            assertFalse(Files.exists(c.conf().resolve("config.yml")));

            Process yes = new ProcessBuilder(c.underPty(add)).redirectErrorStream(true).start();
            yes.getOutputStream().write((serverFingerprint + "\n" + token("prompted") + "\n").getBytes(StandardCharsets.UTF_8));
            yes.getOutputStream().flush();
            String yesOut = new String(yes.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, yes.waitFor(), yesOut);
            assertTrue(yesOut.contains("Trust token for h: ") && yesOut.contains("Remote h added"), yesOut);
            c.ok("list", "h:");
        } finally {
            c.delete();
        }
    }

    @Test
    void badInput() throws Exception {
        RemoteCli c = client();
        try {
            // unknown remotes, on every kind of command
            c.fails("The remote \"nosuch\" doesn't exist", "list", "nosuch:");
            c.fails("The remote \"nosuch\" doesn't exist", "exec", "nosuch:c1", "--", "true");
            c.fails("The remote \"nosuch\" doesn't exist", "file", "push", "/etc/hostname", "nosuch:c1/tmp/");
            c.fails("The remote \"nosuch\" doesn't exist", "info", "nosuch:");
            c.fails("The remote \"nosuch\" doesn't exist", "remote", "switch", "nosuch");
            c.fails("The remote \"nosuch\" doesn't exist", "remote", "remove", "nosuch");
            c.fails("Missing name", "exec", "local:", "--", "true");
            // malformed addresses and names (refused before any connection)
            c.fails("port 99999 is out of range", "remote", "add", "x", "127.0.0.1:99999");
            c.fails("missing \"]\"", "remote", "add", "x", "[::1");
            c.fails("only https:// and unix://", "remote", "add", "x", "ftp://127.0.0.1");
            c.fails("not a host name or IP address", "remote", "add", "x", "bad_host!");
            c.fails("not a number", "remote", "add", "x", "127.0.0.1:http");
            c.fails("may not contain colons", "remote", "add", "a:b", "127.0.0.1");
            c.fails("Invalid remote name", "remote", "add", "a/b", "127.0.0.1");
            // garbage tokens
            c.fails("Invalid trust token", "remote", "add", "x",
                    Base64.getEncoder().encodeToString("{\"not\":\"a token\"}".getBytes(StandardCharsets.UTF_8)));
            c.fails("Invalid trust token", "remote", "add", "x",
                    Base64.getEncoder().encodeToString("{not json at all".getBytes(StandardCharsets.UTF_8)));
            c.fails("Invalid trust token", "remote", "add", "x", "aGVsbG8gd29ybGQsIG5vdCBhIHRva2Vu==");
            String noAddress = Base64.getEncoder().encodeToString(("{\"client_name\":\"x\",\"fingerprint\":\"" + serverFingerprint
                    + "\",\"addresses\":[],\"secret\":\"abc\",\"expires_at\":null}").getBytes(StandardCharsets.UTF_8));
            c.fails("carries no address", "remote", "add", "x", noAddress);
            String wrongFingerprint = Base64.getEncoder().encodeToString(("{\"client_name\":\"x\",\"fingerprint\":\""
                    + "00".repeat(32) + "\",\"addresses\":[\"127.0.0.1:" + port + "\"],\"secret\":\"abc\",\"expires_at\":null}")
                    .getBytes(StandardCharsets.UTF_8));
            c.fails("certificate fingerprint mismatch", "remote", "add", "x", wrongFingerprint);
            String wrongSecret = Base64.getEncoder().encodeToString(("{\"client_name\":\"x\",\"fingerprint\":\""
                    + serverFingerprint + "\",\"addresses\":[\"127.0.0.1:" + port + "\"],\"secret\":\"" + "ab".repeat(32)
                    + "\",\"expires_at\":null}").getBytes(StandardCharsets.UTF_8));
            c.fails("refused the trust token", "remote", "add", "x", wrongSecret);
            assertFalse(Files.exists(c.conf().resolve("config.yml")), "nothing written by failed adds");
            assertFalse(Files.exists(c.conf().resolve("servercerts")), "nothing pinned by failed adds");
            assertEquals(2, c.run("remote", "add", "onlyname").exitCode(), "usage error");
        } finally {
            c.delete();
        }
    }

    /** A third daemon whose certificate changes under a pinned remote: refused, with both fingerprints shown. */
    @Test
    void changedServerCertificateIsRefused() throws Exception {
        JlxdDaemon third = JlxdDaemon.start();
        RemoteCli c = client();
        try {
            int p = HttpsListenerTest.freePort();
            RawHttp.Answer a = RawHttp.request(third.socket(), "PATCH", "/1.0",
                    configBody(Map.of("core.https_address", "127.0.0.1:" + p)), 30_000);
            assertEquals(200, a.status(), a::bodyText);
            RemoteCli onThird = RemoteCli.fresh(third.dataDir());
            String token;
            try {
                token = onThird.ok("config", "trust", "add", "--name", "pinned", "-q").stdout().trim();
            } finally {
                onThird.delete();
            }
            c.ok("remote", "add", "third", token);
            c.ok("list", "third:");
            String before = Certificates.fingerprint(Certificates.served("127.0.0.1", p));

            third.stop();
            Files.delete(third.dataDir().resolve("server.crt"));
            Files.delete(third.dataDir().resolve("server.key"));
            third.startProcess();
            String after = Certificates.fingerprint(Certificates.served("127.0.0.1", p));
            assertFalse(before.equals(after), "the restarted daemon has a new certificate");

            Jlxc.Result r = c.fails("has changed", "list", "third:");
            assertTrue(r.stderr().contains("man in the middle") && r.stderr().contains(before) && r.stderr().contains(after), r::toString);
            c.fails("has changed", "exec", "third:c1", "--", "true");
            assertEquals(before, Certificates.fingerprint(Certificates.parsePem(
                    Files.readString(c.conf().resolve("servercerts/third.crt")))), "the pin is kept");
        } finally {
            c.delete();
            third.close();
        }
    }
}
