package io.jlxd.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import io.jlxd.cli.output.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The client configuration, LXD's layout: {@code config.yml} ({@code default-remote}, {@code remotes:
 * {NAME: {addr, protocol, auth_type, public}}}; other keys are kept as they are), {@code client.crt}/{@code
 * client.key} and {@code servercerts/NAME.crt}, the pinned certificate of each HTTPS remote. The directory is
 * {@code $JLXC_CONF}, else {@code ~/.config/jlxc}. Without a {@code config.yml} the configuration is the static
 * {@code local} remote alone and nothing is read (so local commands do not load the YAML parser).
 */
public final class RemoteConfig {
    public static final String ENV_CONF = "JLXC_CONF";
    public static final String LOCAL = "local";
    static final String CONFIG_FILE = "config.yml";
    static final String SERVER_CERTS = "servercerts";

    /** One remote: its address, protocol (always {@code lxd}), auth type ({@code tls} or {@code file access}). */
    public record Remote(String addr, String protocol, String authType, boolean isPublic) {
        public RemoteAddress address() {
            return RemoteAddress.parse(addr);
        }
    }

    private final Path dir;
    private final SortedMap<String, Remote> remotes = new TreeMap<>();
    /** The current project of each remote (LXD's {@code project} key of a remote); absent: {@code default}. */
    private final Map<String, String> projects = new TreeMap<>();
    private String defaultRemote = LOCAL;
    private ObjectNode document;

    private RemoteConfig(Path dir) {
        this.dir = dir;
        remotes.put(LOCAL, localRemote());
    }

    private static Remote localRemote() {
        return new Remote("unix://", "lxd", "file access", false);
    }

    /** The configuration directory for an environment. */
    public static Path directory(Map<String, String> env) {
        String conf = env.get(ENV_CONF);
        if (conf != null && !conf.isBlank()) {
            return Path.of(conf);
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".config", "jlxc");
    }

    public static RemoteConfig load(Path dir) throws IOException {
        RemoteConfig c = new RemoteConfig(dir);
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.exists(file)) {
            return c;
        }
        JsonNode doc;
        try {
            doc = Yaml.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return c;
        }
        if (!doc.isObject()) {
            throw new IOException("Cannot read " + file + ": not a YAML mapping");
        }
        c.document = (ObjectNode) doc;
        JsonNode remotes = doc.path("remotes");
        for (Iterator<Map.Entry<String, JsonNode>> it = remotes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode r = e.getValue();
            String addr = r.path("addr").asText("");
            String authType = r.path("auth_type").asText("");
            if (authType.isEmpty()) {
                authType = addr.startsWith("unix:") ? "file access" : "tls";
            }
            c.remotes.put(e.getKey(), new Remote(addr, r.path("protocol").asText("lxd"), authType,
                    r.path("public").asBoolean(false)));
            String project = r.path("project").asText("");
            if (!project.isEmpty()) {
                c.projects.put(e.getKey(), project);
            }
        }
        c.remotes.putIfAbsent(LOCAL, localRemote());
        String def = doc.path("default-remote").asText("");
        if (!def.isEmpty()) {
            c.defaultRemote = def;
        }
        return c;
    }

    /** Writes config.yml (mode 0600, atomically), creating the directory (0700) if needed. */
    public void save() throws IOException {
        ConfigFiles.createPrivateDirectory(dir);
        ObjectNode doc = document == null ? JsonNodeFactory.instance.objectNode() : document.deepCopy();
        doc.put("default-remote", defaultRemote);
        ObjectNode rs = JsonNodeFactory.instance.objectNode();
        remotes.forEach((name, r) -> {
            ObjectNode n = rs.putObject(name);
            n.put("addr", r.addr());
            if (!r.addr().startsWith("unix:")) {
                n.put("auth_type", r.authType());
            }
            n.put("protocol", r.protocol());
            n.put("public", r.isPublic());
            String project = projects.get(name);
            if (project != null && !project.isEmpty()) {
                n.put("project", project);
            }
        });
        doc.set("remotes", rs);
        if (!doc.has("aliases")) {
            doc.putObject("aliases");
        }
        ConfigFiles.writeAtomically(dir.resolve(CONFIG_FILE), Yaml.render(doc), true);
    }

    public Path dir() {
        return dir;
    }

    public String defaultRemote() {
        return defaultRemote;
    }

    public void setDefaultRemote(String name) {
        require(name);
        defaultRemote = name;
    }

    public SortedMap<String, Remote> remotes() {
        return Collections.unmodifiableSortedMap(remotes);
    }

    public boolean has(String name) {
        return remotes.containsKey(name);
    }

    /** The remote called {@code name}; a clear error when there is none. */
    public Remote require(String name) {
        Remote r = remotes.get(name);
        if (r == null) {
            throw new CliException("The remote \"" + name + "\" doesn't exist");
        }
        return r;
    }

    public static boolean isStatic(String name) {
        return LOCAL.equals(name);
    }

    public void put(String name, Remote remote) {
        remotes.put(name, remote);
    }

    public void remove(String name) {
        remotes.remove(name);
        projects.remove(name);
    }

    /** The current project of a remote ({@code jlxc project switch}), {@code default} when none was chosen. */
    public String project(String name) {
        return projects.getOrDefault(name, "default");
    }

    public void setProject(String name, String project) {
        require(name);
        if (project == null || project.isEmpty() || project.equals("default")) {
            projects.remove(name);
        } else {
            projects.put(name, project);
        }
    }

    /** Where the pinned certificate of an HTTPS remote lives. */
    public Path serverCertificate(String name) {
        return dir.resolve(SERVER_CERTS).resolve(name + ".crt");
    }

    /** Pins a remote's server certificate (servercerts/ is created with mode 0700). */
    public void pin(String name, String pem) throws IOException {
        ConfigFiles.createPrivateDirectory(dir);
        ConfigFiles.createPrivateDirectory(dir.resolve(SERVER_CERTS));
        ConfigFiles.writeAtomically(serverCertificate(name), pem, false);
    }

    /** Checks a new remote name: not empty, no ":" (it separates remote and name), no "/" nor whitespace. */
    public static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new CliException("A remote name can't be empty");
        }
        if (name.contains(":")) {
            throw new CliException("Remote names may not contain colons: \"" + name + "\"");
        }
        if (name.contains("/") || name.equals(".") || name.equals("..") || name.startsWith("-")
                || name.chars().anyMatch(ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
            throw new CliException("Invalid remote name \"" + name + "\": no \"/\", spaces or leading \"-\"");
        }
    }
}
