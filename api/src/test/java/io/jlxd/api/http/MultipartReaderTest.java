package io.jlxd.api.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static final String B = "XyZ123";

    static byte[] body(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"m.tar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a);
        out.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=rootfs\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
        out.writeBytes(("\r\n--" + B + "--\r\nepilogue").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Returns at most n bytes per read, to exercise boundaries split across reads. */
    static InputStream trickle(byte[] data, int n) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, n));
            }
        };
    }

    @Test
    void readsPartsOfAnySizeWithAnyReadSize() throws IOException {
        Random rnd = new Random(1);
        for (int size : new int[] {0, 1, 10, 70000, 300000}) {
            byte[] a = new byte[size];
            byte[] b = new byte[size / 2 + 3];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            for (int chunk : new int[] {1, 7, 4096, 1 << 20}) {
                if (chunk == 1 && size > 10000) {
                    continue;
                }
                MultipartReader r = new MultipartReader(trickle(body(a, b), chunk), B);
                MultipartReader.Part p = r.next();
                assertEquals("metadata", p.name());
                assertEquals("m.tar", p.filename());
                assertArrayEquals(a, p.body().readAllBytes());
                p = r.next();
                assertEquals("rootfs", p.name());
                assertArrayEquals(b, p.body().readAllBytes());
                assertNull(r.next());
            }
        }
    }

    @Test
    void bodyWithoutPreamble() throws IOException {
        byte[] a = new byte[3072];
        byte[] b = new byte[4096];
        a[5] = 'x';
        String head = "--" + B + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"meta.tar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a);
        out.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"rootfs\"; filename=\"rootfs.tar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
        out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(out.toByteArray()), B);
        assertArrayEquals(a, r.next().body().readAllBytes());
        assertArrayEquals(b, r.next().body().readAllBytes());
        assertNull(r.next());
    }

    @Test
    void skipsUnreadParts() throws IOException {
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body("aaa".getBytes(), "bbb".getBytes())), B);
        r.next();
        assertEquals("bbb", new String(r.next().body().readAllBytes()));
    }

    @Test
    void truncatedBodyIsAnError() {
        byte[] full = body(new byte[5000], new byte[5000]);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 30);
        assertThrows(EOFException.class, () -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(cut), B);
            r.next().body().readAllBytes();
            r.next().body().readAllBytes();
        });
    }

    @Test
    void boundaryFromContentType() {
        assertEquals("abc", MultipartReader.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartReader.boundaryOf("multipart/form-data; boundary=\"a b\"; charset=x"));
        assertNull(MultipartReader.boundaryOf("multipart/form-data"));
    }
}
