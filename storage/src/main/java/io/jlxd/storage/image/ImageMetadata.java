package io.jlxd.storage.image;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An image's {@code metadata.yaml} (LXD {@code api.ImageMetadata}):
 *
 * <pre>
 * architecture: x86_64            # required; LXD names and their aliases (amd64, arm64...) are accepted
 * creation_date: 1700000000       # required, unix seconds
 * expiry_date: 1800000000         # optional, 0 or absent: never
 * properties:                     # free-form strings: os, release, variant, description, serial...
 *   os: debian
 * templates:                      # optional: files rendered into the rootfs on create/copy/start
 *   /etc/hostname:
 *     when: [create, copy]
 *     template: hostname.tpl      # a file in templates/
 *     create_only: false
 *     properties: {}
 *     uid: "0"                    # optional owner and mode of the rendered file
 *     gid: "0"
 *     mode: "644"
 * </pre>
 *
 * Unknown keys are ignored (forward compatibility, as LXD does). Property values that are YAML numbers or
 * booleans are kept as their text.
 */
public record ImageMetadata(String architecture, Instant creationDate, Optional<Instant> expiryDate,
        Map<String, String> properties, Map<String, Template> templates) {

    /** metadata.yaml larger than this is refused (real ones are well under 4 KiB). */
    public static final int MAX_BYTES = 1 << 20;
    public static final String FILE_NAME = "metadata.yaml";

    /** Template triggers LXD knows. */
    public static final Set<String> TRIGGERS = Set.of("create", "copy", "start");

    /**
     * LXD's architecture names (shared/osarch) with their aliases, canonical name first.
     */
    private static final List<List<String>> ARCHITECTURES = List.of(
            List.of("i686", "i386", "i586", "386", "x86", "generic_32"),
            List.of("x86_64", "amd64", "generic_64"),
            List.of("armv6l", "armel", "arm"),
            List.of("armv7l", "armhf", "armhfp", "armv7a", "armv7hl", "armv7", "armv7b", "armv7r", "armv7m"),
            List.of("aarch64", "arm64", "arm64/v8", "armv8"),
            List.of("ppc", "powerpc"),
            List.of("ppc64", "powerpc64"),
            List.of("ppc64le", "ppc64el"),
            List.of("s390x"),
            List.of("mips"),
            List.of("mips64"),
            List.of("riscv32"),
            List.of("riscv64"),
            List.of("loongarch64", "loong64"));

    /**
     * One template entry.
     *
     * @param path       absolute path in the container the rendered file is written to
     * @param when       triggers, a non-empty subset of create, copy, start
     * @param template   file name under templates/
     * @param createOnly only render when the file does not exist yet
     * @param properties free-form properties handed to the template
     * @param uid        owner of the rendered file, or empty for root
     * @param gid        group of the rendered file, or empty for root
     * @param mode       octal mode of the rendered file, or empty for 0644
     */
    public record Template(String path, List<String> when, String template, boolean createOnly,
            Map<String, String> properties, Optional<Long> uid, Optional<Long> gid, Optional<Integer> mode) {
        public Template {
            when = List.copyOf(when);
            properties = Map.copyOf(properties);
        }
    }

    public ImageMetadata {
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
    }

    /** The canonical LXD name of {@link #architecture()} ("amd64" gives "x86_64"). */
    public String architectureName() {
        return canonicalArchitecture(architecture).orElse(architecture);
    }

    /** {@code properties.os}, {@code properties.release}... or empty. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** The canonical LXD architecture name for a name or alias, or empty when LXD does not know it. */
    public static Optional<String> canonicalArchitecture(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (List<String> names : ARCHITECTURES) {
            if (names.contains(n)) {
                return Optional.of(names.get(0));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------ parsing

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Parses and validates metadata.yaml. */
    public static ImageMetadata parse(byte[] yaml) throws InvalidImageException {
        if (yaml.length > MAX_BYTES) {
            throw new InvalidImageException("metadata.yaml is " + yaml.length + " bytes (limit " + MAX_BYTES + ")");
        }
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr();
            throw new InvalidImageException("metadata.yaml is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidImageException("metadata.yaml cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidImageException("metadata.yaml is empty");
        }
        if (!root.isObject()) {
            throw new InvalidImageException("metadata.yaml must be a mapping (architecture, creation_date, ...)");
        }

        JsonNode arch = root.get("architecture");
        if (arch == null || arch.isNull() || !arch.isValueNode() || arch.asText().isBlank()) {
            throw new InvalidImageException("metadata.yaml: architecture is required");
        }
        String architecture = arch.asText().trim();
        if (canonicalArchitecture(architecture).isEmpty()) {
            throw new InvalidImageException("metadata.yaml: unsupported architecture '" + architecture + "'");
        }

        JsonNode created = root.get("creation_date");
        if (created == null || created.isNull()) {
            throw new InvalidImageException("metadata.yaml: creation_date is required (unix time in seconds)");
        }
        long creation = seconds(created, "creation_date");
        if (creation <= 0) {
            throw new InvalidImageException("metadata.yaml: creation_date must be a positive unix time, got "
                    + creation);
        }
        Optional<Instant> expiry = Optional.empty();
        JsonNode exp = root.get("expiry_date");
        if (exp != null && !exp.isNull()) {
            long e = seconds(exp, "expiry_date");
            if (e < 0) {
                throw new InvalidImageException("metadata.yaml: expiry_date must not be negative, got " + e);
            }
            if (e > 0) {
                expiry = Optional.of(Instant.ofEpochSecond(e));
            }
        }

        Map<String, String> properties = stringMap(root.get("properties"), "properties");

        Map<String, Template> templates = new LinkedHashMap<>();
        JsonNode tpl = root.get("templates");
        if (tpl != null && !tpl.isNull()) {
            if (!tpl.isObject()) {
                throw new InvalidImageException("metadata.yaml: templates must be a mapping of paths to templates");
            }
            for (Map.Entry<String, JsonNode> e : tpl.properties()) {
                templates.put(e.getKey(), template(e.getKey(), e.getValue()));
            }
        }
        return new ImageMetadata(architecture, Instant.ofEpochSecond(creation), expiry, properties, templates);
    }

    private static long seconds(JsonNode n, String field) throws InvalidImageException {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isTextual() && n.asText().trim().matches("-?[0-9]{1,18}")) {
            return Long.parseLong(n.asText().trim());
        }
        throw new InvalidImageException("metadata.yaml: " + field + " must be an integer unix time in seconds, got '"
                + n.asText() + "'");
    }

    private static Map<String, String> stringMap(JsonNode n, String field) throws InvalidImageException {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new InvalidImageException("metadata.yaml: " + field + " must be a mapping of strings");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.put(e.getKey(), "");
            } else if (v.isValueNode()) {
                out.put(e.getKey(), v.asText());
            } else {
                throw new InvalidImageException("metadata.yaml: " + field + "." + e.getKey()
                        + " must be a string, not a " + (v.isArray() ? "list" : "mapping"));
            }
        }
        return out;
    }

    private static Template template(String path, JsonNode n) throws InvalidImageException {
        String where = "metadata.yaml: templates." + path;
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new InvalidImageException(where + ": the key must be an absolute path in the container");
        }
        for (String c : path.split("/")) {
            if (c.equals("..")) {
                throw new InvalidImageException(where + ": '..' is not allowed in the path");
            }
        }
        if (n == null || !n.isObject()) {
            throw new InvalidImageException(where + " must be a mapping (when, template, ...)");
        }
        JsonNode file = n.get("template");
        if (file == null || !file.isValueNode() || file.asText().isBlank()) {
            throw new InvalidImageException(where + ".template is required (a file name under templates/)");
        }
        String name = file.asText().trim();
        if (name.startsWith("/") || name.indexOf('\0') >= 0 || List.of(name.split("/")).contains("..")) {
            throw new InvalidImageException(where + ".template must be a relative file name under templates/, got '"
                    + name + "'");
        }
        List<String> when = new ArrayList<>();
        JsonNode w = n.get("when");
        if (w == null || w.isNull() || (w.isArray() && w.isEmpty())) {
            throw new InvalidImageException(where + ".when is required: one or more of create, copy, start");
        }
        for (JsonNode t : w.isArray() ? w : List.of(w)) {
            String trigger = t.asText().trim();
            if (!t.isValueNode() || !TRIGGERS.contains(trigger)) {
                throw new InvalidImageException(where + ".when: unknown trigger '" + t.asText()
                        + "' (expected create, copy or start)");
            }
            if (!when.contains(trigger)) {
                when.add(trigger);
            }
        }
        JsonNode co = n.get("create_only");
        boolean createOnly = false;
        if (co != null && !co.isNull()) {
            if (co.isBoolean()) {
                createOnly = co.asBoolean();
            } else if (co.isTextual() && (co.asText().equals("true") || co.asText().equals("false"))) {
                createOnly = Boolean.parseBoolean(co.asText());
            } else {
                throw new InvalidImageException(where + ".create_only must be true or false");
            }
        }
        Map<String, String> props = stringMap(n.get("properties"), "templates." + path + ".properties");
        Optional<Long> uid = id(n.get("uid"), where + ".uid");
        Optional<Long> gid = id(n.get("gid"), where + ".gid");
        Optional<Integer> mode = Optional.empty();
        JsonNode m = n.get("mode");
        if (m != null && !m.isNull() && !m.asText().isBlank()) {
            String s = m.asText().trim();
            if (!s.matches("0?[0-7]{1,4}")) {
                throw new InvalidImageException(where + ".mode must be an octal mode such as \"644\", got '" + s + "'");
            }
            mode = Optional.of(Integer.parseInt(s, 8));
        }
        return new Template(path, when, name, createOnly, props, uid, gid, mode);
    }

    private static Optional<Long> id(JsonNode n, String where) throws InvalidImageException {
        if (n == null || n.isNull() || n.asText().isBlank()) {
            return Optional.empty();
        }
        String s = n.asText().trim();
        if (!s.matches("[0-9]{1,10}") || Long.parseLong(s) > 0xfffffffeL) {
            throw new InvalidImageException(where + " must be a numeric id, got '" + s + "'");
        }
        return Optional.of(Long.parseLong(s));
    }

    // ------------------------------------------------------------------------------------------ from tarballs

    /**
     * Reads metadata.yaml out of a unified image or a split image's metadata tarball (any supported
     * compression) without extracting anything. Stops at the entry, which image builders put first.
     *
     * @throws InvalidImageException when the file is not a supported tarball or has no valid metadata.yaml
     */
    public static ImageMetadata readFrom(Path tarball) throws IOException {
        try (InputStream raw = Compression.open(tarball); TarReader tar = new TarReader(raw)) {
            TarEntry e;
            while ((e = tar.next()) != null) {
                if (!isMetadataName(e.name())) {
                    continue;
                }
                if (e.type() != TarEntry.Type.FILE) {
                    throw new InvalidImageException("metadata.yaml in the image is a " + e.type().label()
                            + ", not a regular file");
                }
                if (e.size() > MAX_BYTES) {
                    throw new InvalidImageException("metadata.yaml is " + e.size() + " bytes (limit " + MAX_BYTES + ")");
                }
                return parse(tar.entryStream().readNBytes((int) e.size()));
            }
        }
        throw new InvalidImageException("the image has no metadata.yaml");
    }

    /** "metadata.yaml", "./metadata.yaml", ".//metadata.yaml", "/metadata.yaml" (a leading "/" is stripped, as GNU tar does). */
    static boolean isMetadataName(String name) {
        String n = name;
        while (n.startsWith("/") || n.startsWith("./")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        return n.equals(FILE_NAME);
    }

    /** Parses UTF-8 text (convenience for tests and tools). */
    public static ImageMetadata parse(String yaml) throws InvalidImageException {
        return parse(yaml.getBytes(StandardCharsets.UTF_8));
    }
}
