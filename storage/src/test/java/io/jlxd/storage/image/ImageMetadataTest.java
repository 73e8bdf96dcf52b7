package io.jlxd.storage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageMetadataTest {
    @TempDir
    Path tmp;

    private static final String FULL = """
            architecture: x86_64
            creation_date: 1700000000
            expiry_date: 1800000000
            properties:
              architecture: amd64
              os: debian
              release: bookworm
              variant: criu-friendly
              description: Debian bookworm
              serial: 20240101_0000
              version: 12
            templates:
              /etc/hostname:
                when:
                  - create
                  - copy
                create_only: false
                template: hostname.tpl
                properties: {}
              /etc/hosts:
                when: [start]
                template: hosts.tpl
                create_only: true
                uid: "0"
                gid: 0
                mode: "644"
                properties:
                  default: "true"
            something_new: ignored
            """;

    @Test
    void parsesEveryField() throws IOException {
        ImageMetadata m = ImageMetadata.parse(FULL);
        assertEquals("x86_64", m.architecture());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), m.creationDate());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_800_000_000L)), m.expiryDate());
        assertEquals("debian", m.properties().get("os"));
        assertEquals("criu-friendly", m.property("variant").orElseThrow());
        assertEquals("12", m.properties().get("version"), "numbers are kept as text");
        assertEquals(List.of("architecture", "os", "release", "variant", "description", "serial", "version"),
                List.copyOf(m.properties().keySet()), "order kept");
        ImageMetadata.Template hostname = m.templates().get("/etc/hostname");
        assertEquals(List.of("create", "copy"), hostname.when());
        assertEquals("hostname.tpl", hostname.template());
        assertFalse(hostname.createOnly());
        ImageMetadata.Template hosts = m.templates().get("/etc/hosts");
        assertTrue(hosts.createOnly());
        assertEquals(Optional.of(0L), hosts.uid());
        assertEquals(Optional.of(0644), hosts.mode());
        assertEquals("true", hosts.properties().get("default"));
    }

    @Test
    void acceptsArchitectureAliasesAndOptionalParts() throws IOException {
        ImageMetadata m = ImageMetadata.parse("architecture: amd64\ncreation_date: \"1700000000\"\nexpiry_date: 0\n");
        assertEquals("amd64", m.architecture());
        assertEquals("x86_64", m.architectureName());
        assertEquals(Optional.empty(), m.expiryDate());
        assertTrue(m.properties().isEmpty());
        assertTrue(m.templates().isEmpty());
        assertEquals(Optional.of("aarch64"), ImageMetadata.canonicalArchitecture("arm64"));
        assertEquals(Optional.empty(), ImageMetadata.canonicalArchitecture("vax"));
    }

    private static void refused(String yaml, String... parts) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImageMetadata.parse(yaml));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void refusesInvalidMetadataWithClearMessages() {
        refused("", "empty");
        refused("- a\n- b\n", "must be a mapping");
        refused("architecture: [x86_64\n", "not valid YAML", "line");
        refused("creation_date: 1700000000\n", "architecture is required");
        refused("architecture: vax\ncreation_date: 1\n", "unsupported architecture 'vax'");
        refused("architecture: x86_64\n", "creation_date is required");
        refused("architecture: x86_64\ncreation_date: yesterday\n", "creation_date must be an integer");
        refused("architecture: x86_64\ncreation_date: 0\n", "creation_date must be a positive");
        refused("architecture: x86_64\ncreation_date: 1\nexpiry_date: -1\n", "expiry_date must not be negative");
        refused("architecture: x86_64\ncreation_date: 1\nproperties: [a]\n", "properties must be a mapping");
        refused("architecture: x86_64\ncreation_date: 1\nproperties:\n  os: {a: b}\n", "properties.os must be a string");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates: [a]\n", "templates must be a mapping");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  etc/hostname:\n    when: [create]\n    template: h.tpl\n",
                "templates.etc/hostname", "absolute path");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/../shadow:\n    when: [create]\n    template: h.tpl\n",
                "'..'");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    when: [boot]\n    template: h.tpl\n",
                "unknown trigger 'boot'");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    template: h.tpl\n",
                ".when is required");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    when: [create]\n",
                ".template is required");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    when: [create]\n    template: ../../etc/shadow\n",
                "relative file name under templates/");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    when: [create]\n    template: h.tpl\n    mode: rwx\n",
                "octal mode");
        refused("architecture: x86_64\ncreation_date: 1\ntemplates:\n  /etc/hostname:\n    when: [create]\n    template: h.tpl\n    uid: root\n",
                "numeric id");
        refused("x".repeat(ImageMetadata.MAX_BYTES + 1), "limit");
    }

    @Test
    void readsMetadataFromTarballsWithoutUnpacking() throws IOException {
        Path unified = TestTar.write(tmp.resolve("u.tar.xz"), TestTar.xz(new TestTar()
                .dir("rootfs").file("rootfs/a", "x").file("./metadata.yaml", FULL).bytes()));
        assertEquals("debian", ImageMetadata.readFrom(unified).properties().get("os"));
        Path none = TestTar.write(tmp.resolve("n.tar"), new TestTar().dir("rootfs").bytes());
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImageMetadata.readFrom(none));
        assertEquals("the image has no metadata.yaml", e.getMessage());
        Path absolute = TestTar.write(tmp.resolve("a.tar"), new TestTar().file("/metadata.yaml", FULL).bytes());
        assertEquals("debian", ImageMetadata.readFrom(absolute).properties().get("os")); // "/" stripped, like GNU tar
        Path link = TestTar.write(tmp.resolve("l.tar"), new TestTar().symlink("metadata.yaml", "/etc/passwd").bytes());
        e = assertThrows(InvalidImageException.class, () -> ImageMetadata.readFrom(link));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
