package io.jlxd.tests;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds small ustar archives in memory, including hostile ones (names are written as given). */
final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarBuilder file(String name, String content) {
        return entry(name, '0', content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    TarBuilder dir(String name) {
        return entry(name, '5', new byte[0], 0755);
    }

    private TarBuilder entry(String name, char type, byte[] data, int mode) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, String.format("%07o", mode), 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", data.length), 12);
        put(h, 136, String.format("%011o", 1700000000L), 12);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        h[155] = ' ';
        out.writeBytes(h);
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
        return this;
    }

    private static void put(byte[] h, int off, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(b.length, max));
    }

    byte[] build() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.writeBytes(new byte[1024]);
        return all.toByteArray();
    }

    static String metadataYaml(String os) {
        return "architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  os: " + os + "\n  description: test image " + os + "\n";
    }
}
