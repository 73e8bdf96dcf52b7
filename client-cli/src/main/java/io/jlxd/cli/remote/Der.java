package io.jlxd.cli.remote;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER (X.690) encodings a self-signed X.509 certificate needs. Each method returns one complete TLV; a
 * constructed value is built from already encoded children. Only used to create the client certificate once.
 */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    static byte[] sequence(byte[]... children) {
        return tlv(0x30, concat(children));
    }

    static byte[] set(byte[]... children) {
        return tlv(0x31, concat(children));
    }

    /** A context-specific constructed (EXPLICIT) tag [n]. */
    static byte[] explicit(int n, byte[] inner) {
        return tlv(0xa0 | n, inner);
    }

    static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] octetString(byte[] value) {
        return tlv(0x04, value);
    }

    /** A BIT STRING of whole bytes with {@code unusedBits} unused bits in the last one. */
    static byte[] bitString(byte[] value, int unusedBits) {
        byte[] content = new byte[value.length + 1];
        content[0] = (byte) unusedBits;
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(0x03, content);
    }

    static byte[] utf8(String value) {
        return tlv(0x0c, value.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime up to 2049, GeneralizedTime from 2050 on (RFC 5280 4.1.2.5). */
    static byte[] time(ZonedDateTime t) {
        ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC);
        if (utc.getYear() < 2050) {
            return tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            int groups = 1;
            for (long x = v >>> 7; x != 0; x >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                int b = (int) ((v >>> (7 * g)) & 0x7f);
                out.write(g == 0 ? b : b | 0x80);
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    /**
     * Wraps a SEC1 {@code ECPrivateKey} (RFC 5915, what lxc writes as "EC PRIVATE KEY") in PKCS#8, taking the curve
     * from its {@code [0] parameters}.
     */
    static byte[] pkcs8FromSec1(byte[] sec1) {
        int[] seq = header(sec1, 0);
        if ((sec1[0] & 0xff) != 0x30) {
            throw new IllegalArgumentException("not a SEC1 EC private key");
        }
        byte[] curve = null;
        for (int pos = seq[0], end = seq[0] + seq[1]; pos < end; ) {
            int[] h = header(sec1, pos);
            if ((sec1[pos] & 0xff) == 0xa0) {
                curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
            }
            pos = h[0] + h[1];
        }
        if (curve == null) {
            throw new IllegalArgumentException("the EC private key does not name its curve");
        }
        return sequence(integer(BigInteger.ZERO), sequence(oid("1.2.840.10045.2.1"), curve), octetString(sec1));
    }

    /** The start and length of the content of the TLV at {@code pos}. */
    private static int[] header(byte[] der, int pos) {
        int len = der[pos + 1] & 0xff;
        int start = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + len > der.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        return new int[] {start, len};
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
