package io.jlxd.storage.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Writes tar archives byte by byte, hostile ones included (raw names, bogus sizes, bad checksums). */
final class TestTar {
    static final long MTIME = 1_700_000_000L;

    /** One header; public fields so tests can bend any of them. */
    static final class Header {
        String name;
        char type = '0';
        int mode = 0644;
        long uid;
        long gid;
        long size = -1; // -1: data length
        long mtime = MTIME;
        String link = "";
        int major;
        int minor;
        byte[] sizeField;   // raw 12-byte size field (overrides size)
        Integer checksum;   // bogus checksum
        final Map<String, byte[]> pax = new LinkedHashMap<>();

        Header(String name) {
            this.name = name;
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TestTar dir(String name) {
        return dir(name, 0755);
    }

    TestTar dir(String name, int mode) {
        return entry(name, h -> {
            h.type = '5';
            h.mode = mode;
        }, new byte[0]);
    }

    TestTar file(String name, String content) {
        return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
    }

    TestTar file(String name, int mode, byte[] data) {
        return entry(name, h -> h.mode = mode, data);
    }

    TestTar symlink(String name, String target) {
        return entry(name, h -> {
            h.type = '2';
            h.mode = 0777;
            h.link = target;
        }, new byte[0]);
    }

    TestTar hardlink(String name, String target) {
        return entry(name, h -> {
            h.type = '1';
            h.link = target;
        }, new byte[0]);
    }

    TestTar device(String name, char type, int major, int minor) {
        return entry(name, h -> {
            h.type = type;
            h.mode = 0666;
            h.major = major;
            h.minor = minor;
        }, new byte[0]);
    }

    TestTar metadata() {
        return file("metadata.yaml", "architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  os: test\n");
    }

    /** Any entry: {@code tweak} edits the header before it is written. */
    TestTar entry(String name, Consumer<Header> tweak, byte[] data) {
        Header h = new Header(name);
        tweak.accept(h);
        return write(h, data);
    }

    TestTar write(Header h, byte[] data) {
        byte[] nameBytes = h.name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = h.link.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> pax = new LinkedHashMap<>(h.pax);
        if (nameBytes.length > 100) {
            pax.put("path", nameBytes);
        }
        if (linkBytes.length > 100) {
            pax.put("linkpath", linkBytes);
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            Header x = new Header("PaxHeaders/" + Math.abs(h.name.hashCode()));
            x.type = 'x';
            rawHeader(x, records.length);
            block(records);
        }
        long size = h.size >= 0 ? h.size : data.length;
        rawHeader(h, size);
        block(data);
        return this;
    }

    private void rawHeader(Header h, long size) {
        byte[] b = new byte[512];
        put(b, 0, 100, Arrays.copyOf(h.name.getBytes(StandardCharsets.UTF_8), Math.min(100, h.name.getBytes(StandardCharsets.UTF_8).length)));
        octal(b, 100, 8, h.mode);
        octal(b, 108, 8, h.uid);
        octal(b, 116, 8, h.gid);
        if (h.sizeField != null) {
            System.arraycopy(h.sizeField, 0, b, 124, 12);
        } else {
            octal(b, 124, 12, size);
        }
        octal(b, 136, 12, h.mtime);
        b[156] = (byte) h.type;
        byte[] link = h.link.getBytes(StandardCharsets.UTF_8);
        put(b, 157, 100, Arrays.copyOf(link, Math.min(100, link.length)));
        put(b, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(b, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        octal(b, 329, 8, h.major);
        octal(b, 337, 8, h.minor);
        Arrays.fill(b, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        octal(b, 148, 7, h.checksum != null ? h.checksum : sum);
        b[155] = ' ';
        out.writeBytes(b);
    }

    private void block(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
    }

    private static void put(byte[] b, int off, int len, byte[] v) {
        System.arraycopy(v, 0, b, off, Math.min(len, v.length));
    }

    private static void octal(byte[] b, int off, int len, long v) {
        String s = Long.toOctalString(v);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        put(b, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
        b[off + len - 1] = 0;
    }

    static byte[] paxRecords(Map<String, byte[]> records) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] kv = (r.getKey() + "=").getBytes(StandardCharsets.UTF_8);
            int body = 1 + kv.length + r.getValue().length + 1; // " " + key= + value + "\n"
            int len = body + String.valueOf(body).length();
            if (String.valueOf(len).length() != String.valueOf(body).length()) {
                len++;
            }
            o.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(kv);
            o.writeBytes(r.getValue());
            o.write('\n');
        }
        return o.toByteArray();
    }

    /** The archive with its two end-of-archive blocks. */
    byte[] bytes() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(out.toByteArray());
        o.writeBytes(new byte[1024]);
        return o.toByteArray();
    }

    /** The archive as written so far, without the end blocks. */
    byte[] unterminated() {
        return out.toByteArray();
    }

    Path writeTo(Path file) {
        return write(file, bytes());
    }

    static Path write(Path file, byte[] data) {
        try {
            Files.write(file, data);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(o)) {
                gz.write(data);
            }
            return o.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] xz(byte[] data) {
        try {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (XZOutputStream xz = new XZOutputStream(o, new LZMA2Options(1))) {
                xz.write(data);
            }
            return o.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
